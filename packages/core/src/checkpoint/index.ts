export { checkpointIOHandler } from './io-handler.js';
export { saveVariables, loadVariables, loadVariablesModel, type NamedTensors, type LoadedVariables, type SaveVariablesOptions } from './variables.js';
export { optimizerState, restoreOptimizer } from './optimizer-state.js';
export { CheckpointManager } from './checkpoint-manager.js';
export { writeCheckpointDir, readCheckpointDir } from './checkpoint-dir.js';
export { type CheckpointManifest, CHECKPOINT_FORMAT, CHECKPOINT_VERSION } from './checkpoint-manifest.js';
export { decodeReferenceJson, encodeReferenceJson, REFERENCE_SCALE } from './reference-json.js';
