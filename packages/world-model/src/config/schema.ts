import { z } from 'zod';

const positiveInt = z.number().int().positive();
const nonNegativeInt = z.number().int().nonnegative();
const positive = z.number().positive();

/** Rollout collection (paper step 1). */
export const collectSchema = z.strictObject({
  /** Episodes to collect (paper: 10,000 CarRacing episodes). */
  episodes: positiveInt,
  /** Cut episodes at this many steps (CarRacing's own limit is 1000, TakeCover's 2100). */
  maxSteps: positiveInt.optional(),
  /**
   * Data policy: 'random-agent' is the CarRacing reference's (a controller with random weights
   * over a V and M with random weights); 'brownian' ctallec's random walk; 'held' the Doom
   * reference's random action held for 1–10 frames; 'uniform' a new random action every step.
   */
  policy: z.enum(['random-agent', 'brownian', 'held', 'uniform']),
  /** Worker threads (0 collects in the main thread). */
  workers: nonNegativeInt,
});

/** V, the ConvVAE (paper step 2). */
export const vaeSchema = z.strictObject({
  zSize: positiveInt,
  epochs: positiveInt,
  /** Train for this many steps in all instead of whole epochs (at most `epochs` passes). */
  steps: positiveInt.optional(),
  batchSize: positiveInt,
  learningRate: positive,
  klTolerance: z.number().nonnegative(),
  beta: z.number().nonnegative(),
  /** Scale of every hidden channel count (1 = the paper's V; smaller for quick runs). */
  width: positive,
  checkpointEvery: positiveInt,
  /**
   * Fine-tune: start V from a trained one instead of random weights — a V model directory, a vae
   * stage, or a run / exported agent (its last round's V, e.g. 'checkpoints/takecover'). Its zSize
   * and width must equal this section's.
   */
  init: z.string().min(1).optional(),
});

/** The series: every frame encoded to (mu, logvar) by V, with actions, rewards and dones. */
export const seriesSchema = z.strictObject({
  batchSize: positiveInt,
});

/** M, the MDN-RNN (paper step 3). */
export const mdnrnnSchema = z.strictObject({
  hiddenSize: positiveInt,
  mixtures: positiveInt,
  /** Passes over the sequence windows of the series (reference: 4,000 steps ≈ 40 passes over 10,000 episodes). */
  epochs: positiveInt,
  batchSize: positiveInt,
  seqLen: positiveInt,
  learningRate: positive,
  gradClip: positive,
  /** Predict the episode end (Doom reference); the dream then ends when its logit > 0. */
  doneHead: z.boolean(),
  /** Predict the reward, so CarRacing can be trained in the dream. */
  rewardHead: z.boolean(),
  /** Weight of positive examples in the done head's loss (Doom reference: 10). */
  donePositiveWeight: positive,
  /** Follow each training episode by seqLen copies of its last step (done 1): needed by the done head (the Doom reference padded episodes too). */
  padEpisodeEnds: z.boolean(),
  /**
   * Train on streams of consecutive episodes (the Doom reference): windows run across episode
   * boundaries, a `restarts` flag zeroes the LSTM state at each episode's first step, and each
   * episode's terminal step is its one positive done target. Replaces padEpisodeEnds.
   */
  concatEpisodes: z.boolean().optional(),
  checkpointEvery: positiveInt,
});

/** The dream: M as an environment. */
export const dreamSchema = z.strictObject({
  /** τ: temperature of M's sampling (paper TakeCover: 1.15). */
  temperature: positive,
  /** Frame cap of a dream episode (Doom: 2100). */
  maxSteps: positiveInt,
  /** The paper's temperature table: also train a controller in the dream at each of these τ (e.g. [0.1, 0.5, 1, 1.15, 1.3]). */
  temperatures: z.array(positive),
  /** Generations of each temperature-sweep controller (default: `controller.generations`). */
  sweepGenerations: positiveInt.optional(),
  /**
   * How M's done head ends a dream episode: 'threshold' (default, the Doom reference) when its
   * logit > 0; 'sample' drawn each step with M's probability (the logit less
   * log `mdnrnn.donePositiveWeight`).
   */
  done: z.enum(['threshold', 'sample']).optional(),
  /**
   * Common random numbers while training in the dream: episode e of every candidate of a
   * generation gets the same initial latent, mixture draws and death draws (PEGASUS), so
   * candidates that act alike are compared without luck. Default false.
   */
  commonRandomNumbers: z.boolean().optional(),
});

/** Curiosity: an intrinsic reward −log p(z_{t+1} | z_t, a_t, h_t) from M, added with a weight. */
export const curiositySchema = z.strictObject({
  weight: z.number().nonnegative(),
});

/** C, the controller, and its evolution strategy (paper step 4). */
export const controllerSchema = z.strictObject({
  /** Train C in the real env (CarRacing, as the paper) or only in M's dream (TakeCover, as the paper). */
  mode: z.enum(['real', 'dream']),
  /**
   * linear: a = tanh(W·[z, h] + b); vonly: from z only; hidden: one tanh layer of `hiddenUnits` on z;
   * doom: [z, c, h], one output, no bias; mlp: one tanh layer of `hiddenUnits` on [z, c, h].
   */
  form: z.enum(['linear', 'vonly', 'hidden', 'doom', 'mlp']),
  hiddenUnits: positiveInt,
  algorithm: z.enum(['cmaes', 'sepcmaes', 'openes', 'pepg', 'ga']),
  popSize: positiveInt,
  sigma: positive,
  weightDecay: z.number().nonnegative(),
  generations: positiveInt,
  /** Fitness of a candidate = mean return over this many episodes (paper: 16). */
  episodesPerMember: positiveInt,
  /** Score the search mean every N generations on `evalEpisodes` fixed seeds (paper: 25, 1024). */
  evalEvery: positiveInt,
  evalEpisodes: positiveInt,
  /** Cut real-env episodes at this many steps while training (the env's own limit when absent). */
  maxSteps: positiveInt.optional(),
  /** Worker threads for real-env fitness (0: in the main thread). */
  workers: nonNegativeInt,
  dream: dreamSchema,
  curiosity: curiositySchema,
  /**
   * Start the search mean from a trained controller instead of zeros: a controller file, or a
   * directory holding `best.json` or `controller/best.json` (a run, an exported agent such as
   * 'checkpoints/takecover'). The same form is copied; a doom or linear controller is embedded
   * into an `mlp` so that it plays the same moves (see `embedController`).
   */
  init: z.string().min(1).optional(),
});

/**
 * How the later rounds of the iterative procedure (paper §5: collect with the current agent,
 * retrain M, retrain C) are made. The defaults are the plain procedure: each round collects with
 * the previous agent only and trains V, M and C afresh on that round's data.
 */
export const iterativeSchema = z.strictObject({
  /**
   * V of later rounds. 'keep': round 1's V (every round's latents mean the same); 'retrain': a new
   * V per round; 'finetune': round k's V starts from round k−1's (fresh Adam moments) and trains
   * `vaeSteps` more steps. A new V trains on its round's frames, or with `aggregate` on every
   * round's so far.
   */
  vision: z.enum(['keep', 'retrain', 'finetune']),
  /**
   * Data aggregation: M of round k trains on the series of rounds 1..k. With vision 'keep' the
   * earlier series are copied; with a new V (retrain, finetune) that V trains on every round's
   * frames and the series encodes them all anew.
   */
  aggregate: z.boolean(),
  /** M of round k starts from round k−1's weights (fresh Adam moments). */
  warmStart: z.boolean(),
  /**
   * Exploration while collecting with the agent: each step, with this probability, a uniformly
   * random action is taken instead and held for 1–10 steps (the 'held' data policy); M is stepped
   * with the action actually taken.
   */
  explore: z.number().min(0).max(1),
  /** Episodes collected per later round (default: collect.episodes). */
  episodes: positiveInt.optional(),
  /**
   * Continue the procedure from a finished run or an exported agent (a path, e.g.
   * 'checkpoints/takecover'): round 1 is a copy of its V, M, initial latents and C, and round 2 on
   * collects with that agent. Its V and M must be of this config's sizes (env, vae, mdnrnn equal).
   * Round 2's series cannot aggregate round 1's (an export holds none) unless `recollect` is on;
   * later rounds aggregate as usual.
   */
  startFrom: z.string().min(1).optional(),
  /**
   * With `startFrom`: round 1 still collects `collect.episodes` rollouts with the collect policy and
   * encodes them with the agent's V, so that later rounds aggregate them. An export holds no data,
   * and an M warm-started on a good agent's long episodes alone forgets how episodes end.
   */
  recollect: z.boolean().optional(),
  /** Step cap of the episodes collected in later rounds (default: collect.maxSteps): a good agent's long episodes are what M lacks. */
  maxSteps: positiveInt.optional(),
  /** V's training steps in later rounds with vision 'retrain' or 'finetune' (default: vae.steps, else vae.epochs passes). */
  vaeSteps: positiveInt.optional(),
  /** M's passes over the (aggregated) series in later rounds (default: mdnrnn.epochs). */
  mdnrnnEpochs: positiveInt.optional(),
  /**
   * M's training window in later rounds (default: mdnrnn.seqLen): once a round's agent lives
   * longer than the windows, M never sees a whole episode, and its done head may learn a clock.
   */
  mdnrnnSeqLen: positiveInt.optional(),
});

export const DEFAULT_ITERATIVE: z.infer<typeof iterativeSchema> = { vision: 'retrain', aggregate: false, warmStart: false, explore: 0 };

/** `worldmodels eval`. */
export const evalSchema = z.strictObject({
  /** Real-env episodes on fixed seeds (paper: 100). */
  episodes: positiveInt,
  seed: z.number().int(),
  maxSteps: positiveInt.optional(),
  /** Frames in the GIFs. */
  gifFrames: positiveInt,
});

export const runConfigSchema = z.strictObject({
  env: z.enum(['carracing', 'takecover']),
  /** Seed of the whole run: every random stream derives from it. */
  seed: z.number().int(),
  /** tfjs backend ('auto' picks the fastest present). */
  backend: z.enum(['auto', 'tensorflow-gpu', 'tensorflow', 'native', 'webgl', 'wasm', 'cpu']),
  /** The iterative procedure: collect with the current agent, retrain V and M, retrain C — this many rounds (1: the paper's single pass). */
  iterations: positiveInt,
  /** Later rounds of the iterative procedure (optional: the plain procedure by default). */
  iterative: iterativeSchema.default(DEFAULT_ITERATIVE),
  collect: collectSchema,
  vae: vaeSchema,
  series: seriesSchema,
  mdnrnn: mdnrnnSchema,
  controller: controllerSchema,
  eval: evalSchema,
});

export type RunConfig = z.infer<typeof runConfigSchema>;
export type ControllerConfig = RunConfig['controller'];

/** A deep partial of the run config: what a config file or a preset gives. */
export type RunConfigInput = DeepPartial<RunConfig>;
export type DeepPartial<T> = T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

/** Validates a full config; the error lists every problem with its path (`controller.popSize: ...`). */
export function parseRunConfig(value: unknown, source = 'config'): RunConfig {
  const result = runConfigSchema.safeParse(value);
  if (result.success && result.data.iterative.recollect === true && result.data.iterative.startFrom === undefined) {
    throw new Error(`invalid ${source}:\n  iterative.recollect: only a run continued from an agent (iterative.startFrom) collects again in round 1`);
  }
  if (result.success && result.data.iterative.startFrom !== undefined && result.data.iterations < 2) {
    throw new Error(`invalid ${source}:\n  iterative.startFrom: continuing from an agent needs iterations ≥ 2 (round 1 is the agent itself)`);
  }
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.') || '(root)'}: ${issue.message}`);
    throw new Error(`invalid ${source}:\n${lines.join('\n')}`);
  }
  return result.data;
}
