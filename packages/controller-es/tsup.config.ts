import { copyFile } from 'node:fs/promises';
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/evaluators/carracing-evaluator.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // The worker-thread entry is plain JavaScript, loaded by path at run time (not bundled).
  async onSuccess() {
    await copyFile('src/parallel/evaluation-worker.mjs', 'dist/evaluation-worker.mjs');
  },
});
