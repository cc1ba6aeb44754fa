// Runs a fixed sequence of oneDNN convolutions straight on the addon (no TensorFlow.js) and
// returns a checksum per call. As a worker thread it posts the checksums; the concurrency test
// compares them with the same sequence run alone on the main thread.
import { createRequire } from 'node:module';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';

/** Deterministic pseudo-random floats in [-1, 1). */
function fill(n, seed) {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

export function convLoop(addonPath, seed, iterations) {
  const addon = createRequire(import.meta.url)(addonPath);
  const sums = [];
  for (let it = 0; it < iterations; it++) {
    // Alternate shapes so the per-call scratch buffers are resized between calls.
    const [n, h, c, k] = it % 2 === 0 ? [2, 16, 16, 32] : [1, 24, 8, 48];
    const o = h / 2;
    const x = fill(n * h * h * c, seed * 1000 + it);
    const w = fill(4 * 4 * c * k, seed * 7919 + it);
    const y = new Float32Array(n * o * o * k);
    addon.conv2d(x, w, y, Int32Array.from([n, h, h, c, o, o, k, 4, 4, 2, 2, 1, 1, 1, 1, 1, 1]), null, 0, 0);
    const dx = new Float32Array(x.length);
    addon.conv2dBackpropInput(y, w, dx, Int32Array.from([n, h, h, c, o, o, k, 4, 4, 2, 2, 1, 1, 1, 1, 1, 1]));
    let sum = 0;
    for (let i = 0; i < y.length; i++) sum += y[i] * ((i % 13) + 1);
    for (let i = 0; i < dx.length; i++) sum += dx[i] * ((i % 7) + 1);
    sums.push(sum);
  }
  return sums;
}

if (!isMainThread && workerData) parentPort.postMessage(convLoop(workerData.addonPath, workerData.seed, workerData.iterations));
