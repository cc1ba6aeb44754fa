import { backend_util, type KernelConfig, type KernelFunc, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';

/**
 * tfjs-backend-wasm 4.22 hands 'same' padding to XNNPACK as its TensorFlow-SAME flag, which
 * gives wrong results when a filter side is 1 and that side's stride is 2 (e.g. a [1, 3] filter,
 * strides [2, 1], even input height): every output differs from the cpu backend. Explicit
 * padding is computed correctly, so this wrapper turns 'same' into the explicit
 * `[[0, 0], [top, bottom], [left, right], [0, 0]]` that `computeConv2DInfo` derives (TensorFlow's
 * rule: the odd pixel goes bottom/right) and calls the backend's own kernel.
 */
export function withExplicitSamePadding(original: KernelConfig, depthwise: boolean): KernelConfig {
  const kernelFunc = (args: Parameters<KernelFunc>[0]): TensorInfo | TensorInfo[] => {
    const { inputs, attrs } = args;
    if (attrs?.['pad'] !== 'same') return original.kernelFunc(args);
    const x = inputs['x'];
    const filter = inputs['filter'];
    if (x === undefined || filter === undefined) throw new Error(`${original.kernelName} (wasm) needs inputs x and filter`);
    const a = attrs as unknown as {
      strides: [number, number] | number;
      dilations?: [number, number] | number;
      dimRoundingMode?: 'floor' | 'round' | 'ceil';
      dataFormat?: 'NHWC' | 'NCHW';
    };
    const info = backend_util.computeConv2DInfo(
      x.shape as [number, number, number, number], filter.shape as [number, number, number, number], a.strides, a.dilations ?? 1,
      'same', a.dimRoundingMode, depthwise, backend_util.convertConv2DDataFormat(a.dataFormat ?? 'NHWC'));
    const { top, bottom, left, right } = info.padInfo;
    const explicit: NamedAttrMap = { ...attrs, pad: [[0, 0], [top, bottom], [left, right], [0, 0]] } as unknown as NamedAttrMap;
    return original.kernelFunc({ ...args, attrs: explicit });
  };
  const config: KernelConfig = { kernelName: original.kernelName, backendName: 'wasm', kernelFunc: kernelFunc as KernelFunc };
  // The original's setup binds its wasm export; keep it so a backend initialised later still runs it.
  if (original.setupFunc !== undefined) config.setupFunc = original.setupFunc;
  return config;
}
