/**
 * Geometry of the sub-pixel (polyphase) form of a strided transposed convolution along one axis.
 *
 * The forward conv reads padded row u = o·s + k (output row o, tap k < K, stride s, dilation 1).
 * Its input gradient at padded row u = q·s + r (phase r < s) gathers the taps k = r + s·m with
 * o = q − m, so each phase is a stride-1 correlation of dy with ⌈K/s⌉ taps of the filter. All s
 * phases run as one stride-1 conv whose output channels hold the phases; interleaving them
 * (depth-to-space) and cropping to the unpadded rows gives dx. This avoids the s-fold zero
 * insertion of the textbook "dilate dy, then convolve" form. See Shi et al. 2016, "Is the
 * deconvolution layer the same as a convolutional layer?" (arXiv:1609.07009).
 */
export interface SubpixelAxis {
  /** Taps per phase, ⌈K/s⌉. */
  taps: number;
  /** Zero rows to pad dy with before the first row. */
  padBefore: number;
  /** Zero rows to pad dy with after the last row. */
  padAfter: number;
  /** Rows the stride-1 conv produces (before interleaving). */
  convOut: number;
  /** First interleaved row that is dx row 0. */
  cropStart: number;
}

/**
 * @param filterSize K, taps of the forward filter along this axis
 * @param stride s
 * @param padStart rows of zero padding the forward conv put before the input
 * @param inSize rows of the forward conv's input (dx)
 * @param outSize rows of the forward conv's output (dy)
 */
export function subpixelAxis(filterSize: number, stride: number, padStart: number, inSize: number, outSize: number): SubpixelAxis {
  const taps = Math.ceil(filterSize / stride);
  const firstBlock = Math.floor(padStart / stride); // block q holding padded row padStart (= dx row 0)
  const lastBlock = Math.floor((padStart + inSize - 1) / stride);
  const blocks = lastBlock - firstBlock + 1;
  // Phase conv output p reads dy rows p − padBefore + t (t < taps) and is block q = p − padBefore + taps − 1.
  const wantedPadBefore = taps - 1 - firstBlock;
  const padBefore = Math.max(0, wantedPadBefore);
  const firstOut = padBefore - wantedPadBefore; // conv output index of firstBlock
  const padAfter = Math.max(0, firstOut + blocks + taps - 1 - outSize - padBefore);
  const convOut = outSize + padBefore + padAfter - taps + 1;
  const cropStart = firstOut * stride + (padStart - firstBlock * stride);
  return { taps, padBefore, padAfter, convOut, cropStart };
}
