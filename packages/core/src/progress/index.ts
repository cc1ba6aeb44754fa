export { ProgressReporter, type ProgressOptions, type ProgressValues, formatSeconds } from './progress-reporter.js';
export { MetricsLogger, type MetricsRecord } from './metrics-logger.js';
