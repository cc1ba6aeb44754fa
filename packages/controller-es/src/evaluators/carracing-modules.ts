import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { PIXEL_CONTROLLER_PARAMS } from './carracing-features.js';

/**
 * The file URL of the CarRacing worker module (`carracing-evaluator`), for
 * `makeWorker: { module: carRacingEvaluatorModule() }`: the built `.js` next to the bundle, or the
 * TypeScript source when running from sources.
 */
export function carRacingEvaluatorModule(): URL {
  for (const candidate of ['./carracing-evaluator.js', './evaluators/carracing-evaluator.js', './carracing-evaluator.ts']) {
    const url = new URL(candidate, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  throw new Error(`cannot find the CarRacing evaluator module beside ${fileURLToPath(import.meta.url)}`);
}

/** Parameters of the evaluator's pixel controller (435). */
export function carRacingPixelParamCount(): number {
  return PIXEL_CONTROLLER_PARAMS;
}
