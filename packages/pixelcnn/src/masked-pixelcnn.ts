import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import { checkCondition, checkImages, scaleInput } from './image-input.js';
import { MaskedConv2D } from './layers/masked-conv2d.js';
import { contiguousGroups } from './layers/masks.js';
import { OutputHead } from './layers/output-head.js';
import { VariableStore } from './layers/variable-store.js';
import { outputChannels, outputGroups, outputNll, shapeOutput, type OutputKind, type OutputSpec } from './output/output-spec.js';
import type { PixelModel } from './pixel-model.js';

export interface MaskedPixelCNNConfig {
  imageShape: [number, number, number];
  /** Channels of every hidden layer (a multiple of C for the softmax output). */
  features: number;
  /** Residual masked-conv layers after the first. */
  layers: number;
  /** Odd size of the first (type A) kernel. */
  firstKernelSize: number;
  /** Odd size of the later (type B) kernels. */
  kernelSize: number;
  headChannels: number;
  output: OutputKind;
  mixtureComponents: number;
  seed: number;
}

const DEFAULTS: MaskedPixelCNNConfig = { imageShape: [32, 32, 3], features: 48, layers: 4, firstKernelSize: 7, kernelSize: 3, headChannels: 96, output: 'softmax', mixtureComponents: 5, seed: 0 };

/**
 * The original PixelCNN (van den Oord et al. 2016, "Pixel Recurrent Neural Networks", sec. 3.5):
 * a type-A k×k masked convolution, then residual type-B masked convolutions, then the output
 * head. Its stacked masks leave a blind spot (pixels up and to the right are never seen), which
 * {@link GatedPixelCNN} removes; it is kept as the plain baseline and to exercise the masks.
 */
export class MaskedPixelCNN implements PixelModel {
  readonly config: MaskedPixelCNNConfig;
  readonly outputSpec: OutputSpec;
  private readonly store: VariableStore;
  private readonly convs: MaskedConv2D[] = [];
  private readonly head: OutputHead;

  constructor(options: Partial<MaskedPixelCNNConfig> = {}) {
    const c = { ...DEFAULTS, ...options };
    const channels = c.imageShape[2];
    if (channels !== 1 && channels !== 3) throw new Error(`MaskedPixelCNN images must have 1 or 3 channels, got ${channels}`);
    this.config = c;
    this.outputSpec = { kind: c.output, channels, components: c.mixtureComponents };
    const groups = outputGroups(this.outputSpec);
    this.store = new VariableStore(new Rng(c.seed).derive('masked-pixelcnn', 'init'));
    this.convs.push(new MaskedConv2D(this.store, 'conv0', { kernelSize: c.firstKernelSize, inChannels: channels, outChannels: c.features, type: 'A', groups }));
    for (let l = 1; l <= c.layers; l++) this.convs.push(new MaskedConv2D(this.store, `conv${l}`, { kernelSize: c.kernelSize, inChannels: c.features, outChannels: c.features, type: 'B', groups }));
    const outC = outputChannels(this.outputSpec);
    this.head = new OutputHead(this.store, c.features, c.headChannels, c.output === 'softmax' ? contiguousGroups(outC, groups) : new Array<number>(outC).fill(0), groups);
  }

  get imageShape(): readonly [number, number, number] {
    return this.config.imageShape;
  }

  get conditionSize(): number {
    return 0;
  }

  get trainableVariables(): tf.Variable[] {
    return this.store.trainableVariables;
  }

  countParams(): number {
    return this.store.countParams();
  }

  countEffectiveParams(): number {
    return this.store.countEffectiveParams();
  }

  forward(x: tf.Tensor, cond?: tf.Tensor): tf.Tensor {
    checkImages(x, this.config.imageShape, 'MaskedPixelCNN.forward');
    checkCondition(cond, x.shape[0], 0, 'MaskedPixelCNN.forward');
    return tf.tidy(() => {
      let h = this.convs[0]!.apply(scaleInput(x)); // [B, H, W, F]
      for (const conv of this.convs.slice(1)) h = tf.add(h, conv.apply(tf.relu(h) as tf.Tensor4D)) as tf.Tensor4D; // [B, H, W, F]
      return shapeOutput(this.head.apply(h), this.outputSpec);
    });
  }

  nll(x: tf.Tensor, cond?: tf.Tensor): tf.Tensor1D {
    return tf.tidy(() => outputNll(this.forward(x, cond), tf.cast(x, 'int32') as tf.Tensor4D, this.outputSpec));
  }

  /** Runs `fn` with the masked kernels computed once (used by the samplers; weights must not change inside). */
  withFrozenMasks<T>(fn: () => T): T {
    return this.store.withFrozenMasks(fn);
  }

  dispose(): void {
    this.store.dispose();
  }
}
