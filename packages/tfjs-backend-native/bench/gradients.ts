import { register } from 'node:module';

/**
 * Registers tfjs-core's gradient functions in plain Node. tfjs-core's CommonJS bundle has none,
 * and `@tensorflow/tfjs-core/dist/register_all_gradients` is an ES module with extensionless
 * imports, so Node needs the hooks in tfjs-esm-hooks.mjs to load it. (Under vitest, which
 * transforms such files itself, a plain import works.)
 */
export async function registerAllGradients(): Promise<void> {
  register('./tfjs-esm-hooks.mjs', import.meta.url);
  await import('@tensorflow/tfjs-core/dist/register_all_gradients.js' as string);
}
