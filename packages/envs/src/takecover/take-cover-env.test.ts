import { Rng } from '@worldmodels/core/rng';
import { describe, expect, it } from 'vitest';
import { DEFAULT_TAKE_COVER_CONFIG } from './take-cover-config.js';
import { TakeCoverEnv, takeCoverActionFromScalar } from './take-cover-env.js';
import { TakeCoverRenderer } from './take-cover-renderer.js';
import { newTakeCoverState, stepTakeCover } from './take-cover-sim.js';

type TakeCoverInfo = { health: number; agentX: number; agentVx: number; fireballs: number; monsters: number; hits: number; damage: number; tick: number };

const EMPTY_ROOM = { initialMonsters: 0, maxMonsters: 0 };

/** The reference's data policy: a uniformly random action held for 1–10 steps. */
function heldRandom(rng: Rng): () => number {
  let action = 1;
  let left = 0;
  return () => {
    if (left === 0) {
      action = rng.int(3);
      left = rng.integer(1, 11);
    }
    left--;
    return action;
  };
}

function meanChannel(frame: Uint8Array, ch: number): number {
  let s = 0;
  for (let i = ch; i < frame.length; i += 3) s += frame[i]!;
  return s / (frame.length / 3);
}

function countFirePixels(frame: Uint8Array): number {
  let n = 0;
  for (let i = 0; i < frame.length; i += 3) if (frame[i]! > 200 && frame[i + 1]! > 90 && frame[i + 2]! < 120) n++;
  return n;
}

describe('TakeCover-v0', () => {
  it('has 64×64×3 observations, Discrete(3) actions and documentation', () => {
    const env = new TakeCoverEnv();
    expect(env.observationSpace.shape).toEqual([64, 64, 3]);
    expect(env.actionSpace.n).toBe(3);
    const { observation, info } = env.reset({ seed: 1 });
    expect(env.observationSpace.contains(observation)).toBe(true);
    expect(info).toMatchObject({ health: 100, agentX: 0, fireballs: 0, monsters: 8, tick: 0 });
    expect(env.doc.episodeEnd).toMatch(/2100/);
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const run = (seed: number) => {
      const env = new TakeCoverEnv();
      const frames = [env.reset({ seed }).observation];
      const infos: unknown[] = [];
      const policy = heldRandom(new Rng(7));
      for (let t = 0; t < 80; t++) {
        const s = env.step(policy());
        frames.push(s.observation);
        infos.push(s.info);
        if (s.terminated) break;
      }
      return { frames, infos };
    };
    const a = run(11);
    const b = run(11);
    expect(b.infos).toEqual(a.infos);
    expect(b.frames.length).toBe(a.frames.length);
    for (let t = 0; t < a.frames.length; t++) expect(Buffer.compare(a.frames[t]!, b.frames[t]!)).toBe(0);
    expect(Buffer.compare(run(12).frames[0]!, a.frames[0]!)).not.toBe(0);
  });

  it('strafes with Doom walking physics and stops at the side walls', () => {
    const env = new TakeCoverEnv({ config: EMPTY_ROOM, supersample: 1 });
    env.reset({ seed: 0 });
    let info = env.step(2).info as TakeCoverInfo;
    expect(info.agentX).toBeCloseTo(0.75, 10);
    let prevX = info.agentX;
    for (let t = 0; t < 39; t++) {
      info = env.step(2).info as TakeCoverInfo;
      const dx = info.agentX - prevX;
      prevX = info.agentX;
      expect(dx).toBeLessThan(8);
      if (t === 38) expect(dx).toBeGreaterThan(7.7); // near the top speed 0.75 / (1 − 0.90625) = 8
    }
    const limit = DEFAULT_TAKE_COVER_CONFIG.roomWidth / 2 - DEFAULT_TAKE_COVER_CONFIG.agentRadius;
    for (let t = 0; t < 200; t++) info = env.step(0).info as TakeCoverInfo;
    expect(info.agentX).toBe(-limit);
    expect(info.agentVx).toBe(0);
    expect(env.step(1).info).toMatchObject({ agentX: -limit });
  });

  it('a fireball that reaches the agent costs 3–24 health and flashes the screen red', () => {
    const cfg = { ...DEFAULT_TAKE_COVER_CONFIG, ...EMPTY_ROOM };
    const rng = new Rng(3);
    const state = newTakeCoverState(rng, cfg);
    const renderer = new TakeCoverRenderer(cfg, 64, 64, 1);
    const before = renderer.render(state);
    state.fireballs.push({ x: 0, y: 300, z: 20, vx: 0, vy: -10, vz: 0 });
    const flying = renderer.render(state);
    expect(countFirePixels(before)).toBe(0);
    expect(countFirePixels(flying)).toBeGreaterThan(0);
    let damage = 0;
    let tics = 0;
    while (damage === 0 && tics < 100) {
      damage = stepTakeCover(state, 0, rng, cfg);
      tics++;
    }
    // From y = 300 at 10 units/tic, the box test (16 + 6 = 22) first passes at y < 32 + 22.
    expect(tics).toBe(25);
    expect(damage % 3).toBe(0);
    expect(damage).toBeGreaterThanOrEqual(3);
    expect(damage).toBeLessThanOrEqual(24);
    expect(state.health).toBe(100 - damage);
    expect(state.hits).toBe(1);
    expect(state.fireballs).toHaveLength(0);
    expect(state.explosions).toHaveLength(1);
    const hurt = renderer.render(state);
    expect(meanChannel(hurt, 0) - meanChannel(hurt, 1)).toBeGreaterThan(meanChannel(before, 0) - meanChannel(before, 1) + 20);
    // A fireball aimed beside the agent misses and bursts on the floor or the wall behind.
    state.fireballs.push({ x: 100, y: 300, z: 20, vx: 0, vy: -10, vz: -0.5 });
    for (let t = 0; t < 40; t++) stepTakeCover(state, 0, rng, cfg);
    expect(state.health).toBe(100 - damage);
    expect(state.fireballs).toHaveLength(0);
  });

  it('reports hits in info, and a standing agent dies: terminated, reward 1 per step, no step after', () => {
    const env = new TakeCoverEnv({ supersample: 1 });
    let info = env.reset({ seed: 2 }).info as TakeCoverInfo;
    let total = 0;
    let steps = 0;
    let sawHit = false;
    for (;;) {
      const s = env.step(1);
      const next = s.info as TakeCoverInfo;
      steps++;
      total += s.reward;
      expect(s.reward).toBe(1);
      if (next.damage > 0) {
        sawHit = true;
        expect(next.health).toBe(info.health - next.damage);
        expect(next.hits).toBe(info.hits + 1);
      } else {
        expect(next.health).toBe(info.health);
      }
      info = next;
      if (s.terminated) {
        expect(s.truncated).toBe(false);
        break;
      }
      expect(steps).toBeLessThan(2100);
    }
    expect(sawHit).toBe(true);
    expect(info.health).toBeLessThanOrEqual(0);
    expect(total).toBe(steps);
    expect(info.tick).toBe(steps);
    expect(() => env.step(1)).toThrow(/after the episode ended/);
  });

  it('truncates at 2100 steps when nothing kills the agent', () => {
    const env = new TakeCoverEnv({ config: EMPTY_ROOM, supersample: 1 });
    env.reset({ seed: 0 });
    const policy = heldRandom(new Rng(0));
    for (let t = 1; t <= 2100; t++) {
      const s = env.step(policy());
      expect(s.terminated).toBe(false);
      expect(s.truncated).toBe(t === 2100);
    }
    expect(() => env.step(1)).toThrow(/after the episode ended/);
    const short = new TakeCoverEnv({ config: EMPTY_ROOM, supersample: 1, maxSteps: 3 });
    short.reset({ seed: 0 });
    expect([short.step(1).truncated, short.step(1).truncated, short.step(1).truncated]).toEqual([false, false, true]);
  });

  it('a random agent (actions held 1–10 steps) survives about as long as in VizDoom (210 ± 108)', () => {
    const env = new TakeCoverEnv({ supersample: 1 });
    const lengths: number[] = [];
    for (let ep = 0; ep < 100; ep++) {
      env.reset({ seed: ep });
      const policy = heldRandom(new Rng(ep).derive('policy'));
      let t = 0;
      for (;;) {
        const s = env.step(policy());
        t++;
        if (s.terminated || s.truncated) break;
      }
      lengths.push(t);
    }
    const mean = lengths.reduce((a, b) => a + b, 0) / lengths.length;
    const std = Math.sqrt(lengths.reduce((a, b) => a + (b - mean) ** 2, 0) / lengths.length);
    expect(mean).toBeGreaterThan(170);
    expect(mean).toBeLessThan(260);
    expect(std).toBeGreaterThan(40);
    expect(std).toBeLessThan(160);
  });

  it('moving changes the view; the human render is 320×240', () => {
    const env = new TakeCoverEnv({ config: EMPTY_ROOM });
    const first = env.reset({ seed: 0 }).observation;
    let obs = first;
    for (let t = 0; t < 10; t++) obs = env.step(2).observation;
    let diff = 0;
    for (let i = 0; i < obs.length; i++) diff += Math.abs(obs[i]! - first[i]!);
    expect(diff / obs.length).toBeGreaterThan(1);
    expect(env.render('human')).toMatchObject({ width: 320, height: 240, channels: 3 });
    expect(env.render().data).toEqual(obs);
  });

  it('rejects bad actions and options with clear errors; maps controller outputs', () => {
    const env = new TakeCoverEnv();
    expect(() => env.step(1)).toThrow(/before reset/);
    env.reset({ seed: 0 });
    expect(() => env.step(-1)).toThrow(/integer in \[0, 2\]/);
    expect(() => env.step(Number.NaN)).toThrow(/integer in \[0, 2\]/);
    expect(() => env.step([1, 1])).toThrow(/2 values/);
    expect(() => new TakeCoverEnv({ maxSteps: 0 })).toThrow(/maxSteps/);
    expect(() => new TakeCoverEnv({ config: { roomWidht: 3 } })).toThrow(/unknown config key "roomWidht"/);
    expect(() => new TakeCoverEnv({ frameskip: 4 })).toThrow(/unknown option "frameskip"/);
    expect([-1, -0.34, 0, 0.34, 1].map(takeCoverActionFromScalar)).toEqual([0, 0, 1, 2, 2]);
    expect(() => takeCoverActionFromScalar(Number.NaN)).toThrow(/finite/);
  });
});
