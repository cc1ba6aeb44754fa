import { defineConfig } from 'tsup';

export default defineConfig({
  // The policy and evaluator modules are their own entries: worker threads import them by path.
  entry: ['src/index.ts', 'src/collect/agent-policy.ts', 'src/train/real-env-evaluator.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
