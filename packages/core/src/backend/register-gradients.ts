/**
 * Registers every TensorFlow.js gradient, which tfjs-core alone does not. tfjs-core's own
 * registration module (`dist/register_all_gradients`) is ESM that only loads through a bundler;
 * the `@tensorflow/tfjs` package registers all gradients (and chained tensor methods) into
 * tfjs-core's global registries both in Node and in bundlers, as tfjs-node relies on.
 */
import '@tensorflow/tfjs';
