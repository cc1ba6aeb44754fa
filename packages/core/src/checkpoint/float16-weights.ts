import * as tf from '@tensorflow/tfjs-core';
import { float32ToFloat16 } from '../dataset/float16.js';
import { concatWeightData } from './weights-file.js';

/**
 * Like `tf.io.encodeWeights`, but float32 tensors are stored as IEEE half floats with the
 * standard tfjs quantization entry (`{ dtype: 'float16' }`); other dtypes are stored as they are.
 */
export async function encodeWeightsFloat16(tensors: Record<string, tf.Tensor>): Promise<{ data: ArrayBuffer; specs: tf.io.WeightsManifestEntry[] }> {
  const specs: tf.io.WeightsManifestEntry[] = [];
  const parts: ArrayBuffer[] = [];
  for (const [name, tensor] of Object.entries(tensors)) {
    if (tensor.dtype !== 'float32') {
      const encoded = await tf.io.encodeWeights({ [name]: tensor });
      specs.push(...encoded.specs);
      parts.push(encoded.data);
      continue;
    }
    const half = float32ToFloat16((await tensor.data()) as Float32Array);
    specs.push({ name, shape: tensor.shape, dtype: 'float32', quantization: { dtype: 'float16' } });
    parts.push(half.buffer as ArrayBuffer); // a fresh array of its own: the whole buffer
  }
  return { data: concatWeightData(parts).buffer as ArrayBuffer, specs };
}
