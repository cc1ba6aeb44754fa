import { describe, expect, it } from 'vitest';
import { CMAES } from './cmaes.js';
import { cmaParameters } from './cmaes-parameters.js';
import { ellipsoid, rosenbrock, sphere } from '../benchmarks/functions.js';

/** Runs CMA-ES on a cost function until a candidate's cost is below `target`; returns evaluations used. */
function evaluationsToTarget(f: (x: Float64Array) => number, dim: number, x0: number, sigma: number, seed: number, budget: number, target = 1e-8): number {
  const es = new CMAES({ dim, sigma, mean: new Array(dim).fill(x0), seed });
  let evals = 0;
  while (evals < budget) {
    const xs = es.ask();
    const fitness = xs.map((x) => -f(x));
    evals += xs.length;
    es.tell(fitness);
    if (Math.max(...fitness) > -target) return evals;
    if (es.shouldStop()) throw new Error(`stopped early (${es.stopReasons().join(', ')}) after ${evals} evaluations`);
  }
  throw new Error(`not below ${target} within ${budget} evaluations`);
}

describe('CMA-ES strategy parameters', () => {
  it('match the Table 1 defaults of the tutorial, as computed by pycma 4.5 (n = 10, and n = 867 with λ = 64)', () => {
    // Values printed by pycma 4.5.0: CMAEvolutionStrategy(zeros(n), 0.1).sp, .adapt_sigma
    const p10 = cmaParameters(10);
    expect(p10.lambda).toBe(10);
    expect(p10.mu).toBe(5);
    expect(p10.mueff).toBeCloseTo(3.1672992814107017, 12);
    expect(p10.c1).toBeCloseTo(0.015283824524751714, 12);
    expect(p10.cmu).toBeCloseTo(0.02355177665041747, 12);
    expect(p10.cc).toBeCloseTo(0.29499038303562225, 12);
    // c_σ and d_σ follow the tutorial's eq. (55) (as CyberAgentAILab cmaes); pycma's CSA uses
    // (μ_eff + 2)/(n + μ_eff + 3) = 0.3196 instead.
    expect(p10.cs).toBeCloseTo((3.1672992814107017 + 2) / (10 + 3.1672992814107017 + 5), 12);
    expect(p10.damps).toBeCloseTo(1 + p10.cs, 14);
    expect(p10.weights[0]).toBeCloseTo(0.45627264690340597, 12);
    expect(p10.weights[9]).toBeCloseTo(-0.5497499176973853, 12);
    const negative = Array.from(p10.weights).filter((w) => w < 0);
    expect(negative.reduce((a, b) => a + b, 0)).toBeCloseTo(-1.648945714440647, 12);
    expect(Array.from(p10.weights).slice(0, 5).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 14);

    const p867 = cmaParameters(867, { lambda: 64 });
    expect(p867.mu).toBe(32);
    expect(p867.mueff).toBeCloseTo(17.621652406855663, 10);
    expect(p867.c1 / 2.6526517818727357e-6).toBeCloseTo(1, 12);
    expect(p867.cmu / 4.218445892739959e-5).toBeCloseTo(1, 12);
    expect(p867.cc).toBeCloseTo(0.004615542179238161, 14);
    expect(p867.weights[0]).toBeCloseTo(0.11665680437977725, 12);
    expect(p867.weights[63]).toBeCloseTo(-0.058986225574956024, 12);
  });
});

describe('CMA-ES convergence to 1e-8 (budgets: ~1.25 × the worst of 10 pycma 4.5 runs)', () => {
  // pycma 4.5.0 and CyberAgentAILab cmaes 0.9.1, 10 seeds each, same start and target
  // (x0 = 3·1, σ0 = 2 for sphere/ellipsoid; x0 = 0, σ0 = 0.5 for Rosenbrock), evaluations to f < 1e-8:
  //   sphere 10-D:      pycma median 1445 (max 1580);    cmaes median 1500 (max 1570)
  //   sphere 30-D:      pycma median 4116 (max 4284);    cmaes median 4095 (max 4396)
  //   ellipsoid 10-D:   pycma median 4275 (max 4390);    cmaes median 4390 (max 4680)
  //   ellipsoid 30-D:   pycma median 27391 (max 28084);  cmaes median 28553 (max 29386)
  //   rosenbrock 10-D:  pycma median 4920 (max 6090, 1 of 10 ended in the local minimum); cmaes 4955 (max 5830)
  //   rosenbrock 30-D:  pycma median 35651 (max 36470)
  // This implementation on seeds 0–9 (medians): sphere 1540 / 4200, ellipsoid 4080 / 27916,
  // Rosenbrock 5120 / 36456 (10-D: one seed of ten reaches Rosenbrock's local minimum, as with
  // pycma; seeds 1–3 used here do not).
  const cases = [
    { name: 'sphere', f: sphere, dim: 10, x0: 3, sigma: 2, budget: 2000, seeds: [1, 2, 3] },
    { name: 'sphere', f: sphere, dim: 30, x0: 3, sigma: 2, budget: 5400, seeds: [1, 2] },
    { name: 'ellipsoid', f: ellipsoid, dim: 10, x0: 3, sigma: 2, budget: 5500, seeds: [1, 2, 3] },
    { name: 'ellipsoid', f: ellipsoid, dim: 30, x0: 3, sigma: 2, budget: 36000, seeds: [1] },
    { name: 'rosenbrock', f: rosenbrock, dim: 10, x0: 0, sigma: 0.5, budget: 7500, seeds: [1, 2, 3] },
    { name: 'rosenbrock', f: rosenbrock, dim: 30, x0: 0, sigma: 0.5, budget: 46000, seeds: [1] },
  ];
  for (const c of cases) {
    it(`${c.name} ${c.dim}-D within ${c.budget} evaluations`, () => {
      for (const seed of c.seeds) {
        const used = evaluationsToTarget(c.f, c.dim, c.x0, c.sigma, seed, c.budget);
        expect(used).toBeLessThanOrEqual(c.budget);
      }
    });
  }
});

describe('CMA-ES state', () => {
  it('is deterministic for a seed and differs across seeds', () => {
    const run = (seed: number): number[] => {
      const es = new CMAES({ dim: 5, sigma: 0.5, seed });
      for (let g = 0; g < 20; g++) es.tell(es.ask().map((x) => -sphere(x)));
      return [...es.mean, es.sigma];
    };
    expect(run(7)).toEqual(run(7));
    expect(run(7)).not.toEqual(run(8));
  });

  it('continues identically after a JSON round trip, between and in the middle of generations', () => {
    const f = (x: Float64Array): number => -rosenbrock(x);
    const a = new CMAES({ dim: 8, sigma: 0.3, seed: 3, popSize: 12, eigenInterval: 3 });
    for (let g = 0; g < 25; g++) a.tell(a.ask().map(f));
    // Between generations.
    const b = CMAES.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    // In the middle of one: ask, save, restore, ask again.
    const pendingA = a.ask();
    const c = CMAES.fromJSON(JSON.parse(JSON.stringify(a.toJSON())));
    expect(c.ask()).toEqual(pendingA);
    expect(b.ask()).toEqual(pendingA);
    a.tell(pendingA.map(f));
    b.tell(pendingA.map(f));
    c.tell(pendingA.map(f));
    for (let g = 0; g < 30; g++) {
      const xs = a.ask();
      expect(b.ask()).toEqual(xs);
      expect(c.ask()).toEqual(xs);
      const fit = xs.map(f);
      a.tell(fit);
      b.tell(fit);
      c.tell(fit);
    }
    expect(b.mean).toEqual(a.mean);
    expect(c.sigma).toBe(a.sigma);
    expect(c.covariance).toEqual(a.covariance);
    expect(c.best).toEqual(a.best);
    expect(c.generation).toBe(56);
  });

  it('ask is idempotent until tell, and tell checks its input', () => {
    const es = new CMAES({ dim: 3, sigma: 1, popSize: 6, seed: 1 });
    expect(() => es.tell([1, 2, 3, 4, 5, 6])).toThrow(/call ask\(\) first/);
    const xs = es.ask();
    expect(xs).toHaveLength(6);
    expect(xs[0]).toBeInstanceOf(Float64Array);
    expect(es.ask()).toEqual(xs);
    expect(() => es.tell([1, 2, 3])).toThrow(/got 3 fitness values, expected popSize = 6/);
    expect(() => es.tell([1, 2, NaN, 4, 5, 6])).toThrow(/fitness\[2\] is NaN/);
    es.tell([1, 2, 3, 4, 5, -Infinity]);
    expect(es.generation).toBe(1);
    expect(es.best?.fitness).toBe(5);
    expect(es.best?.params).toEqual(xs[4]);
    expect(() => new CMAES({ dim: 0, sigma: 1 })).toThrow(/dim must be an integer ≥ 1/);
    expect(() => new CMAES({ dim: 3, sigma: -1 })).toThrow(/sigma must be a finite number > 0/);
    expect(() => new CMAES({ dim: 3, sigma: 1, mean: [1, 2] })).toThrow(/mean has length 2, expected dim = 3/);
    expect(() => CMAES.fromJSON({ type: 'OpenES', version: 1 })).toThrow(/got state of type 'OpenES'/);
  });

  it('decomposes C lazily: only once eigenInterval generations have passed', () => {
    const es = new CMAES({ dim: 6, sigma: 1, seed: 3, eigenInterval: 2.5 });
    const changed: number[] = [];
    let last = es.axisLengths;
    for (let g = 0; g < 9; g++) {
      es.ask(); // the decomposition, when due, happens before sampling
      if (es.axisLengths.some((d, i) => d !== last[i])) changed.push(es.generation);
      last = es.axisLengths;
      es.tell(es.ask().map((x) => -ellipsoid(x)));
    }
    expect(changed).toEqual([3, 6]);
    // The tutorial's gap for the paper's controller: about every 2.6 generations.
    const p = cmaParameters(867, { lambda: 64 });
    expect(new CMAES({ dim: 867, sigma: 0.1, popSize: 64 }).eigenEvery).toBeCloseTo(1 / (10 * 867 * (p.c1 + p.cmu)), 12);
  });

  it('learns the ellipsoid: the axis lengths of C approach the inverse square roots of its curvatures', () => {
    const n = 6;
    const es = new CMAES({ dim: n, sigma: 1, mean: new Array(n).fill(1), seed: 4 });
    for (let g = 0; g < 400; g++) es.tell(es.ask().map((x) => -ellipsoid(x)));
    const d = es.axisLengths; // ascending
    // Curvatures 10^(6 i/(n−1)) span 1e6, so the axis lengths should span ~1e3.
    expect(d[n - 1]! / d[0]!).toBeGreaterThan(300);
    expect(d[n - 1]! / d[0]!).toBeLessThan(3000);
  });

  it('stops on tolFun/tolX once converged, and on maxGenerations and targetFitness', () => {
    const es = new CMAES({ dim: 4, sigma: 1, mean: [1, 1, 1, 1], seed: 2 });
    let g = 0;
    while (!es.shouldStop() && g < 5000) {
      es.tell(es.ask().map((x) => -sphere(x)));
      g++;
    }
    expect(g).toBeLessThan(5000);
    expect(es.stopReasons().some((r) => ['tolFun', 'tolX', 'noEffectCoord', 'noEffectAxis'].includes(r))).toBe(true);
    expect(sphere(es.mean)).toBeLessThan(1e-12);

    const capped = new CMAES({ dim: 4, sigma: 1, seed: 2, maxGenerations: 3 });
    for (let i = 0; i < 3; i++) {
      expect(capped.shouldStop()).toBe(false);
      capped.tell(capped.ask().map((x) => -sphere(x)));
    }
    expect(capped.stopReasons()).toContain('maxGenerations');

    const target = new CMAES({ dim: 4, sigma: 1, seed: 2, targetFitness: -1e-3 });
    while (!target.shouldStop()) target.tell(target.ask().map((x) => -sphere(x)));
    expect(target.stopReasons()).toContain('targetFitness');
    expect(target.best!.fitness).toBeGreaterThanOrEqual(-1e-3);
  });
});
