import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { MetricsLogger } from '@worldmodels/core/progress';
import { DONE_FILE, STARTED_FILE, readMarker, writeMarker, type DoneMarker, type StartedMarker } from './done-marker.js';
import { differingPaths, fingerprintOf } from './fingerprint.js';
import type { Stage } from './stage.js';

export interface RunStagesOptions {
  /** Delete this stage's outputs (and those of every stage after it) and run them again. */
  redo?: string;
  /** Stop after this stage. */
  until?: string;
  log?: (line: string) => void;
  /**
   * Called once every done or started stage is known to agree with its settings and inputs,
   * before any stage runs (e.g. to record the run's config while later stages are still to come).
   */
  beforeRun?: () => void | Promise<void>;
}

export interface StageOutcome {
  stage: string;
  status: 'skipped' | 'ran' | 'resumed';
  seconds: number;
  summary: Record<string, unknown>;
}

/**
 * Runs the stages in order in `runDir`. A stage whose done-marker matches its settings and its
 * inputs is skipped (a re-run of a finished run is a no-op); an unfinished stage runs, resuming
 * its own checkpoints when an earlier attempt was killed. A done or half-done stage whose
 * settings changed is an error naming what changed, unless `redo` names it or an earlier stage.
 */
export async function runStages(runDir: string, stages: readonly Stage[], options: RunStagesOptions = {}): Promise<StageOutcome[]> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const root = resolve(runDir);
  checkStages(stages, options);
  await mkdir(root, { recursive: true });

  const outcomes: StageOutcome[] = [];
  const redoFrom = options.redo === undefined ? -1 : stages.findIndex((s) => s.name === options.redo);
  if (redoFrom >= 0) {
    for (const stage of stages.slice(redoFrom)) await rm(join(root, stage.dir), { recursive: true, force: true });
    log(`redo: removed the outputs of ${stages.slice(redoFrom).map((s) => s.name).join(', ')}`);
  }

  // Every stage's fingerprint is known before anything runs, so a stale stage anywhere in the run
  // is refused before an earlier stage spends time.
  const fingerprints = stageFingerprints(stages);
  /** Each stage's markers as found (read once: no stage writes another's), and its budget change if re-opened. */
  const found = new Map<string, { done: DoneMarker | null; started: StartedMarker | null; budget: BudgetChange | null }>();
  for (const stage of stages) {
    const dir = join(root, stage.dir);
    const { fingerprint, inputs } = fingerprints.get(stage.name)!;
    const done = await readMarker<DoneMarker>(dir, DONE_FILE);
    const started = done ? null : await readMarker<StartedMarker>(dir, STARTED_FILE);
    const marker = done ?? started;
    let budget: BudgetChange | null = null;
    if (marker && marker.fingerprint !== fingerprint) {
      budget = budgetChange(stage, marker, inputs, done !== null);
      if (!budget) throw staleError(stage, dir, marker, inputs, done ? 'was done' : 'was started');
    }
    found.set(stage.name, { done, started, budget });
  }
  await options.beforeRun?.();

  for (const stage of stages) {
    const dir = join(root, stage.dir);
    const { fingerprint, inputs } = fingerprints.get(stage.name)!;

    const { done, started: halfDone, budget } = found.get(stage.name)!;
    if (done && !budget) {
      log(`stage ${stage.name}: done (${stage.dir}), skipped`);
      outcomes.push({ stage: stage.name, status: 'skipped', seconds: 0, summary: done.summary });
    } else {
      // A re-opened done stage keeps its first start (the done-marker holds the started fields).
      const started = halfDone ?? done;
      const resuming = started !== null;
      const startedAt = started?.startedAt ?? new Date().toISOString();
      await mkdir(dir, { recursive: true });
      const marker: StartedMarker = { stage: stage.name, fingerprint, settings: stage.settings, inputs, startedAt };
      // Re-opened: the new budget is recorded before the done-marker goes, so a kill in between
      // leaves a half-done stage with the new settings.
      if (!started || budget) await writeMarker(dir, STARTED_FILE, marker);
      if (budget) await rm(join(dir, DONE_FILE), { force: true });
      const how = budget ? `${budget.cut ? 'cutting short' : 'extending'} (${budget.changes.join(', ')})` : resuming ? 'resuming' : 'running';
      log(`stage ${stage.name}: ${how} → ${dir}`);
      const t0 = Date.now();
      const metrics = await MetricsLogger.open(join(dir, 'metrics.jsonl'));
      const inputDirs: Record<string, string> = {};
      for (const name of stage.inputs) inputDirs[name] = join(root, stages.find((s) => s.name === name)!.dir);
      const summary = await stage.run({ runDir: root, dir, inputs: inputDirs, metrics, log, resuming });
      const seconds = (Date.now() - t0) / 1000;
      await writeMarker(dir, DONE_FILE, { ...marker, finishedAt: new Date().toISOString(), seconds, summary });
      log(`stage ${stage.name}: done in ${seconds.toFixed(1)}s`);
      outcomes.push({ stage: stage.name, status: resuming ? 'resumed' : 'ran', seconds, summary });
    }
    if (options.until === stage.name) break;
  }
  return outcomes;
}

/** Each stage's fingerprint: its settings and the fingerprints of the stages it reads. */
function stageFingerprints(stages: readonly Stage[]): Map<string, { fingerprint: string; inputs: Record<string, string> }> {
  const out = new Map<string, { fingerprint: string; inputs: Record<string, string> }>();
  for (const stage of stages) {
    const inputs: Record<string, string> = {};
    for (const name of stage.inputs) inputs[name] = out.get(name)!.fingerprint;
    out.set(stage.name, { fingerprint: fingerprintOf({ settings: stage.settings, inputs }), inputs });
  }
  return out;
}

/** Whether a stage's outputs are complete in `runDir`. */
export function isStageDone(runDir: string, stage: Pick<Stage, 'dir'>): boolean {
  return existsSync(join(resolve(runDir), stage.dir, DONE_FILE));
}

function checkStages(stages: readonly Stage[], options: RunStagesOptions): void {
  const seen = new Set<string>();
  const dirs = new Set<string>();
  for (const stage of stages) {
    if (seen.has(stage.name)) throw new Error(`stage '${stage.name}' appears twice`);
    if (dirs.has(stage.dir)) throw new Error(`stages share the output directory '${stage.dir}'`);
    for (const input of stage.inputs) {
      if (!seen.has(input)) throw new Error(`stage '${stage.name}' reads '${input}', which is not an earlier stage`);
    }
    seen.add(stage.name);
    dirs.add(stage.dir);
  }
  for (const [flag, name] of [['redo', options.redo], ['until', options.until]] as const) {
    if (name !== undefined && !seen.has(name)) throw new Error(`--${flag} ${name}: no such stage; the stages are ${[...seen].join(', ')}`);
  }
}

/** A stage re-opened by its budget: what changed (e.g. 'generations 60 → 100'), and whether one was lowered. */
interface BudgetChange {
  changes: string[];
  cut: boolean;
}

/**
 * What changed when a marker differs from the stage only in its `extendable` budgets: larger
 * values (a done or half-done stage goes on), or, on a half-done stage only, smaller ones (it
 * stops at its checkpoint: "enough, keep what you have"). Null when anything else changed.
 */
function budgetChange(stage: Stage, marker: StartedMarker, inputs: Record<string, string>, done: boolean): BudgetChange | null {
  if (!stage.extendable?.length) return null;
  if (changedInputs(marker, inputs).length > 0) return null;
  const changed = differingPaths(marker.settings, stage.settings);
  if (changed.length === 0) return null;
  const was = marker.settings as Record<string, unknown>;
  const now = stage.settings as Record<string, unknown>;
  const change: BudgetChange = { changes: [], cut: false };
  for (const path of changed) {
    const [before, after] = [was?.[path], now?.[path]];
    if (!stage.extendable.includes(path) || typeof before !== 'number' || typeof after !== 'number') return null;
    if (!(after > before) && !(after < before && !done)) return null;
    change.changes.push(`${path} ${before} → ${after}`);
    if (after < before) change.cut = true;
  }
  return change;
}

/** The inputs whose fingerprint differs from the one recorded in `marker`. */
function changedInputs(marker: StartedMarker, inputs: Record<string, string>): string[] {
  return Object.keys(inputs).filter((k) => marker.inputs?.[k] !== inputs[k]);
}

function staleError(stage: Stage, dir: string, marker: StartedMarker, inputs: Record<string, string>, what: string): Error {
  const changed = differingPaths(marker.settings, stage.settings);
  const inputsChanged = changedInputs(marker, inputs);
  const reasons = [
    ...(changed.length ? [`settings changed: ${changed.join(', ')}`] : []),
    ...(inputsChanged.length ? [`inputs changed: ${inputsChanged.join(', ')}`] : []),
  ];
  return new Error(
    `stage ${stage.name} in ${dir} ${what} with other settings (${reasons.join('; ') || 'fingerprint differs'}); ` +
      `run again with --redo ${stage.name} to redo it and the stages after it, or use a new run directory`,
  );
}
