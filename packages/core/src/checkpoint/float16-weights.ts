import * as tf from '@tensorflow/tfjs-core';
import { float32ToFloat16 } from '../dataset/float16.js';

/**
 * Like `tf.io.encodeWeights`, but float32 tensors are stored as IEEE half floats with the
 * standard tfjs quantization entry (`{ dtype: 'float16' }`); other dtypes are stored as they are.
 */
export async function encodeWeightsFloat16(tensors: Record<string, tf.Tensor>): Promise<{ data: ArrayBuffer; specs: tf.io.WeightsManifestEntry[] }> {
  const specs: tf.io.WeightsManifestEntry[] = [];
  const parts: Uint8Array[] = [];
  for (const [name, tensor] of Object.entries(tensors)) {
    if (tensor.dtype !== 'float32') {
      const encoded = await tf.io.encodeWeights({ [name]: tensor });
      specs.push(...encoded.specs);
      parts.push(new Uint8Array(encoded.data));
      continue;
    }
    const half = float32ToFloat16((await tensor.data()) as Float32Array);
    specs.push({ name, shape: tensor.shape, dtype: 'float32', quantization: { dtype: 'float16' } });
    parts.push(new Uint8Array(half.buffer, half.byteOffset, half.byteLength));
  }
  const total = parts.reduce((n, p) => n + p.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.byteLength;
  }
  return { data: out.buffer, specs };
}
