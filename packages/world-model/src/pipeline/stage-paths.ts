/** Output directory of a stage in iteration `iteration` (1-based): iteration 1 at the run's top level, later ones under `iter-<k>/`. */
export function stageDir(stage: StageKind, iteration: number): string {
  return iteration === 1 ? stage : `iter-${iteration}/${stage}`;
}

/** Stage name in the run: 'vae', or 'vae@2' in the second iteration. */
export function stageName(stage: StageKind, iteration: number): string {
  return iteration === 1 ? stage : `${stage}@${iteration}`;
}

export type StageKind = 'collect' | 'vae' | 'series' | 'mdnrnn' | 'controller';
export const STAGE_KINDS: readonly StageKind[] = ['collect', 'vae', 'series', 'mdnrnn', 'controller'];

/** Sub-directories inside stage directories. */
export const DATA_DIR = 'data';
export const SERIES_DIR = 'series';
export const ENCODED_DIR = 'encoded';
export const INITIAL_Z_FILE = 'initial-z.npz';
export const CONTROLLER_FILE = 'best.json';
