import type { Body } from 'planck';
import { glChannel, RgbCanvas } from '../render/raster.js';
import type { Car } from './car-dynamics.js';
import {
  GRASS_CHECKER_COLOR,
  GRASS_COLOR,
  HULL_COLOR,
  HULL_POLYS,
  KERB_RED,
  KERB_WHITE,
  PLAYFIELD,
  SCALE,
  SIZE,
  WHEEL_COLOR,
  WHEEL_R,
  WHEEL_W,
  WHEEL_WHITE,
  WINDOW_H,
  WINDOW_W,
  ZOOM,
  type Rgb,
} from './constants.js';
import type { Track } from './track.js';

type Color8 = readonly [number, number, number];

function color8(c: Rgb): Color8 {
  return [glChannel(c[0]), glChannel(c[1]), glChannel(c[2])];
}

const BLACK8: Color8 = [0, 0, 0];
const WHITE8: Color8 = [255, 255, 255];

/**
 * The 8-bit colours the renderer paints each part of the scene with. The default is gym's; colour
 * themes and the semantic map are other palettes over the same geometry.
 */
export interface CarRacingPalette {
  /** Outside the playfield. */
  background: Color8;
  grass: Color8;
  grassChecker: Color8;
  /** Every road tile in this colour, or null to use the scene's per-tile colours (frames). */
  road: Color8 | null;
  kerbWhite: Color8;
  kerbRed: Color8;
  hull: Color8;
  wheel: Color8;
  wheelStripe: Color8;
  /** The whole indicator bar in this colour, or null to draw the bar's indicators (frames). */
  indicatorBar: Color8 | null;
}

/** gym 0.9.5's colours. */
export const DEFAULT_PALETTE: CarRacingPalette = {
  background: BLACK8,
  grass: color8(GRASS_COLOR),
  grassChecker: color8(GRASS_CHECKER_COLOR),
  road: null,
  kerbWhite: color8(KERB_WHITE),
  kerbRed: color8(KERB_RED),
  hull: color8(HULL_COLOR),
  wheel: color8(WHEEL_COLOR),
  wheelStripe: color8(WHEEL_WHITE),
  indicatorBar: null,
};

/** Camera zoom at time `t` (s): animates from 0.1·SCALE to ZOOM·SCALE during the first second. */
export function cameraZoom(t: number): number {
  return 0.1 * SCALE * Math.max(1 - t, 0) + ZOOM * SCALE * Math.min(t, 1);
}

/** What the indicator bar shows, from left to right. */
export interface Indicators {
  /** |hull velocity| */
  trueSpeed: number;
  /** The 4 wheels' angular velocities (ABS sensors). */
  wheelOmegas: readonly [number, number, number, number];
  /** Front-left steering joint angle. */
  steeringAngle: number;
  /** Hull angular velocity. */
  gyro: number;
  /** Total reward so far, printed as gym's "%04i" score label. */
  score: number;
}

/** Skid marks (drawn only in 'human' frames: gym left them out of the state view). */
export interface SkidMark {
  points: readonly number[];
  color: Rgb;
}

export interface CarRacingScene {
  track: Track;
  /** Current 8-bit colour of each tile (tiles turn plain road colour once touched). */
  tileColors: Uint8Array;
  car: Car;
  t: number;
  indicators: Indicators;
  skidMarks?: readonly SkidMark[];
}

/** Checker squares of the grass: 20×20 squares of side PLAYFIELD/20, every other one. */
function checkerQuads(): Float64Array {
  const k = PLAYFIELD / 20.0;
  const out: number[] = [];
  for (let x = -20; x < 20; x += 2) {
    for (let y = -20; y < 20; y += 2) {
      out.push(k * x + k, k * y + 0, k * x + 0, k * y + 0, k * x + 0, k * y + k, k * x + k, k * y + k);
    }
  }
  return Float64Array.from(out);
}
const CHECKER_QUADS = checkerQuads();

const WHEEL_POLY = [-WHEEL_W, +WHEEL_R, +WHEEL_W, +WHEEL_R, +WHEEL_W, -WHEEL_R, -WHEEL_W, -WHEEL_R].map((v) => v * SIZE);
const HULL_POLYS_SCALED = HULL_POLYS.map((p) => p.flatMap(([x, y]) => [x * SIZE, y * SIZE]));

/**
 * Draws the CarRacing scene as gym 0.9.5 drew it with OpenGL: the scene is laid out in the
 * coordinates of a WINDOW_W×WINDOW_H window (car at (W/2, H/4), road rotated so the velocity
 * points up) and that window is squashed into the requested viewport (96×96 for the state).
 */
export class CarRacingRenderer {
  private readonly buf = new Float64Array(16);
  // World → pixel affine map for the current frame: px = a·x + b·y + c, py = d·x + e·y + f.
  private a = 0;
  private b = 0;
  private c = 0;
  private d = 0;
  private e = 0;
  private f = 0;
  private sx = 1;
  private sy = 1;
  // World-space bounding box of the visible window, to skip polygons outside the view.
  private viewMinX = 0;
  private viewMaxX = 0;
  private viewMinY = 0;
  private viewMaxY = 0;

  render(canvas: RgbCanvas, scene: CarRacingScene, palette: CarRacingPalette = DEFAULT_PALETTE): void {
    const { car, track } = scene;
    const zoom = cameraZoom(scene.t);
    const pos = car.hull.getPosition();
    const scrollX = pos.x;
    const scrollY = pos.y;
    let angle = -car.hull.getAngle();
    const vel = car.hull.getLinearVelocity();
    if (Math.hypot(vel.x, vel.y) > 0.5) angle = Math.atan2(vel.x, vel.y);
    const cos = Math.cos(angle);
    const sin = Math.sin(angle);
    // Window coordinates (y up): win = (W/2, H/4) + zoom·R(angle)·(p − scroll).
    this.sx = canvas.width / WINDOW_W;
    this.sy = canvas.height / WINDOW_H;
    const tx = WINDOW_W / 2 - (scrollX * zoom * cos - scrollY * zoom * sin);
    const ty = WINDOW_H / 4 - (scrollX * zoom * sin + scrollY * zoom * cos);
    this.a = zoom * cos * this.sx;
    this.b = -zoom * sin * this.sx;
    this.c = tx * this.sx;
    this.d = -zoom * sin * this.sy;
    this.e = -zoom * cos * this.sy;
    this.f = canvas.height - ty * this.sy;
    // The window's corners back in world units: p = scroll + R(−angle)·(win − (W/2, H/4)) / zoom.
    this.viewMinX = this.viewMinY = Infinity;
    this.viewMaxX = this.viewMaxY = -Infinity;
    for (const [wx, wy] of [[0, 0], [WINDOW_W, 0], [0, WINDOW_H], [WINDOW_W, WINDOW_H]] as const) {
      const dx = (wx - WINDOW_W / 2) / zoom;
      const dy = (wy - WINDOW_H / 4) / zoom;
      const x = scrollX + cos * dx + sin * dy;
      const y = scrollY - sin * dx + cos * dy;
      this.viewMinX = Math.min(this.viewMinX, x);
      this.viewMaxX = Math.max(this.viewMaxX, x);
      this.viewMinY = Math.min(this.viewMinY, y);
      this.viewMaxY = Math.max(this.viewMaxY, y);
    }

    // Grass over a black background; when the view lies inside the playfield, one fill does both.
    const p = PLAYFIELD;
    const grass = palette.grass;
    if (this.viewMinX >= -p && this.viewMaxX <= p && this.viewMinY >= -p && this.viewMaxY <= p) {
      canvas.clear(grass[0], grass[1], grass[2]);
    } else {
      const bg = palette.background;
      canvas.clear(bg[0], bg[1], bg[2]);
      this.quad(canvas, [-p, +p, +p, +p, +p, -p, -p, -p], 0, grass, false);
    }
    for (let i = 0; i < CHECKER_QUADS.length; i += 8) this.quad(canvas, CHECKER_QUADS, i, palette.grassChecker, true);
    // Road tiles, each followed by its kerb.
    let kerb = 0;
    const tc = scene.tileColors;
    const road = palette.road;
    for (let i = 0; i < track.tiles.length; i++) {
      this.quad(canvas, track.tiles[i]!, 0, road ?? [tc[3 * i]!, tc[3 * i + 1]!, tc[3 * i + 2]!], true);
      while (kerb < track.kerbs.length && track.kerbs[kerb]!.tileIndex === i) {
        const k = track.kerbs[kerb]!;
        this.quad(canvas, k.quad, 0, k.white ? palette.kerbWhite : palette.kerbRed, true);
        kerb++;
      }
    }
    if (scene.skidMarks) for (const mark of scene.skidMarks) this.polyline(canvas, mark.points, color8(mark.color), 5);
    // Car: wheels (with the rotating stripe), then the hull over them.
    for (const w of car.wheels) {
      this.bodyPoly(canvas, w.body, WHEEL_POLY, palette.wheel);
      const a1 = w.phase;
      const a2 = w.phase + 1.2; // radians
      const s1 = Math.sin(a1);
      const s2 = Math.sin(a2);
      let c1 = Math.cos(a1);
      let c2 = Math.cos(a2);
      if (s1 > 0 && s2 > 0) continue;
      if (s1 > 0) c1 = Math.sign(c1);
      if (s2 > 0) c2 = Math.sign(c2);
      const ws = WHEEL_W * SIZE;
      const rs = WHEEL_R * SIZE;
      this.bodyPoly(canvas, w.body, [-ws, rs * c1, +ws, rs * c1, +ws, rs * c2, -ws, rs * c2], palette.wheelStripe);
    }
    for (const poly of HULL_POLYS_SCALED) this.bodyPoly(canvas, car.hull, poly, palette.hull);

    if (palette.indicatorBar) this.windowRect(canvas, 0, 0, WINDOW_W, 5 * (WINDOW_H / 40.0), palette.indicatorBar);
    else this.indicators(canvas, scene.indicators);
  }

  /** Draws a world-space quad (8 numbers at `off`), culled when far outside the view. */
  private quad(canvas: RgbCanvas, xy: ArrayLike<number>, off: number, color: Color8, cull: boolean): void {
    if (cull) {
      // Every quad drawn here fits in 24 units of its first vertex (a checker square's diagonal).
      const x0 = xy[off]!;
      const y0 = xy[off + 1]!;
      if (x0 < this.viewMinX - 24 || x0 > this.viewMaxX + 24 || y0 < this.viewMinY - 24 || y0 > this.viewMaxY + 24) return;
    }
    const buf = this.buf;
    for (let k = 0; k < 4; k++) {
      const x = xy[off + 2 * k]!;
      const y = xy[off + 2 * k + 1]!;
      buf[2 * k] = this.a * x + this.b * y + this.c;
      buf[2 * k + 1] = this.d * x + this.e * y + this.f;
    }
    canvas.fillConvex(buf, 4, color[0], color[1], color[2]);
  }

  /** Draws a polygon given in a body's local frame. */
  private bodyPoly(canvas: RgbCanvas, body: Body, local: readonly number[], color: Color8): void {
    const xf = body.getTransform();
    const qc = xf.q.c;
    const qs = xf.q.s;
    const px = xf.p.x;
    const py = xf.p.y;
    const n = local.length / 2;
    const buf = n * 2 <= this.buf.length ? this.buf : new Float64Array(n * 2);
    for (let k = 0; k < n; k++) {
      const lx = local[2 * k]!;
      const ly = local[2 * k + 1]!;
      const x = qc * lx - qs * ly + px;
      const y = qs * lx + qc * ly + py;
      buf[2 * k] = this.a * x + this.b * y + this.c;
      buf[2 * k + 1] = this.d * x + this.e * y + this.f;
    }
    canvas.fillConvex(buf, n, color[0], color[1], color[2]);
  }

  /** A polyline `width` pixels wide (glLineWidth counts output pixels), one quad per segment. */
  private polyline(canvas: RgbCanvas, pts: readonly number[], color: Color8, width: number): void {
    const half = width / 2;
    for (let k = 0; k + 3 < pts.length; k += 2) {
      const x0 = this.a * pts[k]! + this.b * pts[k + 1]! + this.c;
      const y0 = this.d * pts[k]! + this.e * pts[k + 1]! + this.f;
      const x1 = this.a * pts[k + 2]! + this.b * pts[k + 3]! + this.c;
      const y1 = this.d * pts[k + 2]! + this.e * pts[k + 3]! + this.f;
      const len = Math.hypot(x1 - x0, y1 - y0);
      if (len === 0) continue;
      const nx = (-(y1 - y0) / len) * half;
      const ny = ((x1 - x0) / len) * half;
      canvas.fillConvex([x0 + nx, y0 + ny, x1 + nx, y1 + ny, x1 - nx, y1 - ny, x0 - nx, y0 - ny], 4, color[0], color[1], color[2]);
    }
  }

  /** A rectangle in window coordinates (y up). */
  private windowRect(canvas: RgbCanvas, x0: number, y0: number, x1: number, y1: number, color: Color8): void {
    const h = canvas.height;
    canvas.fillRect(x0 * this.sx, h - y0 * this.sy, x1 * this.sx, h - y1 * this.sy, color[0], color[1], color[2]);
  }

  /**
   * The bar in the bottom 5/40 of the window: score, true speed (white), the 4 wheel speeds
   * (blue, ABS sensors), steering (green) and gyroscope (red).
   */
  private indicators(canvas: RgbCanvas, ind: Indicators): void {
    const s = WINDOW_W / 40.0;
    const h = WINDOW_H / 40.0;
    this.windowRect(canvas, 0, 0, WINDOW_W, 5 * h, BLACK8);
    const vertical = (place: number, val: number, color: Color8): void =>
      this.windowRect(canvas, place * s, h, (place + 1) * s, h + h * val, color);
    const horizontal = (place: number, val: number, color: Color8): void =>
      this.windowRect(canvas, place * s, 2 * h, (place + val) * s, 4 * h, color);
    vertical(5, 0.02 * ind.trueSpeed, [255, 255, 255]);
    vertical(7, 0.01 * ind.wheelOmegas[0], [0, 0, 255]);
    vertical(8, 0.01 * ind.wheelOmegas[1], [0, 0, 255]);
    vertical(9, 0.01 * ind.wheelOmegas[2], [glChannel(0.2), 0, 255]);
    vertical(10, 0.01 * ind.wheelOmegas[3], [glChannel(0.2), 0, 255]);
    horizontal(20, -10.0 * ind.steeringAngle, [0, 255, 0]);
    horizontal(30, -0.8 * ind.gyro, [255, 0, 0]);
    this.scoreLabel(canvas, ind.score);
  }

  /**
   * gym printed the score as "%04i" with a 36 pt font at (20, H·2.5/40), left/centre anchored.
   * We draw it as seven-segment digits of about the same size, in window coordinates.
   */
  private scoreLabel(canvas: RgbCanvas, score: number): void {
    const text = formatScore(score);
    const digitW = 20;
    const digitH = 34;
    const advance = 29;
    const stroke = 5;
    const cy = (WINDOW_H * 2.5) / 40.0;
    let x = 20;
    for (const ch of text) {
      const segs = SEGMENTS[ch] ?? '';
      const top = cy + digitH / 2;
      const mid = cy;
      const bot = cy - digitH / 2;
      for (const seg of segs) {
        switch (seg) {
          case 'a': this.windowRect(canvas, x, top - stroke, x + digitW, top, WHITE8); break;
          case 'b': this.windowRect(canvas, x + digitW - stroke, mid, x + digitW, top, WHITE8); break;
          case 'c': this.windowRect(canvas, x + digitW - stroke, bot, x + digitW, mid, WHITE8); break;
          case 'd': this.windowRect(canvas, x, bot, x + digitW, bot + stroke, WHITE8); break;
          case 'e': this.windowRect(canvas, x, bot, x + stroke, mid, WHITE8); break;
          case 'f': this.windowRect(canvas, x, mid, x + stroke, top, WHITE8); break;
          case 'g': this.windowRect(canvas, x, mid - stroke / 2, x + digitW, mid + stroke / 2, WHITE8); break;
        }
      }
      x += advance;
    }
  }
}

/** Python's "%04i" % score: truncation towards zero, zero padded to width 4 (sign included). */
export function formatScore(score: number): string {
  const v = Math.trunc(score);
  const digits = String(Math.abs(v));
  return v < 0 ? '-' + digits.padStart(3, '0') : digits.padStart(4, '0');
}

const SEGMENTS: Record<string, string> = {
  '0': 'abcdef',
  '1': 'bc',
  '2': 'abged',
  '3': 'abgcd',
  '4': 'fgbc',
  '5': 'afgcd',
  '6': 'afgedc',
  '7': 'abc',
  '8': 'abcdefg',
  '9': 'abcdfg',
  '-': 'g',
};
