import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, readdir, rename, rm, stat } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { loadVariables, saveVariables } from '@worldmodels/core';
import * as tf from '@tensorflow/tfjs-core';
import { atomicWriteJson, readJsonFile } from '@worldmodels/core/dataset';
import { oneRoundConfig } from '../config/one-round-config.js';
import { MODEL_DIR } from '../models/load-models.js';
import { CONTROLLER_FILE, INITIAL_Z_FILE, stageDir } from './stage-paths.js';
import { temperatureSuffix } from './controller-stage.js';
import { RUN_CONFIG_FILE, readRunConfig } from './train-world-model.js';

export interface ExportAgentOptions {
  /** Which iteration's V, M and C (default: the run's last). */
  iteration?: number;
  /** Store V's and M's weights as half floats (default true): half the bytes, ≤ 2⁻¹¹ relative error. */
  float16?: boolean;
}

export interface ExportAgentResult {
  out: string;
  bytes: number;
  files: string[];
}

/** Files copied as they are from a stage directory, when present. */
const KEPT_FILES: Record<'vae' | 'series' | 'mdnrnn' | 'controller', readonly string[]> = {
  vae: ['DONE.json'],
  series: ['DONE.json', INITIAL_Z_FILE],
  mdnrnn: ['DONE.json'],
  controller: ['DONE.json', CONTROLLER_FILE, 'metrics.jsonl'],
};

/**
 * Writes the part of a finished run that plays the agent — V, M, C, the dream's initial latents,
 * the config and the evaluation report — into `outDir`, laid out as a one-iteration run directory,
 * so `worldmodels eval`, `loadVision`/`loadMemory` and the agent app read it as they read a run.
 * No rollouts, encoded series, checkpoints or optimizer state: this is what a repository can ship.
 * The directory is built beside `outDir` and renamed into place (an existing one is replaced whole).
 */
export async function exportAgent(runDir: string, outDir: string, options: ExportAgentOptions = {}): Promise<ExportAgentResult> {
  const root = resolve(runDir);
  const out = resolve(outDir);
  const config = await readRunConfig(root);
  const iteration = options.iteration ?? config.iterations;
  if (!Number.isInteger(iteration) || iteration < 1 || iteration > config.iterations) throw new Error(`iteration must be 1..${config.iterations}, got ${iteration}`);
  const stages = ['vae', 'series', 'mdnrnn', 'controller'] as const;
  const controllerDirs = ['', ...config.controller.dream.temperatures.map(temperatureSuffix)];
  for (const stage of stages) {
    const dir = join(root, stageDir(stage, iteration));
    if (!existsSync(join(dir, 'DONE.json'))) throw new Error(`run ${root}: stage ${stageDir(stage, iteration)} is not done; finish training before exporting`);
  }
  await mkdir(dirname(out), { recursive: true });
  const tmp = join(dirname(out), `.${basename(out)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await mkdir(tmp);
    // One iteration in the export: the exported stages sit at the top level.
    await atomicWriteJson(join(tmp, RUN_CONFIG_FILE), oneRoundConfig(config));
    for (const stage of stages) {
      const suffixes = stage === 'controller' ? controllerDirs : [''];
      for (const suffix of suffixes) {
        const from = join(root, stageDir(stage, iteration) + suffix);
        const to = join(tmp, stage + suffix);
        if (suffix !== '' && !existsSync(from)) throw new Error(`run ${root}: the controller for τ sweep ${suffix} is missing (${from})`);
        await mkdir(to, { recursive: true });
        for (const file of KEPT_FILES[stage]) if (existsSync(join(from, file))) await copyFile(join(from, file), join(to, file));
        if (stage === 'vae' || stage === 'mdnrnn') await copyVariables(join(from, MODEL_DIR), join(to, MODEL_DIR), options.float16 ?? true);
      }
    }
    const report = join(root, 'eval', 'report.json');
    if (existsSync(report)) {
      // The scores travel with the agent; the machine's paths (run directory, output files) do not.
      const { run: _run, files: _files, ...scores } = (await readJsonFile(report, 'evaluation report')) as Record<string, unknown>;
      await mkdir(join(tmp, 'eval'));
      await atomicWriteJson(join(tmp, 'eval', 'report.json'), { run: basename(root), ...scores });
    }
    const old = `${out}.old`;
    if (existsSync(out)) {
      await rm(old, { recursive: true, force: true });
      await rename(out, old);
    }
    await rename(tmp, out);
    await rm(old, { recursive: true, force: true });
  } catch (error) {
    await rm(tmp, { recursive: true, force: true });
    throw error;
  }
  const files = await listFiles(out);
  let bytes = 0;
  for (const f of files) bytes += (await stat(join(out, f))).size;
  return { out, bytes, files };
}

/** Re-saves a core variables checkpoint (verifying its checksums on the way), optionally as float16. */
async function copyVariables(from: string, to: string, float16: boolean): Promise<void> {
  const { tensors, metadata } = await loadVariables(from);
  try {
    await saveVariables(to, tensors, { metadata, float16 });
  } finally {
    tf.dispose(Object.values(tensors));
  }
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(join(dir, prefix), { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    if (entry.isDirectory()) out.push(...(await listFiles(dir, rel)));
    else out.push(rel);
  }
  return out.sort();
}
