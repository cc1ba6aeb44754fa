/**
 * The reference ConvVAE layer list (Ha & Schmidhuber 2018, appendix A.1; hardmaru's vae.py):
 * input 64×64×3, 'valid' padding, stride 2 everywhere.
 *
 *   encoder  conv 32 k4 → conv 64 k4 → conv 128 k4 → conv 256 k4 (64→31→14→6→2), relu
 *            flatten [2·2·256 = 1024] → dense mu(z), dense logvar(z)
 *   decoder  dense 1024 (no activation) → [1, 1, 1024] → deconv 128 k5 → 64 k5 → 32 k6 (relu)
 *            → 3 k6 sigmoid (1→5→13→30→64)
 *
 * Kernel layouts are TensorFlow's, so the reference's JSON loads without transposes:
 * conv [kh, kw, in, out], deconv [kh, kw, out, in], dense [in, out].
 */
export type LayerKind = 'conv' | 'deconv' | 'dense';
export type Activation = 'relu' | 'sigmoid' | 'linear';

export interface LayerSpec {
  name: string;
  kind: LayerKind;
  kernelShape: number[];
  /** Output channels / units (the bias length). */
  units: number;
  activation: Activation;
  /** Spatial output size of a deconv layer (needed by conv2dTranspose). */
  outSize?: number;
}

export const IMAGE_SIZE = 64;
export const IMAGE_CHANNELS = 3;
export const STRIDE = 2;

/**
 * The layers in the reference's variable order (enc_conv1..4, enc_fc_mu, enc_fc_log_var, dec_fc,
 * dec_deconv1..4). `width` scales every hidden channel count (1 = the reference; e.g. 1/8 gives a
 * small model with the same structure, for quick tests on slow backends).
 */
export function vaeLayers(zSize: number, width = 1): LayerSpec[] {
  const c = (n: number): number => {
    const scaled = n * width;
    if (!Number.isInteger(scaled) || scaled < 1) throw new Error(`ConvVAE width ${width} gives ${scaled} channels for a ${n}-channel layer; choose a width w with ${n}·w a positive integer`);
    return scaled;
  };
  const ENCODED_FEATURES = 2 * 2 * c(256); // flattened [2, 2, 256]
  return [
    { name: 'enc_conv1', kind: 'conv', kernelShape: [4, 4, 3, c(32)], units: c(32), activation: 'relu' },
    { name: 'enc_conv2', kind: 'conv', kernelShape: [4, 4, c(32), c(64)], units: c(64), activation: 'relu' },
    { name: 'enc_conv3', kind: 'conv', kernelShape: [4, 4, c(64), c(128)], units: c(128), activation: 'relu' },
    { name: 'enc_conv4', kind: 'conv', kernelShape: [4, 4, c(128), c(256)], units: c(256), activation: 'relu' },
    { name: 'enc_fc_mu', kind: 'dense', kernelShape: [ENCODED_FEATURES, zSize], units: zSize, activation: 'linear' },
    { name: 'enc_fc_log_var', kind: 'dense', kernelShape: [ENCODED_FEATURES, zSize], units: zSize, activation: 'linear' },
    { name: 'dec_fc', kind: 'dense', kernelShape: [zSize, ENCODED_FEATURES], units: ENCODED_FEATURES, activation: 'linear' },
    { name: 'dec_deconv1', kind: 'deconv', kernelShape: [5, 5, c(128), ENCODED_FEATURES], units: c(128), activation: 'relu', outSize: 5 },
    { name: 'dec_deconv2', kind: 'deconv', kernelShape: [5, 5, c(64), c(128)], units: c(64), activation: 'relu', outSize: 13 },
    { name: 'dec_deconv3', kind: 'deconv', kernelShape: [6, 6, c(32), c(64)], units: c(32), activation: 'relu', outSize: 30 },
    { name: 'dec_deconv4', kind: 'deconv', kernelShape: [6, 6, 3, c(32)], units: 3, activation: 'sigmoid', outSize: 64 },
  ];
}

/** Variable names in the reference order: `<layer>/kernel`, `<layer>/bias`. */
export function vaeVariableNames(zSize: number, width = 1): string[] {
  return vaeLayers(zSize, width).flatMap((l) => [`${l.name}/kernel`, `${l.name}/bias`]);
}

/** Shape of every variable by name. */
export function vaeVariableShapes(zSize: number, width = 1): Record<string, number[]> {
  const shapes: Record<string, number[]> = {};
  for (const l of vaeLayers(zSize, width)) {
    shapes[`${l.name}/kernel`] = l.kernelShape;
    shapes[`${l.name}/bias`] = [l.units];
  }
  return shapes;
}
