/**
 * Where the wasm backend's `.wasm` files are. In Node they sit in the package's dist folder;
 * in a browser the bundler serves them and `null` leaves tfjs's default (same origin) in place.
 */
export async function wasmDistDirectory(): Promise<string | null> {
  if (typeof process === 'undefined' || !process.versions?.node) return null;
  const { createRequire } = await import('node:module');
  const { dirname } = await import('node:path');
  const require = createRequire(import.meta.url);
  return `${dirname(require.resolve('@tensorflow/tfjs-backend-wasm'))}/`;
}
