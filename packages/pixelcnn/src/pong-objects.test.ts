import { make } from '@worldmodels/envs';
import { Rng } from '@worldmodels/core/rng';
import { describe, expect, it } from 'vitest';
import { ballVisible, detectPongObjects, scorePositions, scoreSamples, type GroundTruth } from '../experiments/pong-objects.js';

describe('Pong object detector (experiment support)', () => {
  it('finds the ball and both paddles in real Pong-v0 frames at their true positions', () => {
    const env = make('Pong-v0');
    const rng = new Rng(3);
    env.reset({ seed: 4 });
    const frames: Uint8Array[] = [];
    const truth: GroundTruth[] = [];
    for (let t = 0; t < 200; t++) {
      const s = env.step(rng.int(3));
      const info = s.info as unknown as GroundTruth & { ballInPlay: boolean };
      if (!ballVisible(info)) continue;
      frames.push(s.observation as Uint8Array);
      truth.push(info);
      if (s.terminated || s.truncated) break;
    }
    expect(truth.length).toBeGreaterThan(50);
    const all = new Uint8Array(frames.length * 64 * 64 * 3);
    frames.forEach((f, i) => all.set(f, i * 64 * 64 * 3));
    const scores = scorePositions(all, truth);
    expect(scores.ballWithinRadius).toBe(1);
    expect(scores.opponentPaddleFound).toBe(1);
    expect(scores.agentPaddleFound).toBe(1);
    expect(scores.opponentPaddleError!).toBeLessThan(1);
    expect(scores.agentPaddleError!).toBeLessThan(1);
    // An empty court (every pixel the background colour) has no objects.
    const blank = new Uint8Array(64 * 64 * 3);
    for (let i = 0; i < blank.length; i += 3) blank.set([144, 72, 17], i);
    expect(detectPongObjects(blank)).toEqual({ ball: null, ballColouredPixels: 0, opponentY: null, agentY: null });
    // Speckles of ball colour all over the court are clutter, not a ball, even around the true position.
    const speckled = blank.slice();
    for (let y = 10; y < 62; y += 3) for (let x = 0; x < 64; x += 3) speckled.set([236, 236, 236], (y * 64 + x) * 3);
    expect(detectPongObjects(speckled).ball).toBeNull();
    expect(scorePositions(blank, [truth[0]!]).ballWithinRadius).toBe(0);
  });

  it('scores K samples per frame: the share of samples and of frames with any sample on the ball', () => {
    const env = make('Pong-v0');
    env.reset({ seed: 7 });
    const per = 64 * 64 * 3;
    const frames: Uint8Array[] = [];
    const truth: GroundTruth[] = [];
    for (let t = 0; t < 300 && truth.length < 3; t++) {
      const s = env.step(t % 3);
      const info = s.info as unknown as GroundTruth & { ballInPlay: boolean };
      if (ballVisible(info)) frames.push((s.observation as Uint8Array).slice()), truth.push({ ...info });
    }
    expect(truth).toHaveLength(3);
    const blank = new Uint8Array(per);
    for (let i = 0; i < per; i += 3) blank.set([144, 72, 17], i);
    // Two samples per frame: frame 0 [true, blank], frame 1 [blank, blank], frame 2 [true, true].
    const samples = new Uint8Array(6 * per);
    [frames[0]!, blank, blank, blank, frames[2]!, frames[2]!].forEach((f, i) => samples.set(f, i * per));
    const s = scoreSamples(samples, truth, 2);
    expect(s.frames).toBe(3);
    expect(s.samplesPerFrame).toBe(2);
    expect(s.sampleBallWithinRadius).toBeCloseTo(3 / 6, 10);
    expect(s.frameAnyBallWithinRadius).toBeCloseTo(2 / 3, 10);
    expect(s.sampleBallPresent).toBeCloseTo(3 / 6, 10);
    expect(s.opponentPaddleFound).toBeCloseTo(3 / 6, 10);
    expect(s.opponentPaddleError!).toBeLessThan(1);
    // A ball drawn at another frame's position does not count for this frame.
    const far = truth.map((t) => ({ ...t, ballX: t.ballX > 32 ? t.ballX - 20 : t.ballX + 20 }));
    expect(scoreSamples(samples, far, 2).frameAnyBallWithinRadius).toBe(0);
    expect(() => scoreSamples(samples, truth, 4)).toThrow(/bytes for 3 frames × 4 samples/);
    expect(() => scoreSamples(samples, truth, 0)).toThrow(/positive integer, got 0/);
    env.close();
  });
});
