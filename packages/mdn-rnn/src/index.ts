export { MDNRNN, type MDNStepOutput, type MDNSequenceOutput, type MDNSequenceBatch, type MDNLossTerms } from './mdn-rnn.js';
export { DEFAULT_MDNRNN_CONFIG, DOOM_MDNRNN_CONFIG, resolveMDNRNNConfig, inputSize, outputLayout, type MDNRNNConfig } from './config.js';
export { lstmCellFromGates, type LSTMState } from './lstm-cell.js';
export { splitMixture, mixtureNegLogLikelihood, weightedSigmoidCrossEntropy, LOG_SQRT_TWO_PI, type MixtureParams } from './mixture.js';
export { sampleMixture, sampleMixtureWithNoise, type MixtureNoise } from './sample-mixture.js';
export { MDNRNNTrainer, type MDNRNNTrainerOptions, type MDNStepMetrics } from './mdn-rnn-trainer.js';
export { trainMDNRNN, type TrainMDNRNNOptions, type TrainMDNRNNResult } from './train-mdn-rnn.js';
export { seriesToBatch, SERIES_KEYS, RESTARTS_KEY } from './series-batch.js';
export { decodeReferenceJson, encodeReferenceJson, REFERENCE_SCALE } from '@worldmodels/core';
