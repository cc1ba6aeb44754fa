import { make } from '@worldmodels/envs';
import { describe, expect, it } from 'vitest';
import { doubleFrames, halveFrames } from '../experiments/pong-frames.js';
import { ballVisible, scorePositions, type GroundTruth } from '../experiments/pong-objects.js';

describe('halving and doubling frames (experiment support)', () => {
  it('halves by taking even rows and columns and doubles into 2×2 blocks', () => {
    // Two 4×4 frames whose pixel (x, y) of frame n holds (n, y, x).
    const frames = new Uint8Array(2 * 4 * 4 * 3);
    for (let n = 0; n < 2; n++) for (let y = 0; y < 4; y++) for (let x = 0; x < 4; x++) frames.set([n, y, x], ((n * 4 + y) * 4 + x) * 3);
    const half = halveFrames(frames, 4);
    expect(Array.from(half)).toEqual([0, 0, 0, 0, 0, 2, 0, 2, 0, 0, 2, 2, 1, 0, 0, 1, 0, 2, 1, 2, 0, 1, 2, 2]);
    const doubled = doubleFrames(half, 2);
    expect(doubled.length).toBe(frames.length);
    // Pixel (3, 1) of frame 1 comes from the half-size pixel (1, 0), i.e. the original (2, 0).
    expect(Array.from(doubled.subarray(((1 * 4 + 1) * 4 + 3) * 3, ((1 * 4 + 1) * 4 + 3) * 3 + 3))).toEqual([1, 0, 2]);
    expect(() => halveFrames(frames, 3)).toThrow(/odd/);
    expect(() => halveFrames(frames.subarray(1), 4)).toThrow(/whole number of 4×4×3 frames/);
    expect(() => doubleFrames(frames.subarray(1), 2)).toThrow(/whole number of 2×2×3 frames/);
  });

  it('a halved-and-doubled Pong frame keeps the ball within 2 px and the paddles within 1 px', () => {
    const env = make('Pong-v0');
    env.reset({ seed: 11 });
    const frames: Uint8Array[] = [];
    const truth: GroundTruth[] = [];
    for (let t = 0; t < 300 && frames.length < 100; t++) {
      const s = env.step(t % 7 < 3 ? 1 : 2);
      const info = s.info as unknown as GroundTruth & { ballInPlay: boolean };
      if (s.terminated) break;
      if (!ballVisible(info)) continue;
      frames.push(s.observation as Uint8Array);
      truth.push(info);
    }
    expect(frames.length).toBeGreaterThan(50);
    const all = new Uint8Array(frames.length * 64 * 64 * 3);
    frames.forEach((f, i) => all.set(f, i * 64 * 64 * 3));
    const scores = scorePositions(doubleFrames(halveFrames(all, 64), 32), truth);
    expect(scores.ballPresent).toBe(1);
    expect(scores.ballWithinRadius).toBeGreaterThan(0.9);
    expect(scores.opponentPaddleFound).toBe(1);
    expect(scores.agentPaddleFound).toBe(1);
    expect(scores.opponentPaddleError!).toBeLessThanOrEqual(1);
    expect(scores.agentPaddleError!).toBeLessThanOrEqual(1);
  });
});
