/** Options of the MDN-RNN; defaults are the CarRacing reference. */
export interface MDNRNNConfig {
  /** Size of V's latent z (CarRacing 32, Doom 64). */
  zSize: number;
  /** Size of the action vector (CarRacing 3, Doom 1). */
  actionSize: number;
  /** LSTM units (CarRacing 256, Doom 512). */
  hiddenSize: number;
  /** Gaussian components per z dimension (reference 5). */
  mixtures: number;
  /** Added to the forget gate's pre-activation (TF1 BasicLSTMCell forget_bias, reference 1). */
  forgetBias: number;
  /** Predict episode end: a done logit trained with sigmoid cross-entropy, positives weighted (Doom reference). */
  doneHead: boolean;
  /** Weight of positive examples in the done loss (Doom reference: 10). */
  donePositiveWeight: number;
  /** Predict the reward of each step (squared error), so a dream can hand out rewards (e.g. CarRacing). */
  rewardHead: boolean;
  /** Feed a restart flag as an extra input; a flag > 0.5 zeroes the LSTM state before the step (Doom reference). */
  restartInput: boolean;
  /** Seed of the weight initialisation. */
  seed: number;
}

export const DEFAULT_MDNRNN_CONFIG: MDNRNNConfig = {
  zSize: 32,
  actionSize: 3,
  hiddenSize: 256,
  mixtures: 5,
  forgetBias: 1,
  doneHead: false,
  donePositiveWeight: 10,
  rewardHead: false,
  restartInput: false,
  seed: 0,
};

/** The Doom TakeCover reference configuration (1,678,785 parameters). */
export const DOOM_MDNRNN_CONFIG: Partial<MDNRNNConfig> = {
  zSize: 64,
  actionSize: 1,
  hiddenSize: 512,
  doneHead: true,
  restartInput: true,
};

/** Fills defaults and rejects bad values with an error naming the option. */
export function resolveMDNRNNConfig(options: Partial<MDNRNNConfig> = {}): MDNRNNConfig {
  const c = { ...DEFAULT_MDNRNN_CONFIG, ...options };
  for (const key of ['zSize', 'actionSize', 'hiddenSize', 'mixtures'] as const) {
    if (!Number.isInteger(c[key]) || c[key] < 1) throw new Error(`MDNRNN ${key} must be a positive integer, got ${c[key]}`);
  }
  if (!Number.isFinite(c.forgetBias)) throw new Error(`MDNRNN forgetBias must be a number, got ${c.forgetBias}`);
  if (!(c.donePositiveWeight > 0)) throw new Error(`MDNRNN donePositiveWeight must be > 0, got ${c.donePositiveWeight}`);
  if (!Number.isInteger(c.seed)) throw new Error(`MDNRNN seed must be an integer, got ${c.seed}`);
  return c;
}

/** Width of the LSTM input: [z, a, restart?]. */
export function inputSize(c: MDNRNNConfig): number {
  return c.zSize + c.actionSize + (c.restartInput ? 1 : 0);
}

/** Column layout of the output layer: [done?, reward?, then per z dimension logmix(K) | mean(K) | logstd(K)]. */
export function outputLayout(c: MDNRNNConfig): { done: number | null; reward: number | null; mixtureStart: number; width: number } {
  let col = 0;
  const done = c.doneHead ? col++ : null;
  const reward = c.rewardHead ? col++ : null;
  return { done, reward, mixtureStart: col, width: col + c.zSize * c.mixtures * 3 };
}
