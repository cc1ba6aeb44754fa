import type { MetricsLogger } from '@worldmodels/core/progress';

/** What a running stage is given. */
export interface StageContext {
  /** The run directory. */
  runDir: string;
  /** This stage's own output directory (absolute), created before `run`. */
  dir: string;
  /** Absolute output directories of the stages this one reads, by stage name. */
  inputs: Record<string, string>;
  /** This stage's metrics file (`<dir>/metrics.jsonl`). */
  metrics: MetricsLogger;
  /** One line for the user (stderr by default). */
  log(line: string): void;
  /** True when the stage found work of an earlier, interrupted attempt to resume from. */
  resuming: boolean;
}

/**
 * One step of a long job: it reads the outputs of its `inputs`, writes into its own directory,
 * and is done once its done-marker (`DONE.json`) exists. A done stage is skipped on a re-run;
 * a stage killed midway is run again and must resume from its own checkpoints.
 */
export interface Stage {
  /** Unique in the run, e.g. 'vae' or 'vae@2' (second iteration). */
  name: string;
  /** Output directory relative to the run directory. */
  dir: string;
  /** Stages whose outputs this one reads. */
  inputs: string[];
  /** The settings that determine this stage's output: a change makes the done stage stale. */
  settings: unknown;
  /**
   * Top-level numeric settings that are a budget (a search's generations): raising one on a done
   * or half-done stage re-opens it, and it resumes from its own checkpoints up to the new budget
   * instead of being stale. Lowering one on a half-done stage cuts it short: it resumes and stops
   * at the new budget (or at once, where its checkpoint is already past it) with what it has; on a
   * done stage lowering is a change of settings.
   */
  extendable?: readonly string[];
  /** Does the work; the returned summary is stored in the done-marker. */
  run(ctx: StageContext): Promise<Record<string, unknown>>;
}
