import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts', 'src/io/index.ts', 'src/random/index.ts', 'src/dataset/index.ts', 'src/progress/index.ts', 'src/image/index.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
});
