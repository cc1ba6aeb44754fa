/**
 * `npm run ceilings`: how far policies that read TakeCover's true game state get — the yardstick
 * for a world-model agent, which sees only pixels. On the same fixed seeds as `worldmodels eval`
 * (100 episodes, cap 2,100; the same games, since the env's stream drives the game alone), in the
 * simulator without rendering:
 * - held actions (LEFT, STAY, RIGHT all episode) and the random data policy (uniform, held 1–10);
 * - reactive policies on `takeCoverThreatFeatures` (the agent's x and velocity, and where and when
 *   the six soonest fireballs cross its line), searched by CMA-ES in the simulator exactly as C is
 *   searched (population 32 × 8 episodes): `linear` — tanh(w·f + b) thresholded at ±1/3 like the
 *   Doom controller — and `mlp` — one layer of 16 tanh units (sep-CMA-ES). The search mean is scored
 *   on the fixed seeds every 10 generations; the best score is reported;
 * - `takeCoverLookAhead`, which plans over the fireballs in flight.
 * Prints JSON. Options: --generations <n> (default 60), --episodes <n> (100), --seed <root> (1000000).
 */
import { CMAES, SepCMAES, episodeSeed, type EvolutionStrategy } from '@worldmodels/controller-es';
import { Rng } from '@worldmodels/core/rng';
import { DEFAULT_TAKE_COVER_CONFIG as cfg, newTakeCoverState, stepTakeCover, takeCoverLookAhead, takeCoverThreatFeatures, type Strafe, type TakeCoverState } from '@worldmodels/envs';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2) args.set(process.argv[i]!.replace(/^--/, ''), process.argv[i + 1] ?? '');
const intArg = (name: string, fallback: number): number => {
  const v = args.get(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--${name} must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
};
const generations = intArg('generations', 60);
const episodes = intArg('episodes', 100);
const seedRoot = intArg('seed', 1_000_000);

type Policy = (state: Readonly<TakeCoverState>, rng: Rng) => Strafe;

/** Steps survived from the episode's seed (the simulator's own stream drives the game). */
function play(policy: Policy, seed: number): number {
  const rng = new Rng(seed);
  const state = newTakeCoverState(rng, cfg);
  const own = new Rng(seed).derive('policy');
  while (state.health > 0 && state.tick < cfg.maxSteps) stepTakeCover(state, policy(state, own), rng, cfg);
  return state.tick;
}

function score(policy: () => Policy): { mean: number; std: number } {
  const lengths = Array.from({ length: episodes }, (_, e) => play(policy(), episodeSeed(seedRoot, 0, 0, e)));
  const mean = lengths.reduce((a, b) => a + b, 0) / episodes;
  return { mean: round(mean), std: round(Math.sqrt(lengths.reduce((a, b) => a + (b - mean) ** 2, 0) / episodes)) };
}
const round = (v: number) => Math.round(v * 10) / 10;

const held = (move: Strafe) => (): Policy => () => move;
const randomHeld = (): Policy => {
  let move: Strafe = 0;
  let left = 0;
  return (_state, rng) => {
    if (left === 0) {
      move = (rng.int(3) - 1) as Strafe;
      left = rng.integer(1, 11);
    }
    left--;
    return move;
  };
};

const FEATURES = takeCoverThreatFeatures(newTakeCoverState(new Rng(0), cfg), cfg).length + 1; // + a constant 1
const HIDDEN = 16;
const threshold = (y: number): Strafe => (y < -1 / 3 ? -1 : y > 1 / 3 ? 1 : 0);
const inputs = (s: Readonly<TakeCoverState>) => [...takeCoverThreatFeatures(s, cfg), 1];

/** params → policy of each reactive form. */
const forms = {
  linear: {
    dim: FEATURES,
    strategy: (dim: number) => new CMAES({ dim, sigma: 0.5, popSize: 32, seed: 1 }),
    policy: (p: ArrayLike<number>): Policy => (s) => {
      const f = inputs(s);
      let y = 0;
      for (let i = 0; i < FEATURES; i++) y += p[i]! * f[i]!;
      return threshold(Math.tanh(y));
    },
  },
  mlp: {
    dim: FEATURES * HIDDEN + HIDDEN + 1,
    strategy: (dim: number) => new SepCMAES({ dim, sigma: 0.5, popSize: 32, seed: 1 }),
    policy: (p: ArrayLike<number>): Policy => (s) => {
      const f = inputs(s);
      const out = FEATURES * HIDDEN;
      let y = p[out + HIDDEN]!;
      for (let k = 0; k < HIDDEN; k++) {
        let a = 0;
        for (let i = 0; i < FEATURES; i++) a += p[i * HIDDEN + k]! * f[i]!;
        y += Math.tanh(a) * p[out + k]!;
      }
      return threshold(Math.tanh(y));
    },
  },
};

function search(form: keyof typeof forms): { best: { mean: number; std: number }; generation: number; curve: { generation: number; mean: number }[] } {
  const { dim, strategy, policy } = forms[form];
  const es: EvolutionStrategy = strategy(dim);
  let best = { mean: -Infinity, std: 0 };
  let bestGeneration = 0;
  const curve: { generation: number; mean: number }[] = [];
  for (let g = 1; g <= generations; g++) {
    const candidates = es.ask();
    es.tell(candidates.map((c, m) => {
      let total = 0;
      for (let e = 0; e < 8; e++) total += play(policy(c), new Rng(7).derive(form, g, m, e).nextSeed());
      return total / 8;
    }));
    if (g % 10 === 0 || g === generations) {
      const mean = es.mean;
      const s = score(() => policy(mean));
      curve.push({ generation: g, mean: s.mean });
      if (s.mean > best.mean) [best, bestGeneration] = [s, g];
      process.stderr.write(`${form}: generation ${g}, mean on the fixed seeds ${s.mean} ± ${s.std}\n`);
    }
  }
  return { best, generation: bestGeneration, curve };
}

const report = {
  env: 'TakeCover-v0',
  episodes,
  seed: seedRoot,
  maxSteps: cfg.maxSteps,
  held: { LEFT: score(held(-1)), STAY: score(held(0)), RIGHT: score(held(1)) },
  randomHeld: score(randomHeld),
  reactive: { generations, linear: search('linear'), mlp: search('mlp') },
  lookAhead: score(() => (s) => takeCoverLookAhead(s, cfg)),
};
process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
