import { type KernelBackend, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';
import { withWasmKernelScope } from './wasm-kernel-scope.js';

/**
 * tfjs-backend-wasm 4.22's BatchMatMul and _FusedMatMul run ~10× slower when asked to transpose
 * an operand (transposeA / transposeB) than on plain row-major operands, and every dense layer's
 * backward pass asks for that (dA = dy·Bᵀ, dB = Aᵀ·dy). This wrapper materialises the transpose
 * with the wasm Transpose kernel (one memory pass) and calls the backend's own kernel with
 * transposeA = transposeB = false.
 */
export function withExplicitTranspose(original: KernelConfig): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo | TensorInfo[] => {
    const { inputs, attrs, backend } = args;
    const transposeA = Boolean(attrs?.['transposeA']);
    const transposeB = Boolean(attrs?.['transposeB']);
    if (!transposeA && !transposeB) return original.kernelFunc(args);
    const a = inputs['a'];
    const b = inputs['b'];
    if (a === undefined || b === undefined) throw new Error(`${original.kernelName} (wasm) needs inputs a and b`);
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return original.kernelFunc(args);
    return withWasmKernelScope(backend as KernelBackend, (scope) => {
      const swapLast = (t: TensorInfo) => {
        const perm = t.shape.map((_, i) => i);
        const r = perm.length;
        [perm[r - 2], perm[r - 1]] = [perm[r - 1]!, perm[r - 2]!];
        return scope.transpose(t, perm);
      };
      const plainInputs = { ...inputs, a: transposeA ? swapLast(a) : a, b: transposeB ? swapLast(b) : b };
      const plainAttrs = { ...attrs, transposeA: false, transposeB: false } as NamedAttrMap;
      const out = original.kernelFunc({ ...args, inputs: plainInputs, attrs: plainAttrs });
      const result = Array.isArray(out) ? out[0] : out;
      if (result === undefined) throw new Error(`${original.kernelName} (wasm) returned no output`);
      return scope.adopt(result);
    });
  };
  const config: KernelConfig = { kernelName: original.kernelName, backendName: 'wasm', kernelFunc: kernelFunc as KernelFunc };
  if (original.setupFunc !== undefined) config.setupFunc = original.setupFunc;
  return config;
}
