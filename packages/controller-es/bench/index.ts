/**
 * Benchmarks of @worldmodels/controller-es for `npm run bench`:
 * - cmaes-ask-tell-867: CMA-ES generations per second at the paper's controller size (867
 *   parameters, population 64), ask + tell with a trivial fitness, lazy eigendecompositions included
 *   (`per_cpu_s`: per CPU-second of this process, less sensitive to other load on the machine).
 * - eigen-867: symmetric eigendecompositions per second of an 867×867 covariance-like matrix
 *   (this package's solver; extra field `ml_matrix_per_s` for ml-matrix's on the same matrix).
 * - evaluate-carracing-pop16: CarRacing-v0 episodes per second when a population of 16 linear
 *   pixel controllers is scored on 2 worker threads (one 1000-step episode each).
 */
import { Rng } from '@worldmodels/core/rng';
import { CMAES } from '../src/es/cmaes.js';
import { symmetricEigen, symmetricEigenMlMatrix } from '../src/linalg/symmetric-eigen.js';
import { evaluatePopulation } from '../src/parallel/evaluate-population.js';
import { carRacingEvaluatorModule, carRacingPixelParamCount } from '../src/evaluators/carracing-modules.js';

export interface BenchResult {
  case: string;
  unit: string;
  per_s: number;
  peer_per_s: number | null;
  ratio: number | null;
  [extra: string]: unknown;
}

export const benchCases: readonly string[] = ['cmaes-ask-tell-867', 'eigen-867', 'evaluate-carracing-pop16'];

/** CMA-ES generations per second (n = 867, λ = 64), after a warm-up. */
export function benchCmaesAskTell(seconds = 10): BenchResult {
  const es = new CMAES({ dim: 867, sigma: 0.1, popSize: 64, seed: 1 });
  const rng = new Rng(2);
  const step = (): void => {
    const xs = es.ask();
    es.tell(xs.map((x) => -(x[0]! * x[0]!) + 0.01 * rng.normal()));
  };
  for (let g = 0; g < 4; g++) step();
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let generations = 0;
  // Whole eigendecomposition cycles, so the lazy updates are counted in proportion.
  while (performance.now() - t0 < seconds * 1000 || generations < 9) {
    step();
    generations++;
  }
  const elapsed = (performance.now() - t0) / 1000;
  const cpu = cpuSeconds(process.cpuUsage(c0));
  return {
    case: 'cmaes-ask-tell-867',
    unit: 'generations/s',
    per_s: round(generations / elapsed),
    peer_per_s: null,
    ratio: null,
    per_cpu_s: round(generations / cpu),
    eigen_interval: round(es.eigenEvery),
  };
}

/** Eigendecompositions per second of an 867×867 SPD matrix, ours and ml-matrix's. */
export function benchEigen(n = 867): BenchResult {
  const rng = new Rng(3);
  const g = rng.fillNormal(new Float64Array(n * n));
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += g[i * n + k]! * g[j * n + k]!;
      a[i * n + j] = s / n + (i === j ? 1 : 0);
      a[j * n + i] = a[i * n + j]!;
    }
  }
  const time = (f: () => void, reps: number): { wall: number; cpu: number } => {
    f(); // warm-up
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    for (let r = 0; r < reps; r++) f();
    return { wall: reps / ((performance.now() - t0) / 1000), cpu: reps / cpuSeconds(process.cpuUsage(c0)) };
  };
  const ours = time(() => symmetricEigen(a, n), 3);
  const ml = time(() => symmetricEigenMlMatrix(a, n), 2);
  return {
    case: 'eigen-867',
    unit: 'decompositions/s',
    per_s: round(ours.wall),
    peer_per_s: null,
    ratio: null,
    per_cpu_s: round(ours.cpu),
    ml_matrix_per_s: round(ml.wall),
    ml_matrix_per_cpu_s: round(ml.cpu),
  };
}

/** Episodes per second of CarRacing-v0 scoring a population of 16 on 2 worker threads. */
export async function benchEvaluateCarRacing(): Promise<BenchResult> {
  const module = carRacingEvaluatorModule();
  const rng = new Rng(4);
  const candidates = Array.from({ length: 16 }, () => rng.fillNormal(new Float64Array(carRacingPixelParamCount()), 0, 0.1));
  const makeWorker = { module, options: {} };
  // Warm-up generation (worker start, JIT) on another seed, then the timed one.
  const { EvaluationPool } = await import('../src/parallel/evaluation-pool.js');
  const pool = new EvaluationPool({ makeWorker, workers: 2 });
  try {
    await evaluatePopulation({ candidates: candidates.slice(0, 2), seed: 99, pool });
    const t0 = performance.now();
    await evaluatePopulation({ candidates, seed: 1, pool });
    const elapsed = (performance.now() - t0) / 1000;
    return { case: 'evaluate-carracing-pop16', unit: 'episodes/s', per_s: round(16 / elapsed), peer_per_s: null, ratio: null, workers: 2 };
  } finally {
    await pool.close();
  }
}

export async function* runBenchCases(names?: string[]): AsyncIterable<BenchResult> {
  const wanted = names ?? [...benchCases];
  for (const name of wanted) {
    if (name === 'cmaes-ask-tell-867') yield benchCmaesAskTell();
    else if (name === 'eigen-867') yield benchEigen();
    else if (name === 'evaluate-carracing-pop16') yield await benchEvaluateCarRacing();
    else throw new Error(`unknown controller-es bench case '${name}' (known: ${benchCases.join(', ')})`);
  }
}

/** User + system CPU seconds: on a shared machine, a figure closer to the unloaded speed than wall time. */
function cpuSeconds(usage: NodeJS.CpuUsage): number {
  return (usage.user + usage.system) / 1e6;
}

function round(x: number): number {
  return Number(x.toPrecision(4));
}
