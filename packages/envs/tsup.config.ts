import { defineConfig } from 'tsup';

export default defineConfig({
  entry: { index: 'src/index.ts', 'collect/rollout-worker': 'src/collect/rollout-worker.ts' },
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
