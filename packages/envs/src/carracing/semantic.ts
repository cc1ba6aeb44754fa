import type { CarRacingPalette } from './car-racing-renderer.js';

/**
 * Classes of CarRacing's semantic map, by index. Checker squares count as grass, wheels as car,
 * the whole indicator bar (bottom 12 rows of the 96×96 frame) as indicator.
 */
export const SEMANTIC_CLASSES = ['background', 'grass', 'road', 'kerb', 'car', 'indicator'] as const;
export type SemanticClass = (typeof SEMANTIC_CLASSES)[number];

/** Display colour of each class (index order), for the colourised map. */
export const SEMANTIC_COLORS: readonly (readonly [number, number, number])[] = [
  [0, 0, 0], // background
  [0, 170, 0], // grass
  [128, 128, 128], // road
  [255, 200, 0], // kerb
  [220, 20, 60], // car
  [70, 70, 200], // indicator
];

const cls = (name: SemanticClass): readonly [number, number, number] => {
  const k = SEMANTIC_CLASSES.indexOf(name);
  return [k, k, k];
};

/**
 * A palette that paints every part with its class index in all three channels: rendering the
 * scene with it gives the label map from exactly the geometry the frame is drawn from.
 */
export const LABEL_PALETTE: CarRacingPalette = {
  background: cls('background'),
  grass: cls('grass'),
  grassChecker: cls('grass'),
  road: cls('road'),
  kerbWhite: cls('kerb'),
  kerbRed: cls('kerb'),
  hull: cls('car'),
  wheel: cls('car'),
  wheelStripe: cls('car'),
  indicatorBar: cls('indicator'),
};

/** A semantic map: class indices [H, W] and their display colours [H, W, 3]. */
export interface SemanticMap {
  labels: Uint8Array;
  colors: Uint8Array;
  width: number;
  height: number;
  classes: readonly string[];
}

/** Colourises class indices [H·W] with {@link SEMANTIC_COLORS} → RGB bytes [H·W·3]. */
export function colorizeLabels(labels: Uint8Array): Uint8Array {
  const out = new Uint8Array(labels.length * 3);
  for (let i = 0; i < labels.length; i++) {
    const c = SEMANTIC_COLORS[labels[i]!];
    if (!c) throw new Error(`colorizeLabels: ${labels[i]} is not a CarRacing class index (0..${SEMANTIC_COLORS.length - 1})`);
    out[3 * i] = c[0];
    out[3 * i + 1] = c[1];
    out[3 * i + 2] = c[2];
  }
  return out;
}
