import { copyFile } from 'node:fs/promises';
import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/bin/worldmodels-worker.ts'],
  format: ['esm'],
  dts: { entry: ['src/index.ts'] },
  sourcemap: true,
  clean: true,
  target: 'node20',
  // The rollout-thread entry is plain JavaScript, loaded by path at run time (not bundled).
  async onSuccess() {
    await copyFile('src/worker/rollout-thread.mjs', 'dist/rollout-thread.mjs');
  },
});
