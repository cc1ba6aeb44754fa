import * as tf from '@tensorflow/tfjs-core';
import { loadVariablesModel, lstmSequence, saveVariables } from '@worldmodels/core';
import { Rng } from '@worldmodels/core/rng';
import { inputSize, outputLayout, resolveMDNRNNConfig, type MDNRNNConfig } from './config.js';
import { glorotUniform } from './glorot.js';
import { lstmCellFromGates, type LSTMState } from './lstm-cell.js';
import { mixtureNegLogLikelihood, splitMixture, weightedSigmoidCrossEntropy, type MixtureParams } from './mixture.js';
import { decodeReferenceJson, encodeReferenceJson } from '@worldmodels/core';
import { sampleMixture } from './sample-mixture.js';

let instanceCounter = 0;

/** What one step predicts for the next z (each [B, Z, K]), plus the optional heads ([B]). */
export type MDNStepOutput = {
  state: LSTMState;
  logmix: tf.Tensor3D;
  mean: tf.Tensor3D;
  logstd: tf.Tensor3D;
  /** Logit of "the episode ends at this step" (done head). */
  doneLogit?: tf.Tensor1D;
  /** Predicted reward of this step (reward head). */
  reward?: tf.Tensor1D;
};

/** Predictions over a sequence: mixture [B, T, Z, K], heads [B, T], final state. */
export type MDNSequenceOutput = MixtureParams & {
  state: LSTMState;
  doneLogit?: tf.Tensor2D;
  reward?: tf.Tensor2D;
};

/** A teacher-forcing batch: inputs at steps 0..T−1 and the targets they predict. */
export type MDNSequenceBatch = {
  z: tf.Tensor3D; // [B, T, Z]
  actions: tf.Tensor3D; // [B, T, A]
  /** Restart flags [B, T] (restartInput models only; default zeros). */
  restart?: tf.Tensor2D;
  targetZ: tf.Tensor3D; // [B, T, Z]: z at steps 1..T
  /** Done labels [B, T] in {0, 1} (done head). */
  targetDone?: tf.Tensor2D;
  /** Rewards [B, T] (reward head). */
  targetReward?: tf.Tensor2D;
};

export type MDNLossTerms = {
  loss: tf.Scalar;
  /** Mean over batch, steps and z dimensions of the mixture negative log-likelihood. */
  zLoss: tf.Scalar;
  doneLoss?: tf.Scalar;
  rewardLoss?: tf.Scalar;
};

const REFERENCE_ORDER = ['output_w', 'output_b', 'lstm/kernel', 'lstm/bias'] as const;

/**
 * The World Models memory model M (Ha & Schmidhuber 2018, §2.2; Graves 2013's MDN-RNN): an LSTM
 * over [z_t, a_t] whose output layer parameterises, for every dimension of z_{t+1}, a mixture of
 * K Gaussians. Weights are plain `tf.Variable`s: `lstm/kernel` [Z + A (+1), 4H] stacked over
 * [input rows; h rows] with gate columns i, j, f, o; `lstm/bias` [4H]; `output_w` [H, width];
 * `output_b` [width].
 *
 * ```ts
 * const m = new MDNRNN({ zSize: 32, actionSize: 3, hiddenSize: 256, mixtures: 5 }); // 422,368 params
 * const out = m.step(z, a, state);          // logmix, mean, logstd [B, 32, 5], state {h, c}
 * const zNext = m.sample(out, 1.15, rng);   // [B, 32]
 * ```
 */
export class MDNRNN {
  readonly config: MDNRNNConfig;
  private readonly variables = new Map<string, tf.Variable>();
  private disposed = false;

  constructor(options: Partial<MDNRNNConfig> = {}) {
    this.config = resolveMDNRNNConfig(options);
    const init = new Rng(this.config.seed).derive('mdn-rnn', 'init');
    const prefix = `mdnrnn${instanceCounter++}`;
    for (const [name, shape] of Object.entries(this.variableShapes())) {
      const values = shape.length === 2 ? glorotUniform(shape, init.derive(name)) : new Float32Array(shape[0]!);
      this.variables.set(name, tf.tidy(() => tf.variable(tf.tensor(values, shape, 'float32'), true, `${prefix}/${name}`)));
    }
  }

  /** Shapes of the variables by name. */
  variableShapes(): Record<string, number[]> {
    const c = this.config;
    const H = c.hiddenSize;
    const width = outputLayout(c).width;
    return { 'lstm/kernel': [inputSize(c) + H, 4 * H], 'lstm/bias': [4 * H], output_w: [H, width], output_b: [width] };
  }

  /** Variable names in the reference JSON order. */
  get variableNames(): string[] {
    return [...REFERENCE_ORDER];
  }

  get trainableVariables(): tf.Variable[] {
    return this.variableNames.map((n) => this.variable(n));
  }

  /** Total parameters (CarRacing 422,368; Doom 1,678,785). */
  countParams(): number {
    let n = 0;
    for (const v of this.variables.values()) n += v.size;
    return n;
  }

  /** The zero state for a batch of B. */
  initialState(batchSize: number): LSTMState {
    const H = this.config.hiddenSize;
    return { h: tf.zeros([batchSize, H]), c: tf.zeros([batchSize, H]) };
  }

  /**
   * One step: from z_t [B, Z], a_t [B, A] and the state (default zeros) to the mixture over
   * z_{t+1} and the new state. `restart` [B] (restartInput models) zeroes the state of rows
   * with a flag > 0.5 before the step and is fed as an input, as in the Doom reference.
   */
  step(z: tf.Tensor, a: tf.Tensor, state?: LSTMState, restart?: tf.Tensor): MDNStepOutput {
    this.checkAlive();
    const c = this.config;
    if (z.rank !== 2 || z.shape[1] !== c.zSize) throw new Error(`MDNRNN.step needs z of shape [B, ${c.zSize}], got [${z.shape}]`);
    const B = z.shape[0]!;
    if (a.rank !== 2 || a.shape[0] !== B || a.shape[1] !== c.actionSize) throw new Error(`MDNRNN.step needs actions of shape [${B}, ${c.actionSize}], got [${a.shape}]`);
    if (state && (state.h.shape[0] !== B || state.h.shape[1] !== c.hiddenSize || state.c.shape[1] !== c.hiddenSize)) {
      throw new Error(`MDNRNN.step needs a state with h and c of shape [${B}, ${c.hiddenSize}], got [${state.h.shape}] and [${state.c.shape}]`);
    }
    if (restart && !c.restartInput) throw new Error('MDNRNN.step got restart flags but the model was built without restartInput');
    if (restart && restart.size !== B) throw new Error(`MDNRNN.step needs restart flags of shape [${B}], got [${restart.shape}]`);
    return tf.tidy(() => {
      let h = state?.h ?? tf.zeros([B, c.hiddenSize]);
      let cell = state?.c ?? tf.zeros([B, c.hiddenSize]);
      const parts = [z, a];
      if (c.restartInput) {
        const flags = restart ? tf.reshape(tf.cast(restart, 'float32'), [B, 1]) : tf.zeros([B, 1]); // [B, 1]
        const keep = tf.sub(1, tf.cast(tf.greater(flags, 0.5), 'float32')); // [B, 1]
        h = tf.mul(h, keep);
        cell = tf.mul(cell, keep);
        parts.push(flags);
      }
      const xh = tf.concat([...parts, h], 1) as tf.Tensor2D; // [B, I + H]
      const gates = tf.add(tf.matMul(xh, this.variable('lstm/kernel') as tf.Tensor2D), this.variable('lstm/bias')) as tf.Tensor2D; // [B, 4H]
      const next = lstmCellFromGates(gates, cell as tf.Tensor2D, c.forgetBias);
      const heads = this.head(next.h); // [B, width]
      const out: MDNStepOutput = {
        state: next,
        logmix: heads.mixture.logmix as tf.Tensor3D,
        mean: heads.mixture.mean as tf.Tensor3D,
        logstd: heads.mixture.logstd as tf.Tensor3D,
      };
      if (heads.done) out.doneLogit = heads.done as tf.Tensor1D;
      if (heads.reward) out.reward = heads.reward as tf.Tensor1D;
      return out;
    });
  }

  /**
   * Runs the LSTM over whole sequences (teacher forcing): z [B, T, Z], actions [B, T, A] →
   * mixtures [B, T, Z, K], heads [B, T] and the final state.
   */
  unroll(z: tf.Tensor3D, actions: tf.Tensor3D, options: { state?: LSTMState; restart?: tf.Tensor2D } = {}): MDNSequenceOutput {
    const c = this.config;
    return tf.tidy(() => {
      const [B, T] = z.shape;
      const { hs, state } = this.scan(z, actions, options);
      const hidden = tf.reshape(hs, [B * T, c.hiddenSize]) as tf.Tensor2D; // [B·T, H]
      const heads = this.head(hidden);
      const K = c.mixtures;
      const out: MDNSequenceOutput = {
        state,
        logmix: tf.reshape(heads.mixture.logmix, [B, T, c.zSize, K]),
        mean: tf.reshape(heads.mixture.mean, [B, T, c.zSize, K]),
        logstd: tf.reshape(heads.mixture.logstd, [B, T, c.zSize, K]),
      };
      if (heads.done) out.doneLogit = tf.reshape(heads.done, [B, T]);
      if (heads.reward) out.reward = tf.reshape(heads.reward, [B, T]);
      return out;
    });
  }

  /**
   * The training objective of a teacher-forcing batch (reference rnn.py): the mixture NLL of
   * z_{t+1} averaged over batch, steps and dimensions, plus the weighted done cross-entropy and
   * the reward squared error when those heads exist.
   */
  loss(batch: MDNSequenceBatch): MDNLossTerms {
    const c = this.config;
    if (c.doneHead && !batch.targetDone) throw new Error('MDNRNN.loss: the model has a done head but the batch has no targetDone');
    if (c.rewardHead && !batch.targetReward) throw new Error('MDNRNN.loss: the model has a reward head but the batch has no targetReward');
    if (batch.targetZ.shape.join(',') !== batch.z.shape.join(',')) throw new Error(`MDNRNN.loss needs targetZ of the shape of z [${batch.z.shape}], got [${batch.targetZ.shape}]`);
    return tf.tidy(() => {
      const out = this.unroll(batch.z, batch.actions, batch.restart ? { restart: batch.restart } : {});
      const zLoss = tf.mean(mixtureNegLogLikelihood(out, batch.targetZ)) as tf.Scalar;
      const terms: MDNLossTerms = { loss: zLoss, zLoss };
      let loss: tf.Tensor = zLoss;
      if (c.doneHead) {
        terms.doneLoss = weightedSigmoidCrossEntropy(out.doneLogit!, batch.targetDone!, c.donePositiveWeight);
        loss = tf.add(loss, terms.doneLoss);
      }
      if (c.rewardHead) {
        terms.rewardLoss = tf.mean(tf.squaredDifference(out.reward!, batch.targetReward!)) as tf.Scalar;
        loss = tf.add(loss, terms.rewardLoss);
      }
      terms.loss = loss as tf.Scalar;
      return terms;
    });
  }

  /**
   * The recurrence shared by `unroll` and `loss`: the hidden state of every step [B, T, H] and the
   * final state, computed by core's fused `lstmSequence` (one op forward and one backward over the
   * whole sequence; native kernels where the backend has them). Restart flags zero h and c before
   * their step, as the Doom reference does.
   */
  private scan(z: tf.Tensor3D, actions: tf.Tensor3D, options: { state?: LSTMState; restart?: tf.Tensor2D }): { hs: tf.Tensor3D; state: LSTMState } {
    this.checkAlive();
    const c = this.config;
    const [B, T] = z.shape;
    if (z.rank !== 3 || z.shape[2] !== c.zSize) throw new Error(`MDNRNN needs z of shape [B, T, ${c.zSize}], got [${z.shape}]`);
    if (actions.rank !== 3 || actions.shape[0] !== B || actions.shape[1] !== T || actions.shape[2] !== c.actionSize) {
      throw new Error(`MDNRNN needs actions of shape [${B}, ${T}, ${c.actionSize}], got [${actions.shape}]`);
    }
    if (options.restart && !c.restartInput) throw new Error('MDNRNN got restart flags but the model was built without restartInput');
    if (options.restart && (options.restart.shape[0] !== B || options.restart.shape[1] !== T)) throw new Error(`MDNRNN needs restart flags of shape [${B}, ${T}], got [${options.restart.shape}]`);
    const H = c.hiddenSize;
    const parts: tf.Tensor[] = [z, actions];
    let keep: tf.Tensor2D | undefined;
    if (c.restartInput) {
      const flags = options.restart ? tf.cast(options.restart, 'float32') : tf.zeros([B, T]); // [B, T]
      parts.push(tf.expandDims(flags, 2)); // [B, T, 1]
      keep = tf.sub(1, tf.cast(tf.greater(flags, 0.5), 'float32')) as tf.Tensor2D; // [B, T]
    }
    const x = tf.concat(parts, 2) as tf.Tensor3D; // [B, T, I]
    const kernel = this.variable('lstm/kernel') as tf.Tensor2D; // [I + H, 4H]
    const bias = this.variable('lstm/bias') as tf.Tensor1D; // [4H]
    const h0 = (options.state?.h ?? tf.zeros([B, H])) as tf.Tensor2D;
    const c0 = (options.state?.c ?? tf.zeros([B, H])) as tf.Tensor2D;
    const { hs, h, c: cT } = lstmSequence(x, kernel, bias, h0, c0, { forgetBias: c.forgetBias, ...(keep && { keep }) });
    return { hs: hs as tf.Tensor3D, state: { h: h as tf.Tensor2D, c: cT as tf.Tensor2D } };
  }

  /** Samples z_{t+1} [B, Z] from a step's mixture at temperature τ (see {@link sampleMixture}). */
  sample(out: MixtureParams, temperature: number, rng: Rng): tf.Tensor2D {
    return sampleMixture(out, temperature, rng);
  }

  /** The variables by name (not copies: do not dispose). */
  getWeights(): Record<string, tf.Variable> {
    return Object.fromEntries(this.variableNames.map((n) => [n, this.variable(n)]));
  }

  /** Assigns every variable (all names required, shapes checked). */
  setWeights(weights: Record<string, tf.Tensor>): void {
    this.checkAlive();
    const shapes = this.variableShapes();
    for (const name of this.variableNames) {
      const t = weights[name];
      if (!t) throw new Error(`MDNRNN.setWeights: missing variable ${name}`);
      if (t.shape.join(',') !== shapes[name]!.join(',')) throw new Error(`MDNRNN.setWeights: ${name} has shape [${t.shape}], expected [${shapes[name]}]`);
    }
    tf.tidy(() => {
      for (const name of this.variableNames) this.variable(name).assign(tf.cast(weights[name]!, 'float32'));
    });
  }

  /**
   * Loads the reference's JSON weights (e.g. the published CarRacing `rnn.json`): a list of 4
   * arrays of round(w · 10⁴): output_w [H, width], output_b [width], LSTM kernel [I + H, 4H]
   * (rows z, a, then h; gate columns i, j, f, o), LSTM bias [4H].
   */
  async loadReferenceJson(source: string | unknown): Promise<void> {
    const json = typeof source === 'string' ? JSON.parse(await readText(source)) : source;
    const tensors = decodeReferenceJson(json, this.variableNames, this.variableShapes(), typeof source === 'string' ? source : 'rnn.json');
    try {
      this.setWeights(tensors);
    } finally {
      tf.dispose(Object.values(tensors));
    }
  }

  /** The weights in the reference JSON format. */
  toReferenceJson(): number[][] {
    return encodeReferenceJson(this.trainableVariables);
  }

  /** Saves config and weights with core's checkpoint format. */
  async save(dir: string): Promise<void> {
    await saveVariables(dir, this.getWeights(), { metadata: { kind: 'MDNRNN', config: { ...this.config } } });
  }

  /** Loads a model saved with {@link MDNRNN.save}. */
  static async load(dir: string): Promise<MDNRNN> {
    return loadVariablesModel(dir, 'MDNRNN', 'an MDNRNN', (config: Partial<MDNRNNConfig>) => new MDNRNN(config), (m, tensors) => m.setWeights(tensors));
  }

  dispose(): void {
    if (this.disposed) return;
    for (const v of this.variables.values()) v.dispose();
    this.variables.clear();
    this.disposed = true;
  }

  /** Output layer on hidden states [N, H] → mixture [N, Z, K] and heads [N]. */
  private head(h: tf.Tensor2D): { mixture: MixtureParams; done?: tf.Tensor; reward?: tf.Tensor } {
    const c = this.config;
    const layout = outputLayout(c);
    const N = h.shape[0];
    const raw = tf.add(tf.matMul(h, this.variable('output_w') as tf.Tensor2D), this.variable('output_b')) as tf.Tensor2D; // [N, width]
    const mixtureRaw = layout.mixtureStart === 0 ? raw : tf.slice(raw, [0, layout.mixtureStart], [N, layout.width - layout.mixtureStart]); // [N, Z·K·3]
    const result: { mixture: MixtureParams; done?: tf.Tensor; reward?: tf.Tensor } = { mixture: splitMixture(mixtureRaw, c.zSize, c.mixtures) };
    if (layout.done !== null) result.done = tf.reshape(tf.slice(raw, [0, layout.done], [N, 1]), [N]);
    if (layout.reward !== null) result.reward = tf.reshape(tf.slice(raw, [0, layout.reward], [N, 1]), [N]);
    return result;
  }

  private variable(name: string): tf.Variable {
    const v = this.variables.get(name);
    if (!v) throw new Error(this.disposed ? 'MDNRNN has been disposed' : `MDNRNN has no variable ${name}`);
    return v;
  }

  private checkAlive(): void {
    if (this.disposed) throw new Error('MDNRNN has been disposed');
  }
}

async function readText(path: string): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  try {
    return await readFile(path, 'utf8');
  } catch (err) {
    throw new Error(`cannot read reference weights ${path}: ${(err as Error).message}`);
  }
}
