import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EvaluationPool, episodeSeed, evaluatePopulation } from '@worldmodels/controller-es';
import { atomicWriteFile, atomicWriteJson, initBackend, readJsonFile, type BackendName } from '@worldmodels/core';
import { MetricsLogger } from '@worldmodels/core/progress';
import { Rng } from '@worldmodels/core/rng';
import {
  CONTROLLER_FILE, ControllerLayout, doneHeadCheck, type DoneHeadCheck, ENV_KINDS, fixedActionCalibration, type CalibrationRow, INITIAL_Z_FILE, layoutOptionsFor, loadMemory, loadVision, makeDreamEnv, packageModulePath, PLAN_CHECK_DEFAULTS,
  readRunConfig, runPlanCheck, SERIES_DIR, stageDir, temperatureSuffix, type ControllerResult, type RunConfig,
} from '@worldmodels/world-model';
import { writeDreamGif, writeReconstructionGif } from './gifs.js';
import { linePlotSvg, type Series } from './plot/learning-curve-svg.js';
import { svgToPng } from './plot/rasterize.js';
import { calibrationTable, doneHeadTable, resultsTable, temperatureTable, type TableRow } from './results-table.js';

export interface EvaluateRunOptions {
  /** Real-env episodes on fixed seeds (default: the run config's eval.episodes, paper 100). */
  episodes?: number;
  /** Root of the fixed episode seeds (default: the run config's eval.seed). */
  seed?: number;
  maxSteps?: number;
  /** Worker threads for the episodes (default: the run config's controller.workers). */
  workers?: number;
  /** Output directory (default `<run>/eval`). */
  out?: string;
  /** Write the GIFs (default true). */
  gifs?: boolean;
  /** Also score the controller in the dream (default: when it was trained there). */
  dream?: boolean;
  /** Which iteration's models and controller (default: the last). */
  iteration?: number;
  /**
   * Also score fixed-action policies (TakeCover: LEFT, STAY, RIGHT held throughout) in the dream
   * and in the real env, this many episodes each (0: not done, the default): where the two
   * disagree, M is wrong about a behaviour a dream-trained controller can exploit.
   */
  calibrate?: number;
  /**
   * Also replay this many of the series' last episodes through M (teacher forcing) and report
   * when its done head fires against when each episode ended (0: not done, the default).
   */
  doneCheck?: number;
  /** Feed C and M V's μ instead of a sampled z in the real episodes (an ablation; default false, as the paper). */
  zMean?: boolean;
  /**
   * TakeCover: also play this many real episodes (the first of the eval seeds) by planning in M
   * instead of with C (`runPlanCheck`: held-move plans scored by M's done hazard), a probe of
   * whether M's dream foresees hits (0: not done, the default).
   */
  planCheck?: number;
  backend?: BackendName | 'auto';
  log?: (line: string) => void;
}

export interface EvalReport {
  run: string;
  env: string;
  iteration: number;
  controller: { source: string; trainingScore: number; generation: number; parameters: number; form: string; mode: string };
  /** `z`: what C and M were fed, V's sampled z (the paper) or its μ (`zMean`). */
  real: { episodes: number; seed: number; maxSteps: number | null; z: 'sample' | 'mean'; mean: number; std: number; min: number; max: number; returns: number[]; seconds: number };
  dream: (Stats & { temperature: number; episodes: number }) | null;
  /** Fixed-action policies in the dream (at the run's τ) and in the real env (`calibrate`). */
  calibration: (CalibrationRow & { episodes: number })[] | null;
  /** M's done head on the series' last episodes (`doneCheck`): the threshold's firings and the hazard by step. */
  doneHead: Omit<DoneHeadCheck, 'perEpisode'> | null;
  /** Real episodes played by planning in M, no controller (`planCheck`). */
  planCheck: (Stats & { episodes: number; temperature: number; horizon: number; samples: number; replanEvery: number; returns: number[] }) | null;
  /** The temperature table: controllers trained in the dream at each τ, scored there and in the real env. */
  temperatures: { temperature: number; generation: number; dream: Stats; real: Stats & { returns: number[] } }[];
  paper: { system: string; mean: number; std: number }[];
  files: Record<string, string>;
  backend: string;
}

/**
 * `worldmodels eval <run>`: the trained agent (V + M + C of the run's last iteration) plays
 * `episodes` real episodes on fixed seeds; writes the mean ± std beside the paper's table,
 * the controller's learning curve (SVG and PNG), GIFs of real frames beside V's
 * reconstructions and of a dream rollout, and report.json.
 */
export async function evaluateRun(runDir: string, options: EvaluateRunOptions = {}): Promise<EvalReport> {
  const log = options.log ?? ((line: string) => process.stderr.write(`${line}\n`));
  const root = resolve(runDir);
  const config: RunConfig = await readRunConfig(root);
  const iteration = options.iteration ?? config.iterations;
  if (!Number.isInteger(iteration) || iteration < 1 || iteration > config.iterations) throw new Error(`--iteration must be 1..${config.iterations}, got ${iteration}`);
  const dirs = {
    vae: join(root, stageDir('vae', iteration)),
    series: join(root, stageDir('series', iteration)),
    mdnrnn: join(root, stageDir('mdnrnn', iteration)),
    controller: join(root, stageDir('controller', iteration)),
  };
  for (const [stage, dir] of Object.entries(dirs)) {
    if (!existsSync(join(dir, 'DONE.json'))) throw new Error(`run ${root}: stage ${stage} is not done (${dir}); finish training first (worldmodels train ${config.env} --run ${runDir})`);
  }
  // Checked before the long real-env episodes: an M without a done head has nothing to check, and
  // an exported agent carries no series to replay.
  if (options.doneCheck && !config.mdnrnn.doneHead) {
    throw new Error(`--done-check needs M with a done head; this run's M has none (mdnrnn.doneHead is false)`);
  }
  if (options.planCheck && config.env !== 'takecover') {
    throw new Error(`--plan-check plans TakeCover's moves by M's done hazard; this run's env is ${config.env}`);
  }
  if (options.planCheck && !config.mdnrnn.doneHead) {
    throw new Error(`--plan-check needs M with a done head; this run's M has none (mdnrnn.doneHead is false)`);
  }
  if (options.doneCheck && !existsSync(join(dirs.series, SERIES_DIR, 'dataset.json'))) {
    throw new Error(`--done-check needs the run's recorded series (${join(dirs.series, SERIES_DIR)}); this run holds none (an exported agent or a new-controller run keeps only the initial latents)`);
  }
  const out = resolve(options.out ?? join(root, 'eval'));
  const episodes = options.episodes ?? config.eval.episodes;
  const seed = options.seed ?? config.eval.seed;
  const maxSteps = options.maxSteps ?? config.eval.maxSteps;
  const workers = options.workers ?? config.controller.workers;
  const zMean = options.zMean === true;
  const choice = await initBackend({ backend: options.backend ?? config.backend, quiet: true });
  const best = (await readJsonFile(join(dirs.controller, CONTROLLER_FILE), 'controller file')) as ControllerResult;
  const layoutOptions = layoutOptionsFor(config);
  const layout = new ControllerLayout(layoutOptions);
  if (best.params.length !== layout.paramCount) throw new Error(`${join(dirs.controller, CONTROLLER_FILE)} has ${best.params.length} parameters; the run's ${layout.form} controller needs ${layout.paramCount}`);
  const files: Record<string, string> = {};

  // 1. Real-env episodes on fixed seeds, in parallel workers.
  log(`eval: ${episodes} ${ENV_KINDS[config.env].envId} episodes on fixed seeds (root ${seed}), ${workers} worker(s)`);
  const t0 = Date.now();
  const pool = new EvaluationPool({
    makeWorker: {
      module: packageModulePath('train/real-env-evaluator'),
      options: { kind: config.env, vaeDir: dirs.vae, mdnrnnDir: dirs.mdnrnn, layout: layoutOptions, backend: choice.name, useMean: zMean, ...(maxSteps !== undefined && { maxSteps }) },
    },
    workers,
  });
  const scoreReal = async (params: readonly number[]) => {
    const r = await evaluatePopulation({ candidates: [Float64Array.from(params)], episodes, seed, generation: 0, pool, progress: 'eval episodes' });
    return r.returns[0]!;
  };
  let returns: number[];
  const sweep: { temperature: number; params: number[]; generation: number; real: number[] }[] = [];
  try {
    returns = await scoreReal(best.params);
    for (const t of config.controller.dream.temperatures) {
      const file = join(root, stageDir('controller', iteration) + temperatureSuffix(t), CONTROLLER_FILE);
      if (!existsSync(file)) throw new Error(`run ${root}: the controller for τ = ${t} is missing (${file}); finish training first`);
      const c = (await readJsonFile(file, 'controller file')) as ControllerResult;
      log(`eval: controller trained in the dream at τ = ${t}`);
      sweep.push({ temperature: t, params: c.params, generation: c.generation, real: await scoreReal(c.params) });
    }
  } finally {
    await pool.close();
  }
  const stats = summarize(returns);
  const real = { episodes, seed, maxSteps: maxSteps ?? null, z: zMean ? ('mean' as const) : ('sample' as const), ...stats, returns, seconds: (Date.now() - t0) / 1000 };
  log(`eval: real env ${stats.mean.toFixed(1)} ± ${stats.std.toFixed(1)} over ${episodes} episodes`);

  // 2. Dream score, GIFs.
  const vae = await loadVision(dirs.vae);
  const mdnrnn = await loadMemory(dirs.mdnrnn);
  let dream: EvalReport['dream'] = null;
  const temperatures: EvalReport['temperatures'] = [];
  let calibration: EvalReport['calibration'] = null;
  let doneHead: EvalReport['doneHead'] = null;
  let planCheck: EvalReport['planCheck'] = null;
  try {
    const dreamEnv = await makeDreamEnv(config, mdnrnn, join(dirs.series, INITIAL_Z_FILE));
    const canDream = config.env !== 'carracing' || mdnrnn.config.rewardHead;
    if ((options.dream ?? config.controller.mode === 'dream') && canDream) {
      const r = dreamEnv.rollout(layout, [best.params], episodes, new Rng(seed).derive('dream'));
      dream = { temperature: config.controller.dream.temperature, episodes, ...summarize(Array.from(r.returns)) };
      log(`eval: dream (τ = ${dream.temperature}) ${dream.mean.toFixed(1)} ± ${dream.std.toFixed(1)}`);
    }
    if (options.calibrate && canDream) {
      const episodesEach = options.calibrate;
      log(`eval: fixed actions, ${episodesEach} episodes each in the dream (τ = ${config.controller.dream.temperature}) and in the real env`);
      const rows = fixedActionCalibration({ kind: config.env, dream: dreamEnv, zSize: config.vae.zSize, hiddenSize: mdnrnn.config.hiddenSize, episodes: episodesEach, seed, ...(maxSteps !== undefined && { maxSteps }) });
      calibration = rows.map((r) => ({ ...r, episodes: episodesEach }));
      for (const r of rows) log(`  ${r.action}: dream ${r.dream.mean.toFixed(1)} ± ${r.dream.std.toFixed(1)}, real ${r.real.mean.toFixed(1)} ± ${r.real.std.toFixed(1)}`);
    }
    if (options.doneCheck) {
      log(`eval: M's done head on the series' last ${options.doneCheck} episodes (teacher forcing)`);
      const { perEpisode: _perEpisode, ...check } = await doneHeadCheck({ mdnrnn, series: join(dirs.series, SERIES_DIR), donePositiveWeight: config.mdnrnn.donePositiveWeight, episodes: options.doneCheck });
      doneHead = check;
      log(`  ${check.episodes} episodes, ${check.deaths} deaths; M expects ${check.expectedDeaths.toFixed(1)}; threshold fired before the end in ${check.firedEarly} (median step ${check.medianEarlyFire ?? '—'}), missed ${check.missedDeaths} deaths`);
    }
    if (options.planCheck) {
      const plan = { ...PLAN_CHECK_DEFAULTS };
      log(`eval: planning in M instead of C, ${options.planCheck} real episodes (${plan.horizon}-step held-move plans × ${plan.samples} at τ ${plan.temperature}, every ${plan.replanEvery} steps)`);
      const r = await runPlanCheck({
        vision: vae, memory: mdnrnn, episodes: options.planCheck, seedOf: (e) => episodeSeed(seed, 0, 0, e), seed, ...plan,
        doneLogitShift: Math.log(config.mdnrnn.donePositiveWeight), ...(maxSteps !== undefined && { maxSteps }),
      });
      planCheck = { episodes: options.planCheck, ...plan, ...summarize(r.returns), returns: r.returns };
      log(`  ${planCheck.mean.toFixed(1)} ± ${planCheck.std.toFixed(1)}`);
    }
    for (const s of sweep) {
      const atT = await makeDreamEnv(config, mdnrnn, join(dirs.series, INITIAL_Z_FILE), s.temperature);
      const r = atT.rollout(layout, [s.params], episodes, new Rng(seed).derive('dream'));
      temperatures.push({ temperature: s.temperature, generation: s.generation, dream: summarize(Array.from(r.returns)), real: { ...summarize(s.real), returns: s.real } });
    }
    if (options.gifs !== false) {
      files.reconstruction = join(out, 'real-vs-reconstruction.gif');
      await writeReconstructionGif(files.reconstruction, { kind: config.env, vae, mdnrnn, layout, params: best.params, seed: new Rng(seed).derive('gif').nextSeed(), frames: config.eval.gifFrames });
      files.dream = join(out, 'dream.gif');
      const short = await makeDreamEnv({ ...config, controller: { ...config.controller, dream: { ...config.controller.dream, maxSteps: config.eval.gifFrames } } }, mdnrnn, join(dirs.series, INITIAL_Z_FILE));
      await writeDreamGif(files.dream, { dream: short, vae, layout, params: best.params, seed });
    }
  } finally {
    vae.dispose();
    mdnrnn.dispose();
  }
  // The main controller, trained in the dream at its own τ, is a row of the temperature table too.
  if (temperatures.length > 0 && dream && !temperatures.some((t) => t.temperature === dream!.temperature)) {
    temperatures.push({ temperature: dream.temperature, generation: best.generation, dream: { mean: dream.mean, std: dream.std, min: dream.min, max: dream.max }, real: { ...stats, returns } });
    temperatures.sort((a, b) => a.temperature - b.temperature);
  }

  // 3. Learning curve of the controller search.
  const records = existsSync(join(dirs.controller, 'metrics.jsonl')) ? await MetricsLogger.read(join(dirs.controller, 'metrics.jsonl')) : [];
  const curve = (key: string) => records.filter((r) => typeof r[key] === 'number').map((r) => ({ x: r.generation as number, y: r[key] as number }));
  const world = config.controller.mode === 'dream' ? 'dream' : 'real env';
  const series: Series[] = [
    { label: `population mean (${world})`, color: '#1f77b4', points: curve('mean') },
    { label: `population best (${world})`, color: '#2ca02c', points: curve('max') },
    { label: `search mean on fixed seeds (${world})`, color: '#d62728', points: curve('evalMean'), markers: true },
  ];
  const goal = config.env === 'carracing' ? 900 : 750;
  const svg = linePlotSvg(series, {
    title: `${ENV_KINDS[config.env].envId}: controller search (${config.controller.algorithm}, population ${config.controller.popSize})`,
    xLabel: 'generation',
    integerX: true,
    yLabel: config.env === 'carracing' ? 'return' : 'steps survived',
    references: [{ y: goal, label: `solved (${goal})`, color: '#888' }, { y: stats.mean, label: `real env, ${episodes} episodes: ${stats.mean.toFixed(0)}`, color: '#9467bd' }],
  });
  files.learningCurveSvg = join(out, 'learning-curve.svg');
  files.learningCurvePng = join(out, 'learning-curve.png');
  await atomicWriteFile(files.learningCurveSvg, svg);
  await atomicWriteFile(files.learningCurvePng, svgToPng(svg));

  // 4. Table and report.
  const rows: TableRow[] = [{ system: `This run: ${config.controller.form} controller, trained in the ${world}`, mean: stats.mean, std: stats.std, note: `${episodes} episodes${maxSteps !== undefined ? `, cut at ${maxSteps} steps` : ''}${zMean ? ', z = μ (ablation)' : ''}` }];
  if (planCheck) rows.push({ system: 'Planning in this run\'s M instead of C (--plan-check)', mean: planCheck.mean, std: planCheck.std, note: `${planCheck.episodes} episodes; plans scored by M's done hazard at τ ${planCheck.temperature}` });
  if (dream) rows.push({ system: `This run in its own dream (τ = ${dream.temperature})`, mean: dream.mean, std: dream.std, note: 'dream score' });
  files.table = join(out, 'results.md');
  await atomicWriteFile(files.table, resultsTable(config.env, rows) + (temperatures.length ? `\n${temperatureTable(temperatures)}` : '') + (calibration ? `\n${calibrationTable(calibration)}` : '') + (doneHead ? `\n${doneHeadTable(doneHead)}` : ''));
  const report: EvalReport = {
    run: root,
    env: ENV_KINDS[config.env].envId,
    iteration,
    controller: { source: best.source, trainingScore: best.score, generation: best.generation, parameters: layout.paramCount, form: layout.form, mode: config.controller.mode },
    real,
    dream,
    calibration,
    doneHead,
    planCheck,
    temperatures,
    paper: ENV_KINDS[config.env].paper,
    files,
    backend: choice.backend,
  };
  files.report = join(out, 'report.json');
  await atomicWriteJson(files.report, report);
  return report;
}

interface Stats {
  mean: number;
  std: number;
  min: number;
  max: number;
}

function summarize(xs: number[]): Stats {
  const n = xs.length;
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  return { mean, std: Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / n), min: Math.min(...xs), max: Math.max(...xs) };
}
