/**
 * Causal masks of the PixelCNN (van den Oord et al. 2016, "Pixel Recurrent Neural Networks",
 * sec. 3.4): sub-pixels are ordered in raster order and, within a pixel, R → G → B. A feature
 * channel belongs to one of G channel groups; at the centre tap, type A lets output group g see
 * input groups < g (first layer: the current sub-pixel itself is hidden) and type B input groups
 * ≤ g (later layers). Taps before the centre (in raster order) see every channel, taps after it
 * nothing.
 */
export type MaskType = 'A' | 'B';

/**
 * The group of channel `index` among `size` channels split into `groups` contiguous blocks
 * (size must be a multiple of groups): with 3 groups and 6 channels → 0 0 1 1 2 2.
 */
export function channelGroup(index: number, size: number, groups: number): number {
  if (size % groups !== 0) throw new Error(`${size} channels cannot be split into ${groups} equal channel groups (R→G→B masks need a multiple of ${groups})`);
  return Math.floor((index * groups) / size);
}

/** Groups of `size` channels in contiguous blocks. */
export function contiguousGroups(size: number, groups: number): number[] {
  return Array.from({ length: size }, (_, i) => channelGroup(i, size, groups));
}

/** Whether input group `gin` may feed output group `gout` at the centre tap. */
export function centreAllowed(gin: number, gout: number, type: MaskType): boolean {
  return type === 'A' ? gin < gout : gin <= gout;
}

/**
 * A kernel mask [kh, kw, in, out] (flat, TensorFlow layout) with the current pixel at tap
 * `centre` = [cy, cx]: taps before it in raster order are 1, taps after it 0, and the centre tap
 * follows the channel rule of `type`.
 */
export function causalKernelMask(kh: number, kw: number, inGroups: readonly number[], outGroups: readonly number[], type: MaskType, centre: readonly [number, number]): Float32Array {
  const cin = inGroups.length;
  const cout = outGroups.length;
  const [cy, cx] = centre;
  if (cy < 0 || cy >= kh || cx < 0 || cx >= kw) throw new Error(`mask centre [${cy}, ${cx}] lies outside a ${kh}×${kw} kernel`);
  const mask = new Float32Array(kh * kw * cin * cout);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      const before = y < cy || (y === cy && x < cx);
      const isCentre = y === cy && x === cx;
      for (let i = 0; i < cin; i++) {
        for (let o = 0; o < cout; o++) {
          const allowed = before || (isCentre && centreAllowed(inGroups[i]!, outGroups[o]!, type));
          mask[((y * kw + x) * cin + i) * cout + o] = allowed ? 1 : 0;
        }
      }
    }
  }
  return mask;
}
