/** One convolution as far as receptive-field arithmetic is concerned. */
export interface ConvGeometry {
  kernel: number;
  stride: number;
}

/**
 * Receptive field of one output unit of a stack of convolutions (input first): going backwards
 * from r = 1, each layer maps r ↦ (r − 1)·stride + kernel. For pix2pix's 70×70 PatchGAN
 * (k4 s2, k4 s2, k4 s2, k4 s1, k4 s1): 1 → 4 → 7 → 16 → 34 → 70.
 */
export function receptiveField(layers: readonly ConvGeometry[]): number {
  let r = 1;
  for (let i = layers.length - 1; i >= 0; i--) {
    const { kernel, stride } = layers[i]!;
    if (!Number.isInteger(kernel) || kernel < 1 || !Number.isInteger(stride) || stride < 1) {
      throw new Error(`receptiveField: layer ${i} needs a positive integer kernel and stride, got k=${kernel} s=${stride}`);
    }
    r = (r - 1) * stride + kernel;
  }
  return r;
}

/** Distance in input pixels between the receptive fields of neighbouring output units: Π strides. */
export function jump(layers: readonly ConvGeometry[]): number {
  return layers.reduce((j, l) => j * l.stride, 1);
}
