/** Stopping criteria of CMA-ES (Hansen's tutorial, Appendix B.3), in terms of fitness to maximise. */
export interface StopCriteriaOptions {
  /** Stop after this many generations. */
  maxGenerations?: number;
  /** Stop once a candidate reaches this fitness. */
  targetFitness?: number;
  /** TolFun: stop when the best fitness of the last 10 + ⌈30n/λ⌉ generations and all values of the current one lie within this range (default 1e-12). */
  tolFun?: number;
  /** TolX: stop when σ·max(|p_c,i|, √C_ii) is below this for every i (default 1e-12·σ⁽⁰⁾). */
  tolX?: number;
  /** TolUpSigma: stop when σ/σ⁽⁰⁾ exceeds this times the largest axis length (default 1e20). */
  tolUpSigma?: number;
  /** ConditionCov: stop when the condition number of C exceeds this (default 1e14). */
  tolConditionCov?: number;
  /** Stagnation: stop when the median of the best and of the median fitness stops improving (default true). */
  stagnation?: boolean;
}

export interface StopState {
  generation: number;
  sigma: number;
  mean: Float64Array;
  pc: Float64Array;
  diagC: Float64Array;
  /** Axis lengths √λ_i of C. */
  D: Float64Array;
  /** Eigenvectors as rows ([n, n]), or null for a diagonal C. */
  Bt: Float64Array | null;
  best: number | undefined;
}

export interface StopHistoryJSON {
  options: StopCriteriaOptions;
  bestCosts: number[];
  medianCosts: number[];
  lastRange: [number, number] | null;
}

const MAX_HISTORY = 20000;
const STOP_OPTION_KEYS = ['maxGenerations', 'targetFitness', 'tolFun', 'tolX', 'tolUpSigma', 'tolConditionCov', 'stagnation'] as const;

/** The fitness histories the criteria need, and the criteria themselves. */
export class StopHistory {
  readonly options: StopCriteriaOptions;
  private bestCosts: number[] = [];
  private medianCosts: number[] = [];
  private lastRange: [number, number] | null = null;

  constructor(
    private readonly n: number,
    private readonly lambda: number,
    private readonly sigma0: number,
    options: StopCriteriaOptions,
  ) {
    this.options = {};
    for (const key of STOP_OPTION_KEYS) {
      const value = options[key];
      if (value === undefined) continue;
      if (key === 'stagnation' ? typeof value !== 'boolean' : typeof value !== 'number' || Number.isNaN(value)) {
        throw new Error(`stopping option ${key} must be a ${key === 'stagnation' ? 'boolean' : 'number'}, got ${String(value)}`);
      }
      (this.options as Record<string, unknown>)[key] = value;
    }
  }

  /** Records one generation's costs (−fitness). */
  record(costs: Float64Array): void {
    const sorted = Array.from(costs, (c) => Math.min(c, Number.MAX_VALUE)).sort((a, b) => a - b);
    const best = sorted[0]!;
    const worst = sorted[sorted.length - 1]!;
    const mid = sorted.length >> 1;
    const median = sorted.length % 2 ? sorted[mid]! : 0.5 * (sorted[mid - 1]! + sorted[mid]!);
    this.bestCosts.push(best);
    this.medianCosts.push(median);
    if (this.bestCosts.length > MAX_HISTORY) {
      this.bestCosts.shift();
      this.medianCosts.shift();
    }
    this.lastRange = [best, worst];
  }

  reasons(s: StopState): string[] {
    const o = this.options;
    const n = this.n;
    const out: string[] = [];
    if (o.maxGenerations !== undefined && s.generation >= o.maxGenerations) out.push('maxGenerations');
    if (o.targetFitness !== undefined && s.best !== undefined && s.best >= o.targetFitness) out.push('targetFitness');

    const histLen = 10 + Math.ceil((30 * n) / this.lambda);
    if (this.lastRange && this.bestCosts.length >= histLen) {
      const recent = this.bestCosts.slice(-histLen);
      const hi = Math.max(...recent, this.lastRange[1]);
      const lo = Math.min(...recent, this.lastRange[0]);
      if (hi - lo < (o.tolFun ?? 1e-12)) out.push('tolFun');
    }

    const tolX = o.tolX ?? 1e-12 * this.sigma0;
    let allSmall = true;
    for (let i = 0; i < n && allSmall; i++) if (s.sigma * Math.max(Math.abs(s.pc[i]!), Math.sqrt(s.diagC[i]!)) >= tolX) allSmall = false;
    if (allSmall) out.push('tolX');

    let maxD = 0;
    let minD = Infinity;
    for (let i = 0; i < n; i++) {
      maxD = Math.max(maxD, s.D[i]!);
      minD = Math.min(minD, s.D[i]!);
    }
    if (s.sigma / this.sigma0 > (o.tolUpSigma ?? 1e20) * maxD) out.push('tolUpSigma');
    if ((maxD / minD) ** 2 > (o.tolConditionCov ?? 1e14)) out.push('conditionCov');

    // NoEffectAxis: adding 0.1σ along principal axis i (cycling with the generation) changes nothing.
    const axis = s.generation % n;
    let axisEffect = false;
    for (let j = 0; j < n && !axisEffect; j++) {
      const dir = s.Bt ? s.Bt[axis * n + j]! : j === axis ? 1 : 0;
      const m = s.mean[j]!;
      if (m + 0.1 * s.sigma * s.D[axis]! * dir !== m) axisEffect = true;
    }
    if (!axisEffect) out.push('noEffectAxis');
    // NoEffectCoord: adding 0.2σ√C_ii to some coordinate changes nothing.
    for (let i = 0; i < n; i++) {
      const m = s.mean[i]!;
      if (m + 0.2 * s.sigma * Math.sqrt(s.diagC[i]!) === m) {
        out.push('noEffectCoord');
        break;
      }
    }

    if (o.stagnation ?? true) {
      const window = Math.min(MAX_HISTORY, Math.max(120 + Math.ceil((30 * n) / this.lambda), Math.ceil(0.2 * s.generation)));
      if (this.bestCosts.length >= window) {
        const part = Math.max(1, Math.floor(0.3 * window));
        const stagnant = (h: number[]): boolean => {
          const w = h.slice(-window);
          return median(w.slice(-part)) >= median(w.slice(0, part));
        };
        if (stagnant(this.bestCosts) && stagnant(this.medianCosts)) out.push('stagnation');
      }
    }
    return out;
  }

  toJSON(): StopHistoryJSON {
    return { options: { ...this.options }, bestCosts: [...this.bestCosts], medianCosts: [...this.medianCosts], lastRange: this.lastRange };
  }

  restore(json: StopHistoryJSON): void {
    this.bestCosts = [...json.bestCosts];
    this.medianCosts = [...json.medianCosts];
    this.lastRange = json.lastRange;
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : 0.5 * (s[mid - 1]! + s[mid]!);
}
