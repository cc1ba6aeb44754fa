export { trainWorldModel, readRunConfig, RUN_CONFIG_FILE, type TrainWorldModelOptions } from './train-world-model.js';
export { buildStages } from './build-stages.js';
export { stageDir, stageName, STAGE_KINDS, CONTROLLER_FILE, INITIAL_Z_FILE, SERIES_DIR, DATA_DIR, type StageKind } from './stage-paths.js';
export { temperatureSuffix } from './controller-stage.js';
export { exportAgent, type ExportAgentOptions, type ExportAgentResult } from './export-agent.js';
export { retrainController, type RetrainControllerOptions } from './retrain-controller.js';
