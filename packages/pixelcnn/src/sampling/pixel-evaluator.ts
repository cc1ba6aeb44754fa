/**
 * Gives a sampler the distribution parameters of one pixel for the current canvas. Samplers call
 * `beginRow(i)` before a row, then `pixel(i, j)` in raster order — once per channel for the
 * softmax output (the canvas gains a channel between calls), once for the mixture.
 */
export interface PixelEvaluator {
  beginRow(row: number): void;
  /** [B · outC] parameters of pixel (row, col), batch-major. */
  pixel(row: number, col: number): Float32Array;
  dispose(): void;
}
