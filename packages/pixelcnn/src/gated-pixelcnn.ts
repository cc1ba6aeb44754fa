import * as tf from '@tensorflow/tfjs-core';
import { loadVariablesModel, saveVariables } from '@worldmodels/core';
import { Rng } from '@worldmodels/core/rng';
import { resolveGatedConfig, type GatedPixelCNNConfig } from './config.js';
import { checkCondition, checkImages, scaleInput } from './image-input.js';
import { GatedLayer, type ConditionTerms } from './layers/gated-layer.js';
import { contiguousGroups } from './layers/masks.js';
import { OutputHead } from './layers/output-head.js';
import { receptiveField, type ReceptiveField } from './receptive-field.js';
import { downShift } from './layers/shifts.js';
import { VariableStore } from './layers/variable-store.js';
import { outputChannels, outputGroups, outputNll, shapeOutput, type OutputSpec } from './output/output-spec.js';
import type { PixelModel } from './pixel-model.js';

/**
 * The Gated PixelCNN (van den Oord et al. 2016, "Conditional Image Generation with PixelCNN
 * Decoders"): p(x | h) = Π_i p(x_i | x_<i, h) over sub-pixels in raster order, R → G → B.
 * A stack of {@link GatedLayer}s (vertical + horizontal stacks, no blind spot), skip connections
 * summed into an output head giving a 256-way softmax per sub-pixel or a discretised logistic
 * mixture per pixel (PixelCNN++). The conditioning vector h (a class, a VAE latent, the MDN-RNN
 * state) enters every gated layer through V·h.
 *
 * ```ts
 * const model = new GatedPixelCNN({ imageShape: [32, 32, 3], conditionSize: 32 });
 * const nll = model.nll(x, z);           // x: int32 [B, 32, 32, 3] in 0..255, z: [B, 32] → [B] nats
 * const bpd = model.bitsPerDim(x, z);    // mean bits per sub-pixel
 * ```
 */
export class GatedPixelCNN implements PixelModel {
  readonly config: GatedPixelCNNConfig;
  readonly outputSpec: OutputSpec;
  readonly layers: GatedLayer[] = [];
  readonly head: OutputHead;
  private readonly store: VariableStore;

  constructor(options: Partial<GatedPixelCNNConfig> = {}) {
    this.config = resolveGatedConfig(options);
    const c = this.config;
    const channels = c.imageShape[2];
    this.outputSpec = { kind: c.output, channels, components: c.mixtureComponents };
    const groups = outputGroups(this.outputSpec);
    this.store = new VariableStore(new Rng(c.seed).derive('pixelcnn', 'init'));
    for (let l = 0; l < c.layers; l++) {
      const first = l === 0;
      this.layers.push(
        new GatedLayer(this.store, `gated${l}`, {
          kernelSize: first ? c.firstKernelSize : c.kernelSize,
          inChannels: first ? channels : c.features,
          inGroups: first ? contiguousGroups(channels, groups) : contiguousGroups(c.features, groups),
          features: c.features,
          groups,
          skipChannels: c.skipChannels,
          conditionSize: c.conditionSize,
          first,
          residual: c.residual,
        }),
      );
    }
    const outC = outputChannels(this.outputSpec);
    const outGroupList = c.output === 'softmax' ? contiguousGroups(outC, groups) : new Array<number>(outC).fill(0);
    this.head = new OutputHead(this.store, c.skipChannels > 0 ? c.skipChannels : c.features, c.headChannels, outGroupList, groups);
  }

  get imageShape(): readonly [number, number, number] {
    return this.config.imageShape;
  }

  get conditionSize(): number {
    return this.config.conditionSize;
  }

  /** Exact number of stored weights for a config (masked kernel entries included). */
  static paramCount(options: Partial<GatedPixelCNNConfig> = {}): number {
    const c = resolveGatedConfig(options);
    const channels = c.imageShape[2];
    let n = 0;
    for (let l = 0; l < c.layers; l++) {
      n += GatedLayer.paramCount({ kernelSize: l === 0 ? c.firstKernelSize : c.kernelSize, inChannels: l === 0 ? channels : c.features, features: c.features, skipChannels: c.skipChannels, conditionSize: c.conditionSize });
    }
    const spec: OutputSpec = { kind: c.output, channels, components: c.mixtureComponents };
    return n + OutputHead.paramCount(c.skipChannels > 0 ? c.skipChannels : c.features, c.headChannels, outputChannels(spec));
  }

  /** Which input pixels one output pixel can see (see {@link receptiveField}). */
  receptiveField(): ReceptiveField {
    return receptiveField(this.config);
  }

  /** Stored weights (masked entries included). */
  countParams(): number {
    return this.store.countParams();
  }

  /** Weights not held at zero by a causal mask. */
  countEffectiveParams(): number {
    return this.store.countEffectiveParams();
  }

  get trainableVariables(): tf.Variable[] {
    return this.store.trainableVariables;
  }

  /** Per-layer V·h terms (computed once per batch; reused by the cached sampler). cond [B, D] or [B, H, W, D]. */
  conditionTerms(cond: tf.Tensor2D | tf.Tensor4D | undefined): (ConditionTerms | null)[] {
    return this.layers.map((layer) => layer.conditionTerms(cond));
  }

  /**
   * Distribution parameters for every sub-pixel of x (values 0..255, any numeric dtype)
   * [B, H, W, C]: logits [B, H, W, C, 256] (softmax) or mixture parameters [B, H, W, P].
   */
  forward(x: tf.Tensor, cond?: tf.Tensor): tf.Tensor {
    checkImages(x, this.config.imageShape, 'GatedPixelCNN.forward');
    const h = checkCondition(cond, x.shape[0], this.config.conditionSize, 'GatedPixelCNN.forward', this.config.imageShape);
    return tf.tidy(() => {
      const terms = this.conditionTerms(h);
      const xin = scaleInput(x); // [B, H, W, C] in [−1, 1]
      let v = downShift(xin); // [B, H, W, C]: the vertical stack sees rows above only
      let hs = xin; // [B, H, W, C]
      let skip: tf.Tensor4D | null = null;
      this.layers.forEach((layer, l) => {
        const out = layer.apply(v, hs, terms[l]!);
        v = out.v; // [B, H, W, F]
        hs = out.h; // [B, H, W, F]
        if (out.skip) skip = skip ? (tf.add(skip, out.skip) as tf.Tensor4D) : out.skip; // [B, H, W, S]
      });
      return shapeOutput(this.head.apply(skip ?? hs), this.outputSpec);
    });
  }

  /** −log p(x | cond) in nats per image [B]. */
  nll(x: tf.Tensor, cond?: tf.Tensor): tf.Tensor1D {
    return tf.tidy(() => outputNll(this.forward(x, cond), tf.cast(x, 'int32') as tf.Tensor4D, this.outputSpec));
  }

  /** Mean bits per dimension, −log₂ p(x) / (H·W·C), as a scalar tensor (the training loss). */
  bitsPerDimTensor(x: tf.Tensor, cond?: tf.Tensor): tf.Scalar {
    const [h, w, c] = this.config.imageShape;
    return tf.tidy(() => tf.div(tf.mean(this.nll(x, cond)), h * w * c * Math.LN2) as tf.Scalar);
  }

  /** Mean bits per dimension of a batch. */
  bitsPerDim(x: tf.Tensor, cond?: tf.Tensor): number {
    const t = this.bitsPerDimTensor(x, cond);
    const v = t.dataSync()[0]!;
    t.dispose();
    return v;
  }

  /** The variables by name (not copies: do not dispose). */
  getWeights(): Record<string, tf.Variable> {
    return this.store.getWeights();
  }

  /** Assigns every variable (names and shapes checked; masks re-applied). */
  setWeights(weights: Record<string, tf.Tensor>): void {
    this.store.setWeights(weights, 'GatedPixelCNN.setWeights');
  }

  /** Saves config and weights with core's checkpoint format. */
  async save(dir: string): Promise<void> {
    await saveVariables(dir, this.getWeights(), { metadata: { kind: 'GatedPixelCNN', config: { ...this.config } } });
  }

  /** Loads a model saved with {@link GatedPixelCNN.save}. */
  static async load(dir: string): Promise<GatedPixelCNN> {
    return loadVariablesModel(
      dir, 'GatedPixelCNN', 'a GatedPixelCNN',
      (config: Partial<GatedPixelCNNConfig>) => new GatedPixelCNN(config),
      (model, tensors) => model.store.setWeights(tensors, `checkpoint ${dir}`),
    );
  }

  /** Runs `fn` with the masked kernels computed once (used by the samplers; weights must not change inside). */
  withFrozenMasks<T>(fn: () => T): T {
    return this.store.withFrozenMasks(fn);
  }

  dispose(): void {
    this.store.dispose();
  }
}
