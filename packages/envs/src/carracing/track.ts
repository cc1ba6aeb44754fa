import type { Rng } from '@worldmodels/core/rng';
import {
  BORDER,
  BORDER_MIN_COUNT,
  CHECKPOINTS,
  SCALE,
  TRACK_DETAIL_STEP,
  TRACK_RAD,
  TRACK_TURN_RATE,
  TRACK_WIDTH,
} from './constants.js';

/** One point of the track centre line. `beta` is the road direction angle (radians). */
export interface TrackPoint {
  alpha: number;
  beta: number;
  x: number;
  y: number;
}

/** A quad of the road (a tile) or of a kerb, as 4 (x, y) vertices in world units. */
export type Quad = [number, number, number, number, number, number, number, number];

export interface Track {
  points: TrackPoint[];
  /** tiles[i] is the road quad between points[i-1] and points[i]: [l1, r1, r2, l2]. */
  tiles: Quad[];
  /** Kerbs on sharp turns, each after its tile in drawing order. */
  kerbs: { tileIndex: number; quad: Quad; white: boolean }[];
  /** The angle where the lap starts and ends. */
  startAlpha: number;
}

/** Python-style index that wraps negative values once (`a[-1]` is the last element). */
function wrap(i: number, n: number): number {
  return i < 0 ? i + n : i;
}

/**
 * Generates a random closed track as gym 0.9.5's `_create_track` did: 12 jittered checkpoints
 * around a circle, a car-like walk that turns towards the next checkpoint (at most
 * TRACK_TURN_RATE per step), then the second full lap cut out of the walk. Returns null when the
 * walk does not give a loop whose ends meet (the caller retries with further random draws).
 */
export function generateTrack(rng: Rng): Track | null {
  const checkpoints: [number, number, number][] = [];
  let startAlpha = 0;
  for (let c = 0; c < CHECKPOINTS; c++) {
    let alpha = (2 * Math.PI * c) / CHECKPOINTS + rng.uniform(0, (2 * Math.PI * 1) / CHECKPOINTS);
    let rad = rng.uniform(TRACK_RAD / 3, TRACK_RAD);
    if (c === 0) {
      alpha = 0;
      rad = 1.5 * TRACK_RAD;
    }
    if (c === CHECKPOINTS - 1) {
      alpha = (2 * Math.PI * c) / CHECKPOINTS;
      startAlpha = (2 * Math.PI * -0.5) / CHECKPOINTS;
      rad = 1.5 * TRACK_RAD;
    }
    checkpoints.push([alpha, rad * Math.cos(alpha), rad * Math.sin(alpha)]);
  }

  // Walk from checkpoint to checkpoint.
  let x = 1.5 * TRACK_RAD;
  let y = 0;
  let beta = 0;
  let destI = 0;
  let laps = 0;
  const walk: TrackPoint[] = [];
  let noFreeze = 2500;
  let visitedOtherSide = false;
  for (;;) {
    let alpha = Math.atan2(y, x);
    if (visitedOtherSide && alpha > 0) {
      laps += 1;
      visitedOtherSide = false;
    }
    if (alpha < 0) {
      visitedOtherSide = true;
      alpha += 2 * Math.PI;
    }
    let destX = 0;
    let destY = 0;
    // Find the destination: the first checkpoint at or beyond the current angle.
    for (;;) {
      let failed = true;
      for (;;) {
        const cp = checkpoints[destI % CHECKPOINTS]!;
        destX = cp[1];
        destY = cp[2];
        if (alpha <= cp[0]) {
          failed = false;
          break;
        }
        destI += 1;
        if (destI % CHECKPOINTS === 0) break;
      }
      if (!failed) break;
      alpha -= 2 * Math.PI;
    }
    const r1x = Math.cos(beta);
    const r1y = Math.sin(beta);
    const p1x = -r1y;
    const p1y = r1x;
    const destDx = destX - x; // vector towards the destination
    const destDy = destY - y;
    let proj = r1x * destDx + r1y * destDy; // destination vector projected on the radius
    while (beta - alpha > 1.5 * Math.PI) beta -= 2 * Math.PI;
    while (beta - alpha < -1.5 * Math.PI) beta += 2 * Math.PI;
    const prevBeta = beta;
    proj *= SCALE;
    if (proj > 0.3) beta -= Math.min(TRACK_TURN_RATE, Math.abs(0.001 * proj));
    if (proj < -0.3) beta += Math.min(TRACK_TURN_RATE, Math.abs(0.001 * proj));
    x += p1x * TRACK_DETAIL_STEP;
    y += p1y * TRACK_DETAIL_STEP;
    walk.push({ alpha, beta: prevBeta * 0.5 + beta * 0.5, x, y });
    if (laps > 4) break;
    noFreeze -= 1;
    if (noFreeze === 0) break;
  }

  // Closed loop i1..i2: the last two passes through startAlpha (the first lap is ignored).
  let i1 = -1;
  let i2 = -1;
  let i = walk.length;
  for (;;) {
    i -= 1;
    if (i === 0) return null;
    const passThroughStart = walk[i]!.alpha > startAlpha && walk[i - 1]!.alpha <= startAlpha;
    if (passThroughStart && i2 === -1) {
      i2 = i;
    } else if (passThroughStart && i1 === -1) {
      i1 = i;
      break;
    }
  }
  const points = walk.slice(i1, i2 - 1);
  const n = points.length;
  if (n < 2) return null;

  const first = points[0]!;
  const last = points[n - 1]!;
  const firstPerpX = Math.cos(first.beta);
  const firstPerpY = Math.sin(first.beta);
  // Length of the perpendicular jump that glues head and tail together.
  const wellGluedTogether = Math.sqrt(
    (firstPerpX * (first.x - last.x)) ** 2 + (firstPerpY * (first.y - last.y)) ** 2,
  );
  if (wellGluedTogether > TRACK_DETAIL_STEP) return null;

  // Red/white kerb on hard turns.
  const border: boolean[] = new Array<boolean>(n).fill(false);
  for (let j = 0; j < n; j++) {
    let good = true;
    let oneSide = 0;
    for (let neg = 0; neg < BORDER_MIN_COUNT; neg++) {
      const beta1 = points[wrap(j - neg, n)]!.beta;
      const beta2 = points[wrap(j - neg - 1, n)]!.beta;
      good = good && Math.abs(beta1 - beta2) > TRACK_TURN_RATE * 0.2;
      oneSide += Math.sign(beta1 - beta2);
    }
    good = good && Math.abs(oneSide) === BORDER_MIN_COUNT;
    border[j] = good;
  }
  for (let j = 0; j < n; j++) {
    for (let neg = 0; neg < BORDER_MIN_COUNT; neg++) {
      const k = wrap(j - neg, n);
      border[k] = border[k]! || border[j]!;
    }
  }

  const tiles: Quad[] = [];
  const kerbs: Track['kerbs'] = [];
  for (let j = 0; j < n; j++) {
    const p1 = points[j]!;
    const p2 = points[wrap(j - 1, n)]!;
    const c1 = Math.cos(p1.beta);
    const s1 = Math.sin(p1.beta);
    const c2 = Math.cos(p2.beta);
    const s2 = Math.sin(p2.beta);
    tiles.push([
      p1.x - TRACK_WIDTH * c1, p1.y - TRACK_WIDTH * s1,
      p1.x + TRACK_WIDTH * c1, p1.y + TRACK_WIDTH * s1,
      p2.x + TRACK_WIDTH * c2, p2.y + TRACK_WIDTH * s2,
      p2.x - TRACK_WIDTH * c2, p2.y - TRACK_WIDTH * s2,
    ]);
    if (border[j]) {
      const side = Math.sign(p2.beta - p1.beta);
      const inner = side * TRACK_WIDTH;
      const outer = side * (TRACK_WIDTH + BORDER);
      kerbs.push({
        tileIndex: j,
        white: j % 2 === 0,
        quad: [
          p1.x + inner * c1, p1.y + inner * s1,
          p1.x + outer * c1, p1.y + outer * s1,
          p2.x + outer * c2, p2.y + outer * s2,
          p2.x + inner * c2, p2.y + inner * s2,
        ],
      });
    }
  }
  return { points, tiles, kerbs, startAlpha };
}
