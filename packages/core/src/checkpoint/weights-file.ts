import type * as tf from '@tensorflow/tfjs-core';

/** The pieces of a TensorFlow.js `model.json` that matter here. */
export interface ModelJson {
  format?: string;
  generatedBy?: string;
  convertedBy?: string | null;
  modelTopology?: unknown;
  trainingConfig?: unknown;
  userDefinedMetadata?: Record<string, unknown>;
  signature?: unknown;
  modelInitializer?: unknown;
  weightsManifest: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
}

export const MODEL_JSON = 'model.json';
export const WEIGHTS_BIN = 'weights.bin';

/** Joins tfjs weight data (one ArrayBuffer or a list of them) into one byte array. */
export function concatWeightData(data: ArrayBuffer | ArrayBuffer[] | undefined): Uint8Array {
  if (data === undefined) return new Uint8Array(0);
  if (!Array.isArray(data)) return new Uint8Array(data);
  const total = data.reduce((n, b) => n + b.byteLength, 0);
  const out = new Uint8Array(total);
  let offset = 0;
  for (const b of data) {
    out.set(new Uint8Array(b), offset);
    offset += b.byteLength;
  }
  return out;
}

/** Byte size of one weight entry in weights.bin. */
export function weightByteLength(spec: tf.io.WeightsManifestEntry): number {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const bytesPer = spec.quantization ? (spec.quantization.dtype === 'uint8' ? 1 : 2) : spec.dtype === 'bool' ? 1 : 4;
  return n * bytesPer;
}
