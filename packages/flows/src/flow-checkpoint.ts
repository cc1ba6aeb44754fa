import { loadVariables, saveVariables } from '@worldmodels/core';
import type * as tf from '@tensorflow/tfjs-core';
import { buildFlow } from './models/build.js';
import type { FlowConfig } from './models/config.js';
import type { FlowModel } from './models/flow-model.js';

/** Metadata stored beside a flow's variables: enough to rebuild it. */
export interface FlowMetadata {
  flowConfig: FlowConfig;
  actnormInitialized: boolean;
}

/** The named tensors and metadata that describe a flow in a checkpoint. */
export function flowCheckpointEntries(model: FlowModel): { tensors: Record<string, tf.Tensor>; metadata: FlowMetadata } {
  const tensors = Object.fromEntries(Object.entries(model.namedVariables()).map(([k, v]) => [`flow/${k}`, v as tf.Tensor]));
  return { tensors, metadata: { flowConfig: model.config, actnormInitialized: model.initialized } };
}

/** Saves a flow (config, parameters, init flag) as a core checkpoint directory, atomically. */
export async function saveFlow(dir: string, model: FlowModel, extraMetadata: Record<string, unknown> = {}): Promise<void> {
  const { tensors, metadata } = flowCheckpointEntries(model);
  await saveVariables(dir, tensors, { metadata: { ...extraMetadata, ...metadata } });
}

/** Rebuilds a flow from checkpoint tensors and metadata (as {@link flowCheckpointEntries} wrote them). */
export function restoreFlow(tensors: Record<string, tf.Tensor>, metadata: Record<string, unknown>, where: string): FlowModel {
  const config = metadata.flowConfig as FlowConfig | undefined;
  if (!config || typeof config !== 'object' || !('kind' in config)) throw new Error(`${where} holds no flow config (metadata.flowConfig)`);
  const model = buildFlow(config);
  try {
    const own: Record<string, tf.Tensor> = {};
    for (const [k, v] of Object.entries(tensors)) if (k.startsWith('flow/')) own[k.slice(5)] = v;
    model.params.assign(own, where);
  } catch (error) {
    model.dispose();
    throw error;
  }
  model.initialized = metadata.actnormInitialized === true;
  return model;
}

/** Loads a flow saved by {@link saveFlow}. */
export async function loadFlow(dir: string): Promise<FlowModel> {
  const { tensors, metadata, dir: where } = await loadVariables(dir);
  try {
    return restoreFlow(tensors, metadata, where);
  } finally {
    for (const t of Object.values(tensors)) t.dispose();
  }
}
