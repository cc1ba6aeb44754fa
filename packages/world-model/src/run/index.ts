export { runStages, isStageDone, type RunStagesOptions, type StageOutcome } from './run-stages.js';
export type { Stage, StageContext } from './stage.js';
export { DONE_FILE, STARTED_FILE, readMarker, type DoneMarker, type StartedMarker } from './done-marker.js';
export { fingerprintOf, canonicalJson, differingPaths } from './fingerprint.js';
