export { ConvVAE } from './conv-vae.js';
export { DEFAULT_VAE_CONFIG, resolveVAEConfig, type ConvVAEConfig } from './config.js';
export { vaeLayers, vaeVariableNames, vaeVariableShapes, IMAGE_SIZE, IMAGE_CHANNELS, type LayerSpec } from './architecture.js';
export { vaeLossTerms, type VAELossTerms } from './loss.js';
export { VAETrainer, type VAETrainerOptions, type VAEStepMetrics } from './vae-trainer.js';
export { trainVAE, type TrainVAEOptions, type TrainVAEResult } from './train-vae.js';
export { encodeDataset, SERIES_KIND, type EncodeDatasetOptions, type EncodeDatasetResult } from './encode-dataset.js';
export { reconstructionGrid, writeReconstructionGrid } from './reconstruction-grid.js';
export { framesToTensor } from './frames.js';
export { decodeReferenceJson, encodeReferenceJson, REFERENCE_SCALE } from '@worldmodels/core';
export { IAFPosterior, IAF_GATE_BIAS, iafVariableShapes, type IAFPosteriorOptions } from './family/iaf-posterior.js';
export { madeMasks, madeOrder, type MadeMasks } from './family/made.js';
export { monteCarloLossTerms, diagonalGaussianLogDensity, standardNormalLogDensity } from './family/monte-carlo-kl.js';
export { diagonalGaussianKl } from './family/gaussian-kl.js';
export {
  FramePredictor,
  DEFAULT_FRAME_PREDICTOR_CONFIG,
  resolveFramePredictorConfig,
  framePredictorShapes,
  type FramePredictorConfig,
  type FramePredictorLossTerms,
  type PastEncoding,
} from './family/frame-predictor.js';
export { transitionsFromDataset, transitionBatch, type Transitions, type TransitionOptions } from './family/transitions.js';
export { trainFramePredictor, type TrainFramePredictorOptions, type TrainFramePredictorResult } from './family/train-frame-predictor.js';
