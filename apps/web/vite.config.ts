import { defaultClientConditions, defineConfig } from 'vite';
import { checkpointsPlugin } from './vite/checkpoints-plugin.js';
import { nodeBuiltinsUnavailable } from './vite/node-builtins-unavailable.js';

// The page imports the workspace packages' TypeScript sources (the `worldmodels-source`
// condition), so it needs no prior build of the packages.
export default defineConfig({
  base: './',
  // The dev server's pre-bundled dependencies stay inside this app.
  cacheDir: 'node_modules/.vite',
  plugins: [nodeBuiltinsUnavailable(), checkpointsPlugin()],
  resolve: { conditions: ['worldmodels-source', ...defaultClientConditions] },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096, reportCompressedSize: false },
  server: { host: '127.0.0.1' },
  preview: { host: '127.0.0.1' },
});
