import { Rng } from '@worldmodels/core/rng';
import { describe, expect, it } from 'vitest';
import { AGENT_COLOR, AGENT_PADDLE_X, BALL_COLOR, COURT_BOTTOM, COURT_TOP, PADDLE_HEIGHT } from './pong-layout.js';
import { PongEnv } from './pong-env.js';
import { DEFAULT_PONG_PHYSICS, newPongState, stepPong } from './pong-physics.js';

type PongInfo = {
  ballX: number;
  ballY: number;
  ballVx: number;
  ballVy: number;
  ballInPlay: boolean;
  agentPaddleY: number;
  opponentPaddleY: number;
  agentScore: number;
  opponentScore: number;
};

function pixel(frame: Uint8Array, x: number, y: number): number[] {
  const i = (y * 64 + x) * 3;
  return [frame[i]!, frame[i + 1]!, frame[i + 2]!];
}

/** Follows the ball with the paddle centre (a perfect tracker, better than the opponent). */
function tracker(info: PongInfo): number {
  const d = info.ballY - info.agentPaddleY;
  return d < -1 ? 1 : d > 1 ? 2 : 0;
}

describe('Pong-v0', () => {
  it('has 64×64×3 uint8 observations and Discrete(3) actions', () => {
    const env = new PongEnv();
    expect(env.observationSpace.shape).toEqual([64, 64, 3]);
    expect(env.actionSpace.n).toBe(3);
    const { observation, info } = env.reset({ seed: 1 });
    expect(observation).toBeInstanceOf(Uint8Array);
    expect(env.observationSpace.contains(observation)).toBe(true);
    expect(info).toMatchObject({ agentScore: 0, opponentScore: 0, ballX: 32, ballInPlay: false });
  });

  it('is deterministic for a seed and differs across seeds', () => {
    const run = (seed: number) => {
      const env = new PongEnv();
      const frames: Uint8Array[] = [env.reset({ seed }).observation];
      const infos: unknown[] = [];
      const rng = new Rng(99);
      for (let t = 0; t < 300; t++) {
        const s = env.step(rng.int(3));
        frames.push(s.observation);
        infos.push(s.info);
      }
      return { frames, infos };
    };
    const a = run(5);
    const b = run(5);
    const c = run(6);
    expect(b.infos).toEqual(a.infos);
    for (let t = 0; t < a.frames.length; t++) expect(Buffer.compare(a.frames[t]!, b.frames[t]!)).toBe(0);
    expect(c.infos).not.toEqual(a.infos);
  });

  it('draws the 2×2 ball and the paddles where info says they are', () => {
    const env = new PongEnv();
    env.reset({ seed: 2 });
    let s = env.step(0);
    for (let t = 0; t < 40; t++) s = env.step(1);
    const info = s.info as PongInfo;
    const bx = Math.round(info.ballX - 1);
    const by = Math.round(info.ballY - 1);
    for (const [dx, dy] of [[0, 0], [1, 0], [0, 1], [1, 1]] as const) expect(pixel(s.observation, bx + dx, by + dy)).toEqual([...BALL_COLOR]);
    let white = 0;
    for (let y = COURT_TOP; y < COURT_BOTTOM; y++) for (let x = 8; x < 56; x++) if (pixel(s.observation, x, y)[0] === BALL_COLOR[0]) white++;
    expect(white).toBe(4);
    const top = Math.round(info.agentPaddleY - PADDLE_HEIGHT / 2);
    expect(pixel(s.observation, AGENT_PADDLE_X, top)).toEqual([...AGENT_COLOR]);
    expect(pixel(s.observation, AGENT_PADDLE_X, top + PADDLE_HEIGHT - 1)).toEqual([...AGENT_COLOR]);
    expect(pixel(s.observation, AGENT_PADDLE_X, top + PADDLE_HEIGHT)).not.toEqual([...AGENT_COLOR]);
  });

  it('keeps the agent paddle inside the court', () => {
    const env = new PongEnv();
    env.reset({ seed: 3 });
    let info!: PongInfo;
    for (let t = 0; t < 60; t++) info = env.step(1).info as PongInfo;
    expect(info.agentPaddleY).toBe(COURT_TOP + PADDLE_HEIGHT / 2);
    for (let t = 0; t < 60; t++) info = env.step(2).info as PongInfo;
    expect(info.agentPaddleY).toBe(COURT_BOTTOM - PADDLE_HEIGHT / 2);
    // The frame agrees: the paddle's bottom pixel sits on the last court row.
    const obs = env.render().data;
    expect(pixel(obs, AGENT_PADDLE_X, COURT_BOTTOM - 1)).toEqual([...AGENT_COLOR]);
  });

  it('gives ±1 per point, scores it, and re-serves the ball from the centre', () => {
    const env = new PongEnv({ pointsToWin: 5 });
    let prev = env.reset({ seed: 4 }).info as PongInfo;
    const rng = new Rng(4);
    let points = 0;
    for (let t = 0; t < 20_000; t++) {
      const s = env.step(rng.int(3));
      const info = s.info as PongInfo;
      if (s.reward !== 0) {
        points++;
        if (s.reward === 1) {
          expect(prev.ballX).toBeLessThan(6); // it passed the opponent on the left
          expect(info.agentScore).toBe(prev.agentScore + 1);
          expect(info.ballVx).toBeLessThan(0); // served towards the side that conceded
        } else {
          expect(s.reward).toBe(-1);
          expect(prev.ballX).toBeGreaterThan(58);
          expect(info.opponentScore).toBe(prev.opponentScore + 1);
          expect(info.ballVx).toBeGreaterThan(0);
        }
        expect(info.ballX).toBe(32);
        expect(info.ballY).toBe((COURT_TOP + COURT_BOTTOM) / 2);
        expect(info.ballInPlay).toBe(false);
      } else {
        expect(info.agentScore + info.opponentScore).toBe(prev.agentScore + prev.opponentScore);
      }
      prev = info;
      if (s.terminated) break;
    }
    expect(points).toBe(prev.agentScore + prev.opponentScore);
    expect(Math.max(prev.agentScore, prev.opponentScore)).toBe(5);
    expect(() => env.step(0)).toThrow(/after the episode ended/);
  });

  it('ends the game at 21 points; a tracking agent beats the scripted opponent, a random one mostly loses', () => {
    const env = new PongEnv();
    let info = env.reset({ seed: 5 }).info as PongInfo;
    let total = 0;
    for (;;) {
      const s = env.step(tracker(info));
      info = s.info as PongInfo;
      total += s.reward;
      if (s.terminated) break;
    }
    expect(info.agentScore).toBe(21);
    expect(total).toBe(info.agentScore - info.opponentScore);

    const rng = new Rng(5);
    info = env.reset({ seed: 6 }).info as PongInfo;
    for (;;) {
      const s = env.step(rng.int(3));
      info = s.info as PongInfo;
      if (s.terminated) break;
    }
    expect(info.opponentScore).toBe(21);
    expect(info.agentScore).toBeLessThan(15);
  });

  it('bounces the ball off a paddle, steeper off its edge', () => {
    const rng = new Rng(0);
    const hit = (offset: number) => {
      const s = newPongState(rng, DEFAULT_PONG_PHYSICS);
      s.serveTimer = 0;
      s.ballX = AGENT_PADDLE_X - 2;
      s.ballY = 30;
      s.ballVx = 1.5;
      s.ballVy = 0;
      s.agentY = 30 - offset;
      expect(stepPong(s, 0, 0, rng, DEFAULT_PONG_PHYSICS)).toBeNull();
      return s;
    };
    const centre = hit(0);
    expect(centre.ballVx).toBeCloseTo(-1.5 * DEFAULT_PONG_PHYSICS.speedUp, 10);
    expect(centre.ballX).toBeLessThan(AGENT_PADDLE_X);
    expect(centre.ballVy).toBe(0);
    const edge = hit(4);
    expect(edge.ballVx).toBeLessThan(0);
    expect(edge.ballVy).toBeGreaterThan(1.2);
    const miss = hit(7);
    expect(miss.ballVx).toBe(1.5);
  });

  it('rejects bad actions and options with clear errors', () => {
    const env = new PongEnv();
    expect(() => env.step(0)).toThrow(/before reset/);
    env.reset({ seed: 0 });
    expect(() => env.step(3)).toThrow(/integer in \[0, 2\]/);
    expect(() => env.step(Number.NaN)).toThrow(/integer in \[0, 2\]/);
    expect(() => env.step(1.5)).toThrow(/integer in \[0, 2\]/);
    expect(() => env.step([0, 1])).toThrow(/2 values/);
    expect(env.step([2]).reward).toBe(0);
    expect(() => new PongEnv({ pointsToWin: 0 })).toThrow(/pointsToWin/);
    expect(() => new PongEnv({ speed: 2 })).toThrow(/unknown option "speed"/);
    expect(env.render('human')).toMatchObject({ width: 256, height: 256, channels: 3 });
  });
});
