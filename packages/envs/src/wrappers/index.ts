export { Wrapper } from './wrapper.js';
export { ResizeObservation, type ResizeOptions } from './resize-observation.js';
export { TimeLimit } from './time-limit.js';
export { ActionRepeat } from './action-repeat.js';
export { EpisodeRecorder, type EpisodeRecord, type EpisodeRecorderOptions } from './episode-recorder.js';
export { referencePreprocess, REFERENCE_CROP_ROWS } from './reference-preprocess.js';
export { ReferencePreprocessObservation } from './reference-observation.js';
