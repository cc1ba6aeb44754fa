import * as tf from '@tensorflow/tfjs-core';
import { readCheckpointDir, writeCheckpointDir } from './checkpoint-dir.js';
import { type ModelJson, MODEL_JSON, WEIGHTS_BIN, concatWeightData, weightByteLength } from './weights-file.js';

/**
 * A `tf.io.IOHandler` for a checkpoint directory (`model.json` + `weights.bin` +
 * `checkpoint.json`), the role `file://` plays in tfjs-node:
 *
 * ```ts
 * await model.save(checkpointIOHandler('runs/vae/final'));
 * const model = await tf.loadLayersModel(checkpointIOHandler('runs/vae/final'));
 * ```
 * The same `model.json` + `weights.bin` load in a browser with `tf.loadLayersModel(url)`.
 * `metadata` is stored in the manifest and in model.json's `userDefinedMetadata`.
 */
export function checkpointIOHandler(dir: string, options: { metadata?: Record<string, unknown> } = {}): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      const weights = concatWeightData(artifacts.weightData as ArrayBuffer | ArrayBuffer[] | undefined);
      const specs = artifacts.weightSpecs ?? [];
      const modelJson: ModelJson = {
        format: artifacts.format ?? 'layers-model',
        generatedBy: artifacts.generatedBy ?? `TensorFlow.js tfjs-core v${tf.version_core}`,
        convertedBy: artifacts.convertedBy ?? null,
        modelTopology: artifacts.modelTopology,
        ...(artifacts.trainingConfig !== undefined && { trainingConfig: artifacts.trainingConfig }),
        userDefinedMetadata: { ...(artifacts.userDefinedMetadata as Record<string, unknown> | undefined), ...options.metadata },
        weightsManifest: [{ paths: [`./${WEIGHTS_BIN}`], weights: specs }],
      };
      await writeCheckpointDir(
        dir,
        { [MODEL_JSON]: JSON.stringify(modelJson), [WEIGHTS_BIN]: weights },
        { weights: specs.map((s) => ({ name: s.name, shape: s.shape, dtype: s.dtype })), metadata: options.metadata ?? {} },
      );
      return {
        modelArtifactsInfo: {
          dateSaved: new Date(),
          modelTopologyType: 'JSON',
          modelTopologyBytes: JSON.stringify(artifacts.modelTopology ?? null).length,
          weightSpecsBytes: JSON.stringify(specs).length,
          weightDataBytes: weights.byteLength,
        },
      };
    },

    async load(): Promise<tf.io.ModelArtifacts> {
      const { dir: where, files } = await readCheckpointDir(dir);
      const jsonBytes = files[MODEL_JSON];
      if (!jsonBytes) throw new Error(`checkpoint ${where} has no ${MODEL_JSON}`);
      let modelJson: ModelJson;
      try {
        modelJson = JSON.parse(new TextDecoder().decode(jsonBytes)) as ModelJson;
      } catch (error) {
        throw new Error(`${where}/${MODEL_JSON} is not valid JSON: ${(error as Error).message}`);
      }
      const specs = modelJson.weightsManifest.flatMap((g) => g.weights);
      const data = files[WEIGHTS_BIN] ?? new Uint8Array(0);
      const expected = specs.reduce((n, s) => n + weightByteLength(s), 0);
      if (data.byteLength !== expected) {
        throw new Error(`${where}/${WEIGHTS_BIN} holds ${data.byteLength} bytes but ${MODEL_JSON} describes ${expected}`);
      }
      const artifacts: tf.io.ModelArtifacts = {
        modelTopology: modelJson.modelTopology as tf.io.ModelArtifacts['modelTopology'],
        weightSpecs: specs,
        weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer,
      };
      if (modelJson.format !== undefined) artifacts.format = modelJson.format;
      if (modelJson.generatedBy !== undefined) artifacts.generatedBy = modelJson.generatedBy;
      if (modelJson.trainingConfig !== undefined) artifacts.trainingConfig = modelJson.trainingConfig as tf.io.TrainingConfig;
      if (modelJson.userDefinedMetadata !== undefined) artifacts.userDefinedMetadata = modelJson.userDefinedMetadata as Record<string, {}>;
      return artifacts;
    },
  };
}
