import type { Env, ResetResult, StepResult } from '../env.js';
import { resizeBilinear } from '../render/resample.js';
import { Box } from '../spaces.js';
import { Wrapper } from './wrapper.js';

export interface ResizeOptions {
  /** Output height (default 64). */
  height?: number;
  /** Output width (default 64). */
  width?: number;
}

/**
 * Resizes every observation frame (uint8 HWC) to `height × width` with antialiased bilinear
 * resampling (each output pixel averages its whole source footprint, as Pillow does), e.g. the
 * 96×96 CarRacing frame to the 64×64 the VAE takes.
 */
export class ResizeObservation extends Wrapper<Uint8Array> {
  private readonly space: Box;
  private readonly inH: number;
  private readonly inW: number;
  private readonly channels: number;

  constructor(env: Env<Uint8Array, any>, options: ResizeOptions = {}) {
    super(env);
    const height = options.height ?? 64;
    const width = options.width ?? 64;
    if (!Number.isInteger(height) || !Number.isInteger(width) || height <= 0 || width <= 0) {
      throw new Error(`ResizeObservation needs positive integer sizes, got ${height}×${width}`);
    }
    const shape = env.observationSpace.shape;
    if (shape.length !== 3 || env.observationSpace.dtype !== 'uint8') {
      throw new Error(`ResizeObservation needs uint8 [H, W, C] observations, got ${env.observationSpace.toString()}`);
    }
    this.inH = shape[0]!;
    this.inW = shape[1]!;
    this.channels = shape[2]!;
    this.space = new Box({ low: 0, high: 255, shape: [height, width, this.channels], dtype: 'uint8' });
  }

  override get observationSpace(): Box {
    return this.space;
  }

  /** The resized copy of one frame. */
  observation(frame: Uint8Array): Uint8Array {
    const [h, w] = this.space.shape as [number, number, number];
    return resizeBilinear(frame, this.inH, this.inW, this.channels, h, w);
  }

  override reset(options?: { seed?: number }): ResetResult<Uint8Array> {
    const r = this.env.reset(options) as ResetResult<Uint8Array>;
    return { ...r, observation: this.observation(r.observation) };
  }

  override step(action: Float32Array | number[] | number): StepResult<Uint8Array> {
    const r = this.env.step(action) as StepResult<Uint8Array>;
    return { ...r, observation: this.observation(r.observation) };
  }
}
