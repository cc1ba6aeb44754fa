import * as tf from '@tensorflow/tfjs-core';
import { readCheckpointDir, writeCheckpointDir } from './checkpoint-dir.js';
import { type ModelJson, MODEL_JSON, WEIGHTS_BIN, weightByteLength } from './weights-file.js';
import { encodeWeightsFloat16 } from './float16-weights.js';

export type NamedTensors = Record<string, tf.Tensor>;

export interface LoadedVariables {
  /** New tensors (the caller owns and disposes them). */
  tensors: NamedTensors;
  metadata: Record<string, unknown>;
  /** The directory actually read (`<dir>.old` after a save killed mid-swap). */
  dir: string;
}

export interface SaveVariablesOptions {
  metadata?: Record<string, unknown>;
  /**
   * Store float32 tensors as IEEE half floats (half the bytes; relative error ≤ 2⁻¹¹, values
   * beyond ±65504 saturate). The manifest marks them with tfjs' standard
   * `quantization: { dtype: 'float16' }`, so `loadVariables`, `tf.io.decodeWeights` and
   * `tf.io.loadWeights` all return float32 tensors. For shipped weights, not for training state.
   */
  float16?: boolean;
}

/**
 * Saves named tensors (raw variables, optimizer slots) as a checkpoint directory: `model.json`
 * with a weights manifest and no topology, `weights.bin`, and `checkpoint.json`. The weights load
 * in a browser with `tf.io.loadWeights`.
 */
export async function saveVariables(dir: string, tensors: NamedTensors, options: SaveVariablesOptions = {}): Promise<void> {
  const names = Object.keys(tensors);
  for (const name of names) {
    const t = tensors[name]!;
    if (t.isDisposed) throw new Error(`cannot save variable '${name}': the tensor is disposed`);
  }
  const { data, specs } = options.float16 ? await encodeWeightsFloat16(tensors) : await tf.io.encodeWeights(tensors);
  const modelJson: ModelJson = {
    format: 'worldmodels-variables',
    generatedBy: `TensorFlow.js tfjs-core v${tf.version_core}`,
    convertedBy: null,
    userDefinedMetadata: options.metadata ?? {},
    weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: specs }],
  };
  await writeCheckpointDir(
    dir,
    { [MODEL_JSON]: JSON.stringify(modelJson), [WEIGHTS_BIN]: new Uint8Array(data) },
    { weights: specs.map((s) => ({ name: s.name, shape: s.shape, dtype: s.dtype, ...(s.quantization ? { quantization: s.quantization } : {}) })), metadata: options.metadata ?? {} },
  );
}

/**
 * Loads tensors saved by {@link saveVariables}, verifying checksums. With `expectShapes`, every
 * named variable must be present with that shape; the error names the checkpoint, the variable
 * and both shapes.
 */
export async function loadVariables(dir: string, options: { expectShapes?: Record<string, readonly number[]> } = {}): Promise<LoadedVariables> {
  const { dir: where, manifest, files } = await readCheckpointDir(dir);
  const bin = files[WEIGHTS_BIN];
  if (!bin) throw new Error(`checkpoint ${where} has no ${WEIGHTS_BIN}`);
  const specs = manifest.weights;
  const expectedBytes = specs.reduce((n, s) => n + weightByteLength(s as tf.io.WeightsManifestEntry), 0);
  if (bin.byteLength !== expectedBytes) throw new Error(`${where}/${WEIGHTS_BIN} holds ${bin.byteLength} bytes but the manifest describes ${expectedBytes}`);
  if (options.expectShapes) {
    for (const [name, shape] of Object.entries(options.expectShapes)) {
      const spec = specs.find((s) => s.name === name);
      if (!spec) throw new Error(`checkpoint ${where} has no variable '${name}' (it holds ${specs.map((s) => s.name).join(', ')})`);
      if (spec.shape.join(',') !== shape.join(',')) {
        throw new Error(`checkpoint ${where}: variable '${name}' has shape [${spec.shape.join(', ')}], expected [${shape.join(', ')}]`);
      }
    }
  }
  const buffer = bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength) as ArrayBuffer;
  const tensors = tf.io.decodeWeights(buffer, specs as tf.io.WeightsManifestEntry[]);
  return { tensors, metadata: manifest.metadata, dir: where };
}

/**
 * Loads a raw-variable model saved with `saveVariables(dir, weights, { metadata: { kind, config } })`:
 * checks the metadata kind, builds the model from its config, fills its weights, and disposes
 * the loaded tensors (and the model, if filling fails). `noun` names the model in errors
 * ("a ConvVAE", "an MDNRNN").
 */
export async function loadVariablesModel<M extends { dispose(): void }, C>(
  dir: string,
  kind: string,
  noun: string,
  build: (config: C, metadata: Record<string, unknown>) => M,
  fill: (model: M, tensors: NamedTensors) => void,
): Promise<M> {
  const { tensors, metadata } = await loadVariables(dir);
  try {
    const meta = metadata as { kind?: string; config?: C };
    if (meta.kind !== kind || !meta.config) throw new Error(`checkpoint ${dir} does not hold ${noun} (metadata kind ${String(meta.kind)})`);
    const model = build(meta.config, metadata);
    try {
      fill(model, tensors);
    } catch (error) {
      model.dispose();
      throw error;
    }
    return model;
  } finally {
    tf.dispose(Object.values(tensors));
  }
}
