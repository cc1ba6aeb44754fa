import * as tf from '@tensorflow/tfjs-core';

/** LSTM state: hidden output h and cell c, each [B, H]. */
export type LSTMState = {
  h: tf.Tensor2D;
  c: tf.Tensor2D;
};

/**
 * The cell update with a hand-written gradient, returning [h' | c'] as one [B, 2H] tensor. One
 * fused backward step instead of the dozen small ops (and the slice/pad pairs of the gate split)
 * that automatic differentiation would record for every time step.
 */
function makeFusedCell(forgetBias: number) {
  type CellFn = (gatesIn: tf.Tensor, c: tf.Tensor, save: tf.GradSaveFunc) => { value: tf.Tensor; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] };
  const cell: CellFn = (gatesIn, c, save) => {
    const [B, H4] = gatesIn.shape as [number, number];
    const H = H4 / 4;
    const gate = (g: number) => tf.slice(gatesIn, [0, g * H], [B, H]); // [B, H]
    const i = tf.sigmoid(gate(0));
    const j = tf.tanh(gate(1));
    const f = tf.sigmoid(tf.add(gate(2), forgetBias));
    const o = tf.sigmoid(gate(3));
    const cNext = tf.add(tf.mul(c, f), tf.mul(i, j)); // [B, H]
    const tc = tf.tanh(cNext);
    const hNext = tf.mul(tc, o); // [B, H]
    save([i, j, f, o, c, tc]);
    return {
      value: tf.concat([hNext, cNext], 1), // [B, 2H]
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [si, sj, sf, so, sc, stc] = saved as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
        const dh = tf.slice(dy, [0, 0], [B, H]);
        const dcOut = tf.slice(dy, [0, H], [B, H]);
        // c' = c·f + i·j, h' = tanh(c')·o
        const dc = tf.add(dcOut, tf.mul(tf.mul(dh, so), tf.sub(1, tf.square(stc)))); // dL/dc'
        const dPreI = tf.mul(tf.mul(dc, sj), tf.mul(si, tf.sub(1, si)));
        const dPreJ = tf.mul(tf.mul(dc, si), tf.sub(1, tf.square(sj)));
        const dPreF = tf.mul(tf.mul(dc, sc), tf.mul(sf, tf.sub(1, sf)));
        const dPreO = tf.mul(tf.mul(dh, stc), tf.mul(so, tf.sub(1, so)));
        return [tf.concat([dPreI, dPreJ, dPreF, dPreO], 1), tf.mul(dc, sf)];
      },
    };
  };
  return tf.customGrad(cell as unknown as Parameters<typeof tf.customGrad>[0]) as (gatesIn: tf.Tensor, c: tf.Tensor) => tf.Tensor;
}

const fusedCells = new Map<number, ReturnType<typeof makeFusedCell>>();

/**
 * One step of TF1's BasicLSTMCell / LayerNormBasicLSTMCell without layer norm or dropout (the
 * reference's cell; Hochreiter & Schmidhuber 1997 with Gers et al.'s forget gate):
 *   [i, j, f, o] = split(gatesIn, 4)          gatesIn = [x, h] · W + b, columns in that order
 *   c' = c · σ(f + forgetBias) + σ(i) · tanh(j)
 *   h' = tanh(c') · σ(o)
 * `gatesIn` is the full pre-activation [B, 4H] (the caller adds x·Wx, h·Wh and b).
 */
export function lstmCellFromGates(gatesIn: tf.Tensor2D, c: tf.Tensor2D, forgetBias: number): LSTMState {
  let cell = fusedCells.get(forgetBias);
  if (!cell) fusedCells.set(forgetBias, (cell = makeFusedCell(forgetBias)));
  return tf.tidy(() => {
    const [B] = gatesIn.shape;
    const H = c.shape[1];
    const hc = cell(gatesIn, c) as tf.Tensor2D; // [B, 2H]
    return { h: tf.slice(hc, [0, 0], [B, H]), c: tf.slice(hc, [0, H], [B, H]) };
  });
}

/**
 * Stacks per-step tensors [B, H] into [B, T, H] with a gradient made of T slices (the built-in
 * stack's gradient is an unstack, which not every backend implements quickly).
 */
export function stackSteps(steps: tf.Tensor2D[]): tf.Tensor3D {
  const stack = (...args: unknown[]) => {
    const xs = args.slice(0, -1) as tf.Tensor2D[];
    const [B, H] = xs[0]!.shape;
    return {
      value: tf.stack(xs, 1), // [B, T, H]
      gradFunc: (dy: tf.Tensor) => xs.map((_, t) => tf.reshape(tf.slice(dy, [0, t, 0], [B, 1, H]), [B, H])),
    };
  };
  const op = tf.customGrad(stack as unknown as Parameters<typeof tf.customGrad>[0]) as (...xs: tf.Tensor[]) => tf.Tensor;
  return op(...steps) as tf.Tensor3D;
}
