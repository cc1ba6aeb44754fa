import { defineConfig } from 'vitest/config';

// Tests resolve workspace packages to their TypeScript sources through the
// `worldmodels-source` export condition, so `npm test` needs no prior build.
export default defineConfig({
  resolve: { conditions: ['worldmodels-source'] },
  ssr: { resolve: { conditions: ['worldmodels-source'] } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'apps/*/src/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
