import { backend_util, Einsum, type KernelBackend, type KernelConfig, type KernelFunc, type TensorInfo } from '@tensorflow/tfjs-core';
import { withWasmKernelScope, type WasmKernelScope } from './wasm-kernel-scope.js';

/**
 * Einsum on the wasm backend for what tfjs-core accepts (one or two operands, no repeated or
 * ellipsis labels). Two operands become one BatchMatMul: labels are sorted into batch (both
 * operands and the output), contracted (both, not the output), and free (one operand and the
 * output); labels of one operand only that the output drops are summed away first. So
 * 'bij,bjk->bik' or 'ij,kj->ik' cost one matmul and a few transposes.
 */
function einsum({ inputs, backend, attrs }: Parameters<KernelFunc>[0]): TensorInfo {
  const { equation } = attrs as { equation: string };
  const tensors = Object.keys(inputs)
    .sort((a, b) => Number(a) - Number(b))
    .map((k) => inputs[k]!);
  const { allDims, summedDims, idDims } = backend_util.decodeEinsumEquation(equation, tensors.length);
  backend_util.checkEinsumDimSizes(allDims.length, idDims, tensors as never);
  const outCount = allDims.length - summedDims.length;
  const size = new Map<number, number>();
  tensors.forEach((t, i) => idDims[i]!.forEach((d, j) => size.set(d, t.shape[j]!)));
  const outDims = Array.from({ length: outCount }, (_, i) => i); // output label ids, in output order
  return withWasmKernelScope(backend as KernelBackend, (scope) => {
    if (tensors.length === 1) {
      const reduced = dropLabels(scope, tensors[0]!, idDims[0]!, (d) => d >= outCount);
      return arrange(scope, reduced.tensor, reduced.labels, outDims);
    }
    const [a, b] = [0, 1].map((i) => {
      const other = new Set(idDims[1 - i]!);
      // Labels of this operand alone that the output does not keep are summed now.
      return dropLabels(scope, tensors[i]!, idDims[i]!, (d) => d >= outCount && !other.has(d));
    }) as [Labelled, Labelled];
    const inB = new Set(b.labels);
    const inA = new Set(a.labels);
    const batch = a.labels.filter((d) => inB.has(d) && d < outCount);
    const contracted = a.labels.filter((d) => inB.has(d) && d >= outCount);
    const freeA = a.labels.filter((d) => !inB.has(d));
    const freeB = b.labels.filter((d) => !inA.has(d));
    const count = (labels: number[]) => labels.reduce((n, d) => n * size.get(d)!, 1);
    const left = scope.reshape(arrange(scope, a.tensor, a.labels, [...batch, ...freeA, ...contracted]), [count(batch), count(freeA), count(contracted)]);
    const right = scope.reshape(arrange(scope, b.tensor, b.labels, [...batch, ...contracted, ...freeB]), [count(batch), count(contracted), count(freeB)]);
    const product = scope.batchMatMul(left, right, false, false); // [batch, freeA, freeB]
    const labels = [...batch, ...freeA, ...freeB];
    return arrange(scope, scope.reshape(product, labels.map((d) => size.get(d)!)), labels, outDims);
  });
}

interface Labelled {
  tensor: TensorInfo;
  labels: number[];
}

/** Sums `t` over the axes whose label satisfies `drop`; returns the rest with their labels. */
function dropLabels(scope: WasmKernelScope, t: TensorInfo, labels: number[], drop: (d: number) => boolean): Labelled {
  const axes = labels.flatMap((d, i) => (drop(d) ? [i] : []));
  if (axes.length === 0) return { tensor: t, labels };
  return { tensor: scope.sum(t, axes), labels: labels.filter((d) => !drop(d)) };
}

/** Transposes `t` (axes labelled `labels`) into the order `order` (skipped when already there). */
function arrange(scope: WasmKernelScope, t: TensorInfo, labels: number[], order: number[]): TensorInfo {
  const perm = order.map((d) => labels.indexOf(d));
  if (perm.some((p) => p < 0)) throw new Error(`Einsum (wasm): label ${order[perm.indexOf(-1)]} is missing`);
  return perm.every((p, i) => p === i) ? t : scope.transpose(t, perm);
}

export const einsumWasmConfig: KernelConfig = {
  kernelName: Einsum,
  backendName: 'wasm',
  kernelFunc: einsum as unknown as KernelFunc,
};
