import { Rng } from '@worldmodels/core/rng';
import { describe, expect, it } from 'vitest';
import { fitRidgeProbe, predictProbe, probeLatentPositions, type Positions } from '../experiments/latent-probe.js';

const DIM = 12;

/** Random object positions in a 64×64 Pong court. */
function positions(rng: Rng, n: number): Positions[] {
  return Array.from({ length: n }, () => ({ ballX: 2 + rng.random() * 60, ballY: 12 + rng.random() * 48, opponentPaddleY: 14 + rng.random() * 44, agentPaddleY: 14 + rng.random() * 44 }));
}

function gaussian(rng: Rng): number {
  return Math.sqrt(-2 * Math.log(1 - rng.random())) * Math.cos(2 * Math.PI * rng.random());
}

/** Latents [n, DIM]: a fixed random linear map of the positions (plus `noise`), or pure noise when `linear` is false. */
function latents(rng: Rng, truth: Positions[], linear: boolean, map: number[][], noise = 0): Float32Array {
  const out = new Float32Array(truth.length * DIM);
  truth.forEach((t, i) => {
    const p = [t.ballX, t.ballY, t.opponentPaddleY, t.agentPaddleY];
    for (let j = 0; j < DIM; j++) out[i * DIM + j] = (linear ? map[j]!.reduce((s, a, k) => s + a * p[k]!, 0) / 30 : 0) + (linear ? noise : 1) * gaussian(rng);
  });
  return out;
}

describe('latent probe (experiment support)', () => {
  const rng = new Rng(11);
  const map = Array.from({ length: DIM }, () => Array.from({ length: 4 }, () => gaussian(rng)));
  const trainTruth = positions(rng.derive('train'), 600);
  const testTruth = positions(rng.derive('test'), 300);

  it('reads positions off latents that are a linear map of them (near-zero error, every ball within 2 px)', () => {
    const r = rng.derive('linear');
    const result = probeLatentPositions({ latents: latents(r, trainTruth, true, map, 0.001), truth: trainTruth }, { latents: latents(r, testTruth, true, map, 0.001), truth: testTruth }, DIM);
    expect(result.trainFrames).toBe(600);
    expect(result.testFrames).toBe(300);
    expect(result.probe.ballError).toBeLessThan(0.1);
    expect(result.probe.ballWithinRadius).toBe(1);
    expect(result.probe.opponentPaddleError).toBeLessThan(0.1);
    expect(result.probe.agentPaddleError).toBeLessThan(0.1);
    // The baseline knows only the mean: uniform positions leave it ~20 px off and rarely within 2 px.
    expect(result.baseline.ballError).toBeGreaterThan(15);
    expect(result.baseline.ballWithinRadius).toBeLessThan(0.02);
    expect(result.baseline.opponentPaddleError).toBeGreaterThan(8);
  });

  it('does no better than the mean-position baseline on pure-noise latents', () => {
    const r = rng.derive('noise');
    const result = probeLatentPositions({ latents: latents(r, trainTruth, false, map), truth: trainTruth }, { latents: latents(r, testTruth, false, map), truth: testTruth }, DIM);
    expect(result.probe.ballError).toBeGreaterThan(result.baseline.ballError * 0.97);
    expect(result.probe.ballError).toBeLessThan(result.baseline.ballError * 1.05);
    expect(result.probe.opponentPaddleError).toBeGreaterThan(result.baseline.opponentPaddleError * 0.97);
    expect(result.probe.ballWithinRadius).toBeLessThan(0.03);
  });

  it('recovers the weights and intercept of an exact linear relation', () => {
    // y = 3·x0 − 2·x1 + 5, for rows of two features.
    const r = rng.derive('exact');
    const n = 50;
    const features = new Float32Array(n * 2);
    const targets = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      features[2 * i] = gaussian(r);
      features[2 * i + 1] = gaussian(r);
      targets[i] = 3 * features[2 * i]! - 2 * features[2 * i + 1]! + 5;
    }
    const probe = fitRidgeProbe({ features, targets, count: n }, 2, 1, { lambdas: [1e-9] });
    const [at] = predictProbe(probe, Float32Array.from([1, 1]), 1);
    expect(at).toBeCloseTo(6, 4);
    const [origin] = predictProbe(probe, Float32Array.from([0, 0]), 1);
    expect(origin).toBeCloseTo(5, 4);
  });

  it('names the problem with bad input', () => {
    const truth = trainTruth.slice(0, 10);
    const ok = new Float32Array(10 * DIM);
    expect(() => probeLatentPositions({ latents: new Float32Array(9 * DIM), truth }, { latents: ok, truth }, DIM)).toThrow(/training set has 108 latent values for 10 frames of 12/);
    const nan = ok.slice();
    nan[5] = Number.NaN;
    expect(() => probeLatentPositions({ latents: ok, truth }, { latents: nan, truth }, DIM)).toThrow(/test set features contain a non-finite value/);
    expect(() => probeLatentPositions({ latents: ok, truth }, { latents: ok, truth }, DIM, { lambdas: [0] })).toThrow(/lambdas must be positive/);
    expect(() => fitRidgeProbe({ features: new Float32Array(2), targets: new Float32Array(1), count: 1 }, 2, 1)).toThrow(/too few to hold out a validation block/);
  });
});
