import { glChannel } from '../render/raster.js';
import { DEFAULT_PALETTE, type CarRacingPalette } from './car-racing-renderer.js';
import { GRASS_CHECKER_COLOR, GRASS_COLOR, HULL_COLOR, KERB_RED, KERB_WHITE, ROAD_COLOR, WHEEL_COLOR, WHEEL_WHITE, type Rgb } from './constants.js';

/**
 * A colour theme of CarRacing: the same track, car and physics drawn in other colours (unpaired
 * domains for image-to-image translation). Colours are floats in [0, 1] as gym gave them to OpenGL.
 */
export interface CarRacingTheme {
  road: Rgb;
  grass: Rgb;
  grassChecker: Rgb;
  kerbWhite: Rgb;
  kerbRed: Rgb;
  hull: Rgb;
  wheel: Rgb;
  wheelStripe: Rgb;
  /** Outside the playfield. */
  background: Rgb;
}

/** The built-in themes; `default` is gym 0.9.5's palette, unchanged. */
export const CAR_RACING_THEMES = {
  default: {
    road: ROAD_COLOR,
    grass: GRASS_COLOR,
    grassChecker: GRASS_CHECKER_COLOR,
    kerbWhite: KERB_WHITE,
    kerbRed: KERB_RED,
    hull: HULL_COLOR,
    wheel: WHEEL_COLOR,
    wheelStripe: WHEEL_WHITE,
    background: [0, 0, 0],
  },
  /** Dark blue-green grass, near-black asphalt, dimmed kerbs, a yellow car. */
  night: {
    road: [0.16, 0.16, 0.2],
    grass: [0.05, 0.2, 0.22],
    grassChecker: [0.07, 0.25, 0.27],
    kerbWhite: [0.6, 0.6, 0.7],
    kerbRed: [0.55, 0.1, 0.2],
    hull: [0.95, 0.8, 0.1],
    wheel: [0.0, 0.0, 0.0],
    wheelStripe: [0.3, 0.3, 0.3],
    background: [0, 0, 0.05],
  },
  /** Sand instead of grass, a dusty brown track, a blue car. */
  desert: {
    road: [0.55, 0.42, 0.3],
    grass: [0.9, 0.78, 0.5],
    grassChecker: [0.95, 0.84, 0.58],
    kerbWhite: [1, 1, 0.9],
    kerbRed: [0.8, 0.3, 0.1],
    hull: [0.1, 0.3, 0.85],
    wheel: [0.0, 0.0, 0.0],
    wheelStripe: [0.3, 0.3, 0.3],
    background: [0.2, 0.1, 0.05],
  },
} as const satisfies Record<string, CarRacingTheme>;

export type CarRacingThemeName = keyof typeof CAR_RACING_THEMES;

/** The theme called `name`; an unknown name throws an error listing the themes. */
export function carRacingTheme(name: string): CarRacingTheme {
  if (!Object.hasOwn(CAR_RACING_THEMES, name)) {
    throw new Error(`CarRacing-v0: unknown theme ${JSON.stringify(name)}; themes: ${Object.keys(CAR_RACING_THEMES).join(', ')}`);
  }
  return CAR_RACING_THEMES[name as CarRacingThemeName];
}

function color8(c: Rgb): readonly [number, number, number] {
  return [glChannel(c[0]), glChannel(c[1]), glChannel(c[2])];
}

/** The renderer palette of a theme (road tiles keep their per-tile colours). */
export function themePalette(theme: CarRacingTheme): CarRacingPalette {
  if (theme === CAR_RACING_THEMES.default) return DEFAULT_PALETTE;
  return {
    background: color8(theme.background),
    grass: color8(theme.grass),
    grassChecker: color8(theme.grassChecker),
    road: null,
    kerbWhite: color8(theme.kerbWhite),
    kerbRed: color8(theme.kerbRed),
    hull: color8(theme.hull),
    wheel: color8(theme.wheel),
    wheelStripe: color8(theme.wheelStripe),
    indicatorBar: null,
  };
}
