import { resolveGatedConfig, type GatedPixelCNNConfig } from './config.js';

/**
 * Which input pixels one output pixel of a Gated PixelCNN can depend on. The output at pixel
 * (i, j) sees rows i − rowsAbove … i − 1 over columns j − halfWidth … j + halfWidth, the current
 * row's columns j − halfWidth … j − 1, and the earlier channels of (i, j) itself (clipped at the
 * image border, which the network sees as zero padding).
 */
export interface ReceptiveField {
  /** Rows above the current pixel that it sees. */
  rowsAbove: number;
  /** Columns seen on each side in the rows above, and to the left in the current row. */
  halfWidth: number;
}

/**
 * The receptive field of a Gated PixelCNN config. With a = ⌊k₀/2⌋ (first kernel), b = ⌊k/2⌋
 * (later kernels) and L layers: the vertical stack's input is shifted down one row and convolved
 * ⌈k₀/2⌉ rows × k₀ columns, each later layer adds b rows above and b columns on each side, so after
 * L layers it covers a + 1 + (L − 1)·b rows above, ± (a + (L − 1)·b) columns. The horizontal stack
 * reaches a + (L − 1)·b columns to the left in the current row; its links to the vertical stack at
 * the columns it passes stay inside the vertical stack's box. A decoder whose field is small
 * against the image cannot tell where it is on the image (the conditioning vector is added the
 * same at every position), which is what the Variational Lossy Autoencoder (Chen et al. 2017)
 * relies on to push global structure into the latent.
 */
export function receptiveField(options: Partial<GatedPixelCNNConfig> = {}): ReceptiveField {
  const c = resolveGatedConfig(options);
  const a = (c.firstKernelSize - 1) / 2;
  const b = (c.kernelSize - 1) / 2;
  return { rowsAbove: a + 1 + (c.layers - 1) * b, halfWidth: a + (c.layers - 1) * b };
}
