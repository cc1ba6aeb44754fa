import * as tf from '@tensorflow/tfjs-core';

/** The reference's JSON weight files store every weight as round(w · 10⁴). */
export const REFERENCE_SCALE = 10000;

/**
 * Decodes a reference JSON weight list (hardmaru's `save_json`: one nested array of
 * round(w · 10⁴) per trainable variable, in graph order) into named tensors, checking the count
 * and every shape. `what` names the source in errors.
 */
export function decodeReferenceJson(
  json: unknown,
  names: readonly string[],
  shapes: Record<string, readonly number[]>,
  what: string,
): Record<string, tf.Tensor> {
  if (!Array.isArray(json)) throw new Error(`${what}: expected a JSON list of weight arrays, got ${typeof json}`);
  if (json.length !== names.length) throw new Error(`${what}: expected ${names.length} weight arrays (${names.join(', ')}), got ${json.length}`);
  const lists: unknown[] = json;
  const out: Record<string, tf.Tensor> = {};
  try {
    names.forEach((name, i) => decodeOne(name, i));
  } catch (error) {
    tf.dispose(Object.values(out)); // nothing half-loaded survives a bad file
    throw error;
  }
  return out;

  function decodeOne(name: string, i: number): void {
    const shape = shapes[name]!;
    const size = shape.reduce((a, b) => a * b, 1);
    const values = new Float32Array(size);
    let n = 0;
    const walk = (node: unknown, depth: number): void => {
      if (depth === shape.length) {
        if (typeof node !== 'number' || !Number.isFinite(node)) throw new Error(`${what}: ${name} holds a non-number ${JSON.stringify(node)}`);
        if (n >= size) throw new Error(`${what}: ${name} has more than ${size} values`);
        values[n++] = node / REFERENCE_SCALE;
        return;
      }
      if (!Array.isArray(node)) throw new Error(`${what}: ${name} should have shape [${shape}] but is not nested ${shape.length} deep`);
      if (node.length !== shape[depth]) throw new Error(`${what}: ${name} has length ${node.length} at axis ${depth}, expected shape [${shape}]`);
      for (const child of node) walk(child, depth + 1);
    };
    walk(lists[i], 0);
    if (n !== size) throw new Error(`${what}: ${name} has ${n} values, expected ${size}`);
    out[name] = tf.tensor(values, [...shape], 'float32');
  }
}

/** Encodes tensors in the reference JSON form: nested arrays of round(w · 10⁴). */
export function encodeReferenceJson(tensors: readonly tf.Tensor[]): number[][] {
  return tensors.map((t) => {
    const values = t.dataSync();
    const nest = (offset: number, axis: number): unknown => {
      if (axis === t.rank) return Math.round(values[offset]! * REFERENCE_SCALE);
      const stride = t.shape.slice(axis + 1).reduce((a, b) => a * b, 1);
      return Array.from({ length: t.shape[axis]! }, (_, i) => nest(offset + i * stride, axis + 1));
    };
    return nest(0, 0) as number[];
  });
}
