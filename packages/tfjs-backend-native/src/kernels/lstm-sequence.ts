import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeKernelSpec } from './kernel.js';
import { allocF32, allFloat32, f32 } from './util.js';

/**
 * The fused kernels behind `lstmSequence` of @worldmodels/core (names shared with
 * packages/core/src/ops/lstm-sequence.ts): the whole forward recurrence in one call
 * (native/lstm_sequence.h: one GEMM for every step's input projection, then per step one
 * [B, H]·[H, 4H] GEMM and one fused gate loop), and backpropagation through time in one call.
 *
 * Forward inputs x [B, T, I], kernel [I + H, 4H], bias [4H], h0, c0 [B, H], keep? [B, T];
 * outputs out [B, T + 1, H] (h_1..h_T, c_T), gates [B, T, 4H], cells [B, T, H].
 */
export const LSTM_SEQUENCE_KERNEL = 'WorldModelsLSTMSequence';
export const LSTM_SEQUENCE_GRAD_KERNEL = 'WorldModelsLSTMSequenceGrad';

function dims(x: TensorInfo, h0: TensorInfo): [number, number, number, number] {
  const [B, T, I] = x.shape as [number, number, number];
  return [B, T, I, h0.shape[1]!];
}

function requireFloat32(name: string, ...ts: (TensorInfo | undefined)[]): void {
  if (!allFloat32(...ts)) throw new Error(`${name}: every input must be float32`);
}

export const lstmSequenceKernel: NativeKernelSpec = {
  kernelName: LSTM_SEQUENCE_KERNEL,
  impl: ({ inputs, backend, attrs }, addon) => {
    const { x, kernel, bias, h0, c0, keep } = inputs as Record<string, TensorInfo | undefined>;
    if (!x || !kernel || !bias || !h0 || !c0) throw new Error(`${LSTM_SEQUENCE_KERNEL}: needs inputs x, kernel, bias, h0, c0`);
    requireFloat32(LSTM_SEQUENCE_KERNEL, x, kernel, bias, h0, c0, keep);
    const [B, T, I, H] = dims(x, h0);
    const out = allocF32(backend, B * (T + 1) * H); // [B, T + 1, H]
    const gates = allocF32(backend, B * T * 4 * H); // [B, T, 4H]
    const cells = allocF32(backend, B * T * H); // [B, T, H]
    addon.lstmSequence(
      f32(backend, x), f32(backend, kernel), f32(backend, bias), f32(backend, h0), f32(backend, c0),
      keep ? f32(backend, keep) : null, out, gates, cells, B, T, I, H, Number(attrs.forgetBias ?? 1),
    );
    return [
      backend.makeTensorInfo([B, T + 1, H], 'float32', out),
      backend.makeTensorInfo([B, T, 4 * H], 'float32', gates),
      backend.makeTensorInfo([B, T, H], 'float32', cells),
    ];
  },
};

/** Inputs dy [B, T + 1, H] and the forward's inputs and outputs; outputs dx, dkernel, dbias, dh0, dc0. */
export const lstmSequenceGradKernel: NativeKernelSpec = {
  kernelName: LSTM_SEQUENCE_GRAD_KERNEL,
  impl: ({ inputs, backend }, addon) => {
    const { dy, x, kernel, h0, c0, keep, out, gates, cells } = inputs as Record<string, TensorInfo | undefined>;
    if (!dy || !x || !kernel || !h0 || !c0 || !out || !gates || !cells) {
      throw new Error(`${LSTM_SEQUENCE_GRAD_KERNEL}: needs inputs dy, x, kernel, h0, c0, out, gates, cells`);
    }
    requireFloat32(LSTM_SEQUENCE_GRAD_KERNEL, dy, x, kernel, h0, c0, keep, out, gates, cells);
    const [B, T, I, H] = dims(x, h0);
    const dx = allocF32(backend, B * T * I);
    const dKernel = allocF32(backend, (I + H) * 4 * H);
    const dBias = allocF32(backend, 4 * H);
    const dh0 = allocF32(backend, B * H);
    const dc0 = allocF32(backend, B * H);
    addon.lstmSequenceGrad(
      f32(backend, dy), f32(backend, x), f32(backend, kernel), f32(backend, h0), f32(backend, c0),
      keep ? f32(backend, keep) : null, f32(backend, out), f32(backend, gates), f32(backend, cells),
      dx, dKernel, dBias, dh0, dc0, B, T, I, H,
    );
    return [
      backend.makeTensorInfo([B, T, I], 'float32', dx),
      backend.makeTensorInfo([I + H, 4 * H], 'float32', dKernel),
      backend.makeTensorInfo([4 * H], 'float32', dBias),
      backend.makeTensorInfo([B, H], 'float32', dh0),
      backend.makeTensorInfo([B, H], 'float32', dc0),
    ];
  },
};
