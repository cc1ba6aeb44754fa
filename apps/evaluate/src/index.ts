export { evaluateRun, type EvaluateRunOptions, type EvalReport } from './evaluate-run.js';
export { evalCommand } from './eval-command.js';
export { linePlotSvg, niceTicks, type Series, type LinePlotOptions } from './plot/learning-curve-svg.js';
export { svgToPng } from './plot/rasterize.js';
export { resultsTable, temperatureTable, type TableRow } from './results-table.js';
export { writeReconstructionGif, writeDreamGif } from './gifs.js';
