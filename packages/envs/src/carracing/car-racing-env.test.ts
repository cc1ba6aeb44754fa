import { describe, expect, it } from 'vitest';
import { Rng } from '@worldmodels/core/rng';
import { CarRacingEnv } from './car-racing-env.js';
import { generateTrack } from './track.js';
import { PLAYFIELD, TRACK_DETAIL_STEP } from './constants.js';
import { formatScore } from './car-racing-renderer.js';

const px = (f: Uint8Array, row: number, col: number): number[] => Array.from(f.subarray((row * 96 + col) * 3, (row * 96 + col) * 3 + 3));

/** Byte equality of two frames (vitest's deep equality is slow on large typed arrays). */
function sameBytes(a: Uint8Array | null, b: Uint8Array): boolean {
  return a !== null && Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

describe('CarRacing-v0 track generation', () => {
  it('builds a closed loop of road tiles, the same for the same seed', () => {
    const a = generateTrack(new Rng(11));
    const b = generateTrack(new Rng(11));
    expect(a).not.toBeNull();
    expect(b!.tiles).toEqual(a!.tiles);
    const { points, tiles } = a!;
    expect(tiles.length).toBe(points.length);
    expect(tiles.length).toBeGreaterThan(200);
    expect(tiles.length).toBeLessThan(400);
    // Consecutive centre points are one TRACK_DETAIL_STEP apart, the loop closes up.
    for (let i = 1; i < points.length; i++) {
      expect(Math.hypot(points[i]!.x - points[i - 1]!.x, points[i]!.y - points[i - 1]!.y)).toBeCloseTo(TRACK_DETAIL_STEP, 6);
    }
    const first = points[0]!;
    const last = points[points.length - 1]!;
    expect(Math.hypot(first.x - last.x, first.y - last.y)).toBeLessThan(3 * TRACK_DETAIL_STEP);
    // Kerbs sit on sharp turns only, alternating white/red by tile parity.
    for (const k of a!.kerbs) expect(k.white).toBe(k.tileIndex % 2 === 0);
  });

  it('retries until a track closes, over many seeds', () => {
    const rng = new Rng(3);
    let built = 0;
    let failed = 0;
    for (let i = 0; i < 40 && built < 10; i++) {
      if (generateTrack(rng)) built++;
      else failed++;
    }
    expect(built).toBe(10);
    expect(failed).toBeLessThan(built);
  });
});

describe('CarRacing-v0 env', () => {
  it('resets to the zoomed-out start frame with the indicator bar and the car info', () => {
    const env = new CarRacingEnv();
    const { observation, info } = env.reset({ seed: 1 });
    expect(observation.length).toBe(96 * 96 * 3);
    // At t = 0.02 s the camera is zoomed far out: the corners outside the playfield are black.
    expect(px(observation, 0, 0)).toEqual([0, 0, 0]);
    // The bar (bottom 12 rows, 5/40 of the window) is black apart from the indicators.
    expect(px(observation, 95, 95)).toEqual([0, 0, 0]);
    expect(info.tiles).toBeGreaterThan(200);
    expect(info.tilesVisited).toBeGreaterThan(0); // the wheels already touch the first tiles
    expect(info.speed).toBe(0);
    env.close();
  });

  it('zooms in during the first second and draws the red car at (row 72, col 48)', () => {
    const env = new CarRacingEnv();
    env.reset({ seed: 2 });
    let obs: Uint8Array = new Uint8Array(0);
    for (let i = 0; i < 60; i++) obs = env.step([0, 0, 0]).observation;
    // Car hull red (0.8 → 204) at the window point (600, 250) squashed into 96×96.
    expect(px(obs, 72, 48)).toEqual([204, 0, 0]);
    // The indicator bar fills rows 84..95 (5/40 of the window), the scene rows 0..83.
    expect(px(obs, 84, 95)).toEqual([0, 0, 0]);
    expect(px(obs, 83, 95)).not.toEqual([0, 0, 0]);
    // Road under the car, grass or checker somewhere in the top corner area.
    const roadGreys = [102, 105, 107];
    expect(roadGreys).toContain(px(obs, 62, 48)[0]);
    const greens = [204, 229];
    const corner = px(obs, 2, 2);
    expect(corner[0] === 102 && greens.includes(corner[1]!)).toBe(true);
  });

  it('scores −0.1 per frame plus 1000/N per new tile, and drives forward on gas', () => {
    const env = new CarRacingEnv();
    const r0 = env.reset({ seed: 4 });
    const n = r0.info.tiles as number;
    const startVisited = r0.info.tilesVisited as number;
    let total = 0;
    let last = r0.info;
    for (let i = 0; i < 150; i++) {
      const s = env.step([0, 0.5, 0]);
      total += s.reward;
      last = s.info;
      expect(s.terminated || s.truncated).toBe(false);
    }
    const visited = last.tilesVisited as number;
    expect(visited).toBeGreaterThan(startVisited + 10);
    expect(last.speed as number).toBeGreaterThan(10);
    expect(total).toBeCloseTo((1000 / n) * visited - 0.1 * 150, 6);
    expect(last.totalReward as number).toBeCloseTo(total, 6);
  });

  it('brakes to a stop, and steers the front wheels within ±0.4 rad', () => {
    const env = new CarRacingEnv();
    env.reset({ seed: 5 });
    for (let i = 0; i < 40; i++) env.step([0, 1, 0]);
    const car = (env as unknown as { car: { wheels: { omega: number; gas: number; joint: { getJointAngle(): number } }[] } }).car;
    expect(car.wheels[2]!.gas).toBe(1);
    expect(car.wheels[0]!.gas).toBe(0); // rear-wheel drive
    const speed0 = env.step([0, 0, 1]).info.speed as number;
    expect(speed0).toBeGreaterThan(5);
    let speed = speed0;
    for (let i = 0; i < 100; i++) speed = env.step([0, 0, 1]).info.speed as number;
    expect(speed).toBeLessThan(0.5);
    for (let i = 0; i < 30; i++) env.step([1, 0, 0]);
    // Steer +1 is negated inside the env: the joint turns to negative angles, stopped by the limit.
    const angle = car.wheels[0]!.joint.getJointAngle();
    expect(angle).toBeLessThan(-0.3);
    expect(angle).toBeGreaterThan(-0.45);
  });

  it('ends with −100 off the playfield, truncates at maxEpisodeSteps, and then refuses to step', () => {
    const env = new CarRacingEnv();
    env.reset({ seed: 6 });
    const hull = (env as unknown as { car: { hull: { setPosition(p: { x: number; y: number }): void } } }).car.hull;
    hull.setPosition({ x: PLAYFIELD + 5, y: 0 });
    const s = env.step([0, 0, 0]);
    expect(s.terminated).toBe(true);
    expect(s.reward).toBe(-100);
    expect(() => env.step([0, 0, 0])).toThrow(/after the episode ended/);

    const short = new CarRacingEnv({ maxEpisodeSteps: 5 });
    short.reset({ seed: 6 });
    const flags = [];
    for (let i = 0; i < 5; i++) flags.push(short.step([0, 0, 0]).truncated);
    expect(flags).toEqual([false, false, false, false, true]);
    expect(() => short.step([0, 0, 0])).toThrow(/reset\(\) first/);
  });

  it('rejects malformed actions and clips out-of-range ones to the box', () => {
    const env = new CarRacingEnv();
    expect(() => env.step([0, 0, 0])).toThrow(/before reset/);
    env.reset({ seed: 7 });
    expect(() => env.step([0, 1])).toThrow(/must have 3 values/);
    expect(() => env.step([0, Number.NaN, 0])).toThrow(/action\[1\] must be a finite number/);
    expect(() => env.step('go' as unknown as number[])).toThrow(/array of 3 numbers/);
    const clipped = new CarRacingEnv();
    const plain = new CarRacingEnv();
    clipped.reset({ seed: 8 });
    plain.reset({ seed: 8 });
    for (let i = 0; i < 20; i++) {
      const a = clipped.step([-7, 3, -2]);
      const b = plain.step([-1, 1, 0]);
      expect(sameBytes(a.observation, b.observation)).toBe(true);
      expect(a.reward).toBe(b.reward);
    }
  });

  it('renders larger human frames and prints the score like "%04i"', () => {
    const env = new CarRacingEnv();
    env.reset({ seed: 9 });
    const h = env.render('human');
    expect([h.width, h.height]).toEqual([600, 400]);
    expect(h.data.length).toBe(600 * 400 * 3);
    expect(formatScore(7.9)).toBe('0007');
    expect(formatScore(-5.3)).toBe('-005');
    expect(formatScore(926.8)).toBe('0926');
  });
});
