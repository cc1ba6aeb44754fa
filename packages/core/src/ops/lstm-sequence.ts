import * as tf from '@tensorflow/tfjs-core';

/** Kernel a backend may register to run the whole forward recurrence in one call. */
export const LSTM_SEQUENCE_KERNEL = 'WorldModelsLSTMSequence';
/** Kernel a backend may register to run backpropagation through time in one call. */
export const LSTM_SEQUENCE_GRAD_KERNEL = 'WorldModelsLSTMSequenceGrad';

export interface LSTMSequenceOptions {
  /** Added to the forget gate's pre-activation (TF1 BasicLSTMCell `forget_bias`). Default 1. */
  forgetBias?: number;
  /**
   * [B, T] multiplier applied to h and c before step t: 1 keeps the state, 0 resets it to zero
   * (episode restarts). No gradient flows into it.
   */
  keep?: tf.Tensor2D;
  /**
   * 'auto' (default) runs the backend's fused kernels when it registers them, else composed
   * tfjs ops; 'composed' always uses the composed ops.
   */
  implementation?: 'auto' | 'composed';
}

export interface LSTMSequenceResult {
  /** Hidden output of every step, [B, T, H]. */
  hs: tf.Tensor3D;
  /** Final hidden output, [B, H]. */
  h: tf.Tensor2D;
  /** Final cell state, [B, H]. */
  c: tf.Tensor2D;
}

/**
 * Tensors the forward pass keeps for backpropagation (same layout for the fused kernel and the
 * composed ops): `out` [B, T + 1, H] holds h_1..h_T then c_T; `gates` [B, T, 4H] the gate
 * activations σ(i), tanh(j), σ(f + forgetBias), σ(o); `cells` [B, T, H] the cell states c_1..c_T.
 */
interface ForwardResult {
  out: tf.Tensor3D;
  gates: tf.Tensor3D;
  cells: tf.Tensor3D;
}

/** Gradients for x, kernel, bias, h0, c0. */
type Grads = [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];

/**
 * An LSTM over a whole batch-major sequence, as one differentiable op. The cell is TF1's
 * BasicLSTMCell (Hochreiter & Schmidhuber 1997 with Gers et al.'s forget gate), the cell of the
 * MDN-RNN (packages/mdn-rnn/src/lstm-cell.ts), with the same weight layout:
 *   [i, j, f, o] = split([x_t, h] · kernel + bias, 4)     kernel [I + H, 4H], rows x then h
 *   c' = c · σ(f + forgetBias) + σ(i) · tanh(j)
 *   h' = tanh(c') · σ(o)
 * x [B, T, I], h0 and c0 [B, H]. The backward pass over all steps is one op too (`tf.customGrad`);
 * both directions run as one kernel call each on backends that register
 * {@link LSTM_SEQUENCE_KERNEL} / {@link LSTM_SEQUENCE_GRAD_KERNEL} (the native backend), and as
 * composed tfjs ops elsewhere.
 */
export function lstmSequence(
  x: tf.Tensor3D,
  kernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  h0: tf.Tensor2D,
  c0: tf.Tensor2D,
  options: LSTMSequenceOptions = {},
): LSTMSequenceResult {
  const forgetBias = options.forgetBias ?? 1;
  const keep = options.keep;
  checkShapes(x, kernel, bias, h0, c0, keep, forgetBias);
  const [B, T] = x.shape;
  const H = h0.shape[1];
  const fused = options.implementation !== 'composed' && hasKernels();
  const attrs = { forgetBias };

  const op = tf.customGrad(((...args: unknown[]) => {
    const save = args[args.length - 1] as tf.GradSaveFunc;
    const [xi, ki, bi, hi, ci, mi] = args.slice(0, -1) as [tf.Tensor3D, tf.Tensor2D, tf.Tensor1D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D?];
    const fwd = fused ? forwardKernel(xi, ki, bi, hi, ci, mi, attrs) : forwardComposed(xi, ki, bi, hi, ci, mi, forgetBias);
    save([xi, ki, hi, ci, fwd.out, fwd.gates, fwd.cells, ...(mi ? [mi] : [])]);
    return {
      value: fwd.out,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sk, sh, sc, out, gates, cells, sm] = saved as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor3D, tf.Tensor3D, tf.Tensor3D, tf.Tensor2D?];
        const grads = fused
          ? backwardKernel(dy as tf.Tensor3D, sx, sk, sh, sc, sm, out, gates, cells, attrs)
          : backwardComposed(dy as tf.Tensor3D, sx, sk, sh, sc, sm, out, gates, cells);
        return sm ? [...grads, tf.zerosLike(sm)] : grads;
      },
    };
  }) as unknown as Parameters<typeof tf.customGrad>[0]) as (...xs: tf.Tensor[]) => tf.Tensor;

  return tf.tidy(() => {
    const packed = op(...[x, kernel, bias, h0, c0, ...(keep ? [keep] : [])]) as tf.Tensor3D; // [B, T + 1, H]
    return {
      hs: tf.slice(packed, [0, 0, 0], [B, T, H]) as tf.Tensor3D, // [B, T, H]
      h: tf.reshape(tf.slice(packed, [0, T - 1, 0], [B, 1, H]), [B, H]) as tf.Tensor2D,
      c: tf.reshape(tf.slice(packed, [0, T, 0], [B, 1, H]), [B, H]) as tf.Tensor2D,
    };
  });
}

/** True when the active backend registers both fused kernels. */
export function hasLSTMSequenceKernels(): boolean {
  return hasKernels();
}

function hasKernels(): boolean {
  const backend = tf.getBackend();
  return tf.getKernel(LSTM_SEQUENCE_KERNEL, backend) !== undefined && tf.getKernel(LSTM_SEQUENCE_GRAD_KERNEL, backend) !== undefined;
}

function checkShapes(x: tf.Tensor, kernel: tf.Tensor, bias: tf.Tensor, h0: tf.Tensor, c0: tf.Tensor, keep: tf.Tensor | undefined, forgetBias: number): void {
  const s = (t: tf.Tensor) => `[${t.shape.join(', ')}]`;
  if (x.rank !== 3 || x.shape[1]! < 1) throw new Error(`lstmSequence needs x of shape [B, T, I] with T ≥ 1, got ${s(x)}`);
  const [B, T, I] = x.shape as [number, number, number];
  if (h0.rank !== 2 || h0.shape[0] !== B) throw new Error(`lstmSequence needs h0 of shape [${B}, H], got ${s(h0)}`);
  const H = h0.shape[1]!;
  if (c0.rank !== 2 || c0.shape[0] !== B || c0.shape[1] !== H) throw new Error(`lstmSequence needs c0 of shape [${B}, ${H}] like h0, got ${s(c0)}`);
  if (kernel.rank !== 2 || kernel.shape[0] !== I + H || kernel.shape[1] !== 4 * H) {
    throw new Error(`lstmSequence needs kernel of shape [I + H, 4H] = [${I + H}, ${4 * H}], got ${s(kernel)}`);
  }
  if (bias.rank !== 1 || bias.shape[0] !== 4 * H) throw new Error(`lstmSequence needs bias of shape [${4 * H}], got ${s(bias)}`);
  if (keep && (keep.rank !== 2 || keep.shape[0] !== B || keep.shape[1] !== T)) throw new Error(`lstmSequence needs keep of shape [${B}, ${T}], got ${s(keep)}`);
  for (const [name, t] of [['x', x], ['kernel', kernel], ['bias', bias], ['h0', h0], ['c0', c0], ['keep', keep]] as const) {
    if (t && t.dtype !== 'float32') throw new Error(`lstmSequence needs float32 tensors, ${name} is ${t.dtype}`);
  }
  if (!Number.isFinite(forgetBias)) throw new Error(`lstmSequence forgetBias must be a finite number, got ${forgetBias}`);
}

function kernelInputs(named: Record<string, tf.Tensor | undefined>): tf.NamedTensorMap {
  const out: tf.NamedTensorMap = {};
  for (const [k, v] of Object.entries(named)) if (v) out[k] = v;
  return out;
}

function forwardKernel(x: tf.Tensor3D, kernel: tf.Tensor2D, bias: tf.Tensor1D, h0: tf.Tensor2D, c0: tf.Tensor2D, keep: tf.Tensor2D | undefined, attrs: { forgetBias: number }): ForwardResult {
  const outs = tf.engine().runKernel(LSTM_SEQUENCE_KERNEL, kernelInputs({ x, kernel, bias, h0, c0, keep }), attrs) as tf.Tensor[];
  const [out, gates, cells] = outs as [tf.Tensor3D, tf.Tensor3D, tf.Tensor3D];
  return { out, gates, cells };
}

function backwardKernel(
  dy: tf.Tensor3D, x: tf.Tensor3D, kernel: tf.Tensor2D, h0: tf.Tensor2D, c0: tf.Tensor2D, keep: tf.Tensor2D | undefined,
  out: tf.Tensor3D, gates: tf.Tensor3D, cells: tf.Tensor3D, attrs: { forgetBias: number },
): Grads {
  const grads = tf.engine().runKernel(LSTM_SEQUENCE_GRAD_KERNEL, kernelInputs({ dy, x, kernel, h0, c0, keep, out, gates, cells }), attrs) as tf.Tensor[];
  return grads as Grads;
}

/** The forward recurrence in composed tfjs ops (any backend). */
function forwardComposed(x: tf.Tensor3D, kernel: tf.Tensor2D, bias: tf.Tensor1D, h0: tf.Tensor2D, c0: tf.Tensor2D, keep: tf.Tensor2D | undefined, forgetBias: number): ForwardResult {
  const [B, T, I] = x.shape;
  const H = h0.shape[1];
  const wx = tf.slice(kernel, [0, 0], [I, 4 * H]); // [I, 4H]
  const wh = tf.slice(kernel, [I, 0], [H, 4 * H]); // [H, 4H]
  const proj = tf.reshape(tf.add(tf.matMul(tf.reshape(x, [B * T, I]), wx), bias), [B, T, 4 * H]); // [B, T, 4H]
  const projSteps = tf.unstack(proj, 1) as tf.Tensor2D[]; // T × [B, 4H]
  const keepSteps = keep ? tf.split(keep, T, 1) : null; // T × [B, 1]
  let h: tf.Tensor = h0;
  let c: tf.Tensor = c0;
  const hs: tf.Tensor[] = [];
  const acts: tf.Tensor[] = [];
  const cells: tf.Tensor[] = [];
  for (let t = 0; t < T; t++) {
    if (keepSteps) {
      h = tf.mul(h, keepSteps[t]!);
      c = tf.mul(c, keepSteps[t]!);
    }
    const pre = tf.add(projSteps[t]!, tf.matMul(h, wh)); // [B, 4H]
    const [pi, pj, pf, po] = tf.split(pre, 4, 1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor]; // 4 × [B, H]
    const i = tf.sigmoid(pi);
    const j = tf.tanh(pj);
    const f = tf.sigmoid(tf.add(pf, forgetBias));
    const o = tf.sigmoid(po);
    c = tf.add(tf.mul(c, f), tf.mul(i, j)); // [B, H]
    h = tf.mul(tf.tanh(c), o); // [B, H]
    acts.push(tf.concat([i, j, f, o], 1));
    cells.push(c);
    hs.push(h);
  }
  return {
    out: tf.stack([...hs, c], 1) as tf.Tensor3D, // [B, T + 1, H]
    gates: tf.stack(acts, 1) as tf.Tensor3D, // [B, T, 4H]
    cells: tf.stack(cells, 1) as tf.Tensor3D, // [B, T, H]
  };
}

/**
 * Backpropagation through time in composed tfjs ops. With c' = c·f + i·j and h' = tanh(c')·o:
 *   dc = dc' + dh'·o·(1 − tanh²c'),  d(pre-i) = dc·j·i(1 − i),  d(pre-j) = dc·i·(1 − j²),
 *   d(pre-f) = dc·c·f(1 − f),  d(pre-o) = dh'·tanh c'·o(1 − o),  dc_prev = dc·f,  dh_prev = dG·W_hᵀ;
 * weight gradients summed over all steps with one product at the end.
 */
function backwardComposed(
  dy: tf.Tensor3D, x: tf.Tensor3D, kernel: tf.Tensor2D, h0: tf.Tensor2D, c0: tf.Tensor2D, keep: tf.Tensor2D | undefined,
  out: tf.Tensor3D, gates: tf.Tensor3D, cells: tf.Tensor3D,
): Grads {
  const [B, T, I] = x.shape;
  const H = h0.shape[1];
  const wx = tf.slice(kernel, [0, 0], [I, 4 * H]); // [I, 4H]
  const wh = tf.slice(kernel, [I, 0], [H, 4 * H]); // [H, 4H]
  const dhSteps = tf.unstack(tf.slice(dy, [0, 0, 0], [B, T, H]), 1); // T × [B, H]
  const gateSteps = tf.unstack(gates, 1); // T × [B, 4H]
  const cellSteps = tf.unstack(cells, 1); // T × [B, H]
  const hSteps = tf.unstack(tf.slice(out, [0, 0, 0], [B, T, H]), 1); // T × [B, H]
  const keepSteps = keep ? tf.split(keep, T, 1) : null; // T × [B, 1]
  const masked = (v: tf.Tensor, t: number) => (keepSteps ? tf.mul(v, keepSteps[t]!) : v);
  let dhNext: tf.Tensor = tf.zeros([B, H]);
  let dcNext: tf.Tensor = tf.reshape(tf.slice(dy, [0, T, 0], [B, 1, H]), [B, H]);
  const dGs: tf.Tensor[] = new Array(T);
  const hPrev: tf.Tensor[] = new Array(T);
  for (let t = T - 1; t >= 0; t--) {
    const [i, j, f, o] = tf.split(gateSteps[t]!, 4, 1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    const tc = tf.tanh(cellSteps[t]!);
    const cPrev = masked(t > 0 ? cellSteps[t - 1]! : c0, t);
    hPrev[t] = masked(t > 0 ? hSteps[t - 1]! : h0, t);
    const dh = tf.add(dhSteps[t]!, dhNext);
    const dc = tf.add(dcNext, tf.mul(tf.mul(dh, o), tf.sub(1, tf.square(tc))));
    const dI = tf.mul(tf.mul(dc, j), tf.mul(i, tf.sub(1, i)));
    const dJ = tf.mul(tf.mul(dc, i), tf.sub(1, tf.square(j)));
    const dF = tf.mul(tf.mul(dc, cPrev), tf.mul(f, tf.sub(1, f)));
    const dO = tf.mul(tf.mul(dh, tc), tf.mul(o, tf.sub(1, o)));
    const dG = tf.concat([dI, dJ, dF, dO], 1); // [B, 4H]
    dGs[t] = dG;
    dhNext = masked(tf.matMul(dG, wh, false, true), t); // [B, H]
    dcNext = masked(tf.mul(dc, f), t); // [B, H]
  }
  const dGAll = tf.reshape(tf.stack(dGs, 1), [B * T, 4 * H]); // [B·T, 4H]
  const xh = tf.concat([tf.reshape(x, [B * T, I]), tf.reshape(tf.stack(hPrev, 1), [B * T, H])], 1); // [B·T, I + H]
  const dKernel = tf.matMul(xh, dGAll, true, false); // [I + H, 4H]
  const dBias = tf.sum(dGAll, 0); // [4H]
  const dx = tf.reshape(tf.matMul(dGAll, wx, false, true), [B, T, I]); // [B, T, I]
  return [dx, dKernel, dBias, dhNext, dcNext];
}
