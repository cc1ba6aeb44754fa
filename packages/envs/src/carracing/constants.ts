/**
 * Constants of CarRacing-v0 as in gym 0.9.5 (gym/envs/box2d/car_racing.py and
 * car_dynamics.py, by Oleg Klimov). Lengths are Box2D metres unless noted.
 */

/** Observation frame size (pixels). */
export const STATE_W = 96;
export const STATE_H = 96;
/** Size of gym's video frames ('rgb_array' there), our 'human' frames. */
export const VIDEO_W = 600;
export const VIDEO_H = 400;
/** The on-screen window whose coordinate system every viewport is squashed from. */
export const WINDOW_W = 1200;
export const WINDOW_H = 1000;

/** Track scale. */
export const SCALE = 6.0;
/** The track is a heavily morphed circle of this radius. */
export const TRACK_RAD = 900 / SCALE;
/** Leaving |x| or |y| > PLAYFIELD ends the episode with −100. */
export const PLAYFIELD = 2000 / SCALE;
export const FPS = 50;
/** Camera zoom once the start animation is over. */
export const ZOOM = 2.7;

export const TRACK_DETAIL_STEP = 21 / SCALE;
export const TRACK_TURN_RATE = 0.31;
/** Half-width of the road. */
export const TRACK_WIDTH = 40 / SCALE;
/** Width of the red/white kerb on sharp turns. */
export const BORDER = 8 / SCALE;
/** A kerb needs this many consecutive same-direction sharp track segments. */
export const BORDER_MIN_COUNT = 4;
export const CHECKPOINTS = 12;

export type Rgb = readonly [number, number, number];
export const ROAD_COLOR: Rgb = [0.4, 0.4, 0.4];
export const GRASS_COLOR: Rgb = [0.4, 0.8, 0.4];
export const GRASS_CHECKER_COLOR: Rgb = [0.4, 0.9, 0.4];
export const KERB_WHITE: Rgb = [1, 1, 1];
export const KERB_RED: Rgb = [1, 0, 0];

// ---- car_dynamics.py ----
export const SIZE = 0.02;
export const ENGINE_POWER = 100000000 * SIZE * SIZE;
export const WHEEL_MOMENT_OF_INERTIA = 4000 * SIZE * SIZE;
/** Friction ~ mass ~ size² (mass comes from density). */
export const FRICTION_LIMIT = 1000000 * SIZE * SIZE;
export const WHEEL_R = 27;
export const WHEEL_W = 14;
/** Wheel positions in car units (×SIZE): front left, front right, rear left, rear right. */
export const WHEELPOS: readonly (readonly [number, number])[] = [
  [-55, +80],
  [+55, +80],
  [-55, -82],
  [+55, -82],
];
/** The four hull polygons in car units (×SIZE). */
export const HULL_POLYS: readonly (readonly (readonly [number, number])[])[] = [
  [[-60, +130], [+60, +130], [+60, +110], [-60, +110]],
  [[-15, +120], [+15, +120], [+20, +20], [-20, +20]],
  [[+25, +20], [+50, -10], [+50, -40], [+20, -90], [-20, -90], [-50, -40], [-50, -10], [-25, +20]],
  [[-50, -120], [+50, -120], [+50, -90], [-50, -90]],
];
export const HULL_COLOR: Rgb = [0.8, 0.0, 0.0];
export const WHEEL_COLOR: Rgb = [0.0, 0.0, 0.0];
export const WHEEL_WHITE: Rgb = [0.3, 0.3, 0.3];
export const MUD_COLOR: Rgb = [0.4, 0.4, 0.0];
/** Coefficient that damps the tyre force oscillations ("random coefficient" in gym). */
export const TYRE_FORCE_GAIN = 205000 * SIZE * SIZE;
/** Brake strength in rad/s removed per step at brake = 1 (below the 0.9 lock). */
export const BRAKE_FORCE = 15;
