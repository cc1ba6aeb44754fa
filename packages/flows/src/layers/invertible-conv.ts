import * as tf from '@tensorflow/tfjs-core';
import { type Matrix, invertLower, invertUpper, luDecompose, matmul, matrix, randomOrthogonal } from '../linalg/lu.js';
import type { ParamStore } from '../params.js';
import { type FlowContext, type FlowLayer, type FlowResult, checkInput } from './flow-layer.js';

/**
 * Invertible 1×1 convolution, LU-parametrised (Glow §3.2, eq. 10): W = P·L·(U + diag(sign·exp(log|s|))),
 * with P a fixed permutation, L unit lower triangular, U strictly upper triangular. Each pixel's
 * channel vector is multiplied by W (y = x·W as a row vector, the `[1, 1, C, C]` kernel of a
 * convolution), so log|det| = H·W·Σ log|s| with no determinant to compute. Initialised as a
 * random rotation (log-det 0). The inverse W⁻¹ = (U + diag s)⁻¹·L⁻¹·Pᵀ comes from triangular
 * solves in Float64 (the reverse direction is for sampling and encoding, not for training).
 */
export class InvertibleConv1x1 implements FlowLayer {
  readonly lower: tf.Variable; // [C, C], only the strictly lower part is used
  readonly upper: tf.Variable; // [C, C], only the strictly upper part is used
  readonly logAbsS: tf.Variable; // [C]
  readonly perm: tf.Tensor2D; // [C, C] fixed
  readonly signS: tf.Tensor1D; // [C] fixed
  private readonly lowerMask: tf.Tensor2D;
  private readonly upperMask: tf.Tensor2D;
  private readonly eye: tf.Tensor2D;

  constructor(readonly name: string, readonly channels: number, params: ParamStore) {
    const c = channels;
    const rot = randomOrthogonal(c, () => params.rng.normal(0, 1));
    const { p, l, u } = luDecompose(rot);
    const s = Array.from({ length: c }, (_, i) => u.data[i * c + i]!);
    const strictUpper = matrix(c, u.data);
    for (let i = 0; i < c; i++) strictUpper.data[i * c + i] = 0;
    const strictLower = matrix(c, l.data);
    for (let i = 0; i < c; i++) strictLower.data[i * c + i] = 0;
    this.lower = params.variable(`${name}/lower`, tf.tensor2d(Float32Array.from(strictLower.data), [c, c]));
    this.upper = params.variable(`${name}/upper`, tf.tensor2d(Float32Array.from(strictUpper.data), [c, c]));
    this.logAbsS = params.variable(`${name}/log_abs_s`, tf.tensor1d(s.map((v) => Math.log(Math.abs(v)))));
    // P and sign(s) are fixed; they are rebuilt from the seed, and also saved so a checkpoint is
    // self-contained (non-trainable variables).
    this.perm = params.variable(`${name}/perm`, tf.tensor2d(Float32Array.from(p.data), [c, c]), false) as unknown as tf.Tensor2D;
    this.signS = params.variable(`${name}/sign_s`, tf.tensor1d(s.map((v) => Math.sign(v))), false) as unknown as tf.Tensor1D;
    const lm = new Float32Array(c * c);
    for (let i = 0; i < c; i++) for (let j = 0; j < i; j++) lm[i * c + j] = 1;
    this.lowerMask = tf.keep(tf.tensor2d(lm, [c, c]));
    this.upperMask = tf.keep(tf.transpose(this.lowerMask));
    this.eye = tf.keep(tf.eye(c) as tf.Tensor2D);
  }

  /** The assembled W = P·L·(U + diag(s)), [C, C]. */
  weight(): tf.Tensor2D {
    return tf.tidy(() => {
      const l = tf.add(tf.mul(this.lower, this.lowerMask), this.eye) as tf.Tensor2D; // [C, C]
      const s = tf.mul(this.signS, tf.exp(this.logAbsS)); // [C]
      // diag(s) as I·s (tf.diag has no gradient).
      const u = tf.add(tf.mul(this.upper, this.upperMask), tf.mul(this.eye, s)) as tf.Tensor2D; // [C, C]
      return tf.matMul(this.perm, tf.matMul(l, u));
    });
  }

  /** W⁻¹ via triangular solves in Float64, [C, C]. */
  inverseWeight(): tf.Tensor2D {
    const c = this.channels;
    const lv = this.lower.dataSync();
    const uv = this.upper.dataSync();
    const ls = this.logAbsS.dataSync();
    const sg = this.signS.dataSync();
    const pv = this.perm.dataSync();
    const l = matrix(c);
    const u = matrix(c);
    for (let i = 0; i < c; i++) {
      for (let j = 0; j < c; j++) {
        if (j < i) l.data[i * c + j] = lv[i * c + j]!;
        if (j > i) u.data[i * c + j] = uv[i * c + j]!;
      }
      l.data[i * c + i] = 1;
      u.data[i * c + i] = sg[i]! * Math.exp(ls[i]!);
    }
    const pT: Matrix = matrix(c);
    for (let i = 0; i < c; i++) for (let j = 0; j < c; j++) pT.data[j * c + i] = pv[i * c + j]!;
    const inv = matmul(matmul(invertUpper(u), invertLower(l)), pT);
    return tf.tensor2d(Float32Array.from(inv.data), [c, c]);
  }

  apply(x: tf.Tensor4D, logdet: tf.Tensor1D, reverse: boolean, _ctx: FlowContext): FlowResult {
    checkInput(this.name, x, this.channels);
    return tf.tidy(() => {
      const [b, h, w, c] = x.shape;
      const dlogdet = tf.mul(tf.sum(this.logAbsS), h * w); // []
      const flat = tf.reshape(x, [b * h * w, c]) as tf.Tensor2D; // [B·H·W, C]
      const kernel = reverse ? this.inverseWeight() : this.weight(); // [C, C]
      const y = tf.reshape(tf.matMul(flat, kernel), [b, h, w, c]) as tf.Tensor4D; // [B, H, W, C]
      return { y, logdet: (reverse ? tf.sub(logdet, dlogdet) : tf.add(logdet, dlogdet)) as tf.Tensor1D };
    });
  }

  dispose(): void {
    this.lowerMask.dispose();
    this.upperMask.dispose();
    this.eye.dispose();
  }
}
