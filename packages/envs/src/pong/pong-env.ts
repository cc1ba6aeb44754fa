import { Rng } from '@worldmodels/core/rng';
import { checkDiscreteAction, EpisodeState } from '../action-check.js';
import type { Env, EnvDoc, Info, RenderFrame, RenderMode, ResetResult, StepResult } from '../env.js';
import { Box, Discrete } from '../spaces.js';
import { AGENT_PADDLE_X, OPPONENT_PADDLE_X, PADDLE_WIDTH, PONG_SIZE } from './pong-layout.js';
import { DEFAULT_PONG_PHYSICS, newPongState, stepPong, type PongPhysics, type PongState } from './pong-physics.js';
import { renderPong, upscale } from './pong-render.js';
import { DEFAULT_OPPONENT, ScriptedOpponent } from './scripted-opponent.js';

/** Agent actions of Pong-v0 (Discrete(3)), in the order of the ALE's minimal Pong set. */
export const PONG_ACTIONS = ['NOOP', 'UP', 'DOWN'] as const;

export interface PongOptions {
  /** Points that win the game and end the episode (default 21, as Atari Pong). */
  pointsToWin?: number;
  /** Opponent paddle top speed in pixels per frame (default 1.5; the agent's is 2). */
  opponentSpeed?: number;
  /** Opponent reaction lag in frames (default 4). */
  opponentLag?: number;
  /** Agent paddle speed in pixels per frame (default 2). */
  agentSpeed?: number;
}

const HUMAN_SCALE = 4;

export const PONG_DOC: EnvDoc = {
  description:
    'Pong-v0: two paddles and a ball on a 64×64 court in the colours of Atari 2600 Pong. The agent plays the green paddle on the right against a scripted orange paddle on the left that tracks the ball with a 4-frame reaction lag and a top speed (1.5 px/frame) below the agent\'s (2 px/frame) and below the ball\'s steepest vertical speed, so it can be beaten by hitting the ball with a paddle edge. The ball is 2×2 pixels, small on purpose (a plain VAE tends to lose it). info carries the ground truth: ballX, ballY, ballVx, ballVy, agentPaddleY, opponentPaddleY (centres, in pixels), the paddle columns, and the scores.',
  actionSpace: 'Discrete(3): 0 NOOP, 1 UP (paddle moves 2 px up), 2 DOWN (2 px down). A one-element array [a] is accepted too.',
  observationSpace: 'Box(0, 255, [64, 64, 3], uint8): the RGB frame, HWC. Rows 0–7 show the scores (opponent left, agent right), rows 8–9 and 62–63 are the walls.',
  rewards: '+1 when the ball passes the opponent, −1 when it passes the agent, 0 otherwise. The ball is re-served from the centre after 16 frames, towards the side that conceded.',
  episodeEnd: 'Terminated when either side reaches 21 points (option pointsToWin). No time limit of its own; wrap it in a TimeLimit if needed.',
};

/** Pong-v0: Atari-style Pong against a beatable scripted opponent, 64×64×3 frames. */
export class PongEnv implements Env {
  readonly id = 'Pong-v0';
  readonly observationSpace = new Box({ low: 0, high: 255, shape: [PONG_SIZE, PONG_SIZE, 3], dtype: 'uint8' });
  readonly actionSpace = new Discrete(3);
  readonly doc = PONG_DOC;

  private readonly pointsToWin: number;
  private readonly physics: PongPhysics;
  private readonly opponent: ScriptedOpponent;
  private readonly episode = new EpisodeState(this.id);
  private rng: Rng | null = null;
  private state: PongState | null = null;
  private frame: Uint8Array | null = null;

  constructor(options: Record<string, unknown> = {}) {
    const o = parseOptions(options);
    this.pointsToWin = o.pointsToWin ?? 21;
    this.physics = { ...DEFAULT_PONG_PHYSICS, agentSpeed: o.agentSpeed ?? DEFAULT_PONG_PHYSICS.agentSpeed };
    this.opponent = new ScriptedOpponent({
      ...DEFAULT_OPPONENT,
      maxSpeed: o.opponentSpeed ?? DEFAULT_OPPONENT.maxSpeed,
      lag: o.opponentLag ?? DEFAULT_OPPONENT.lag,
    });
  }

  reset(options: { seed?: number } = {}): ResetResult<Uint8Array> {
    this.episode.assertCanReset();
    if (options.seed !== undefined) this.rng = new Rng(options.seed);
    else if (this.rng === null) this.rng = new Rng(Math.floor(Math.random() * 2 ** 31));
    this.state = newPongState(this.rng, this.physics);
    this.opponent.reset();
    this.episode.started();
    this.frame = renderPong(this.state);
    return { observation: this.frame, info: this.info() };
  }

  step(action: number | number[] | Float32Array): StepResult<Uint8Array> {
    this.episode.assertCanStep();
    const a = checkDiscreteAction(this.id, this.actionSpace, action);
    const state = this.state!;
    const agentDy = a === 1 ? -this.physics.agentSpeed : a === 2 ? this.physics.agentSpeed : 0;
    const opponentDy = this.opponent.act(state);
    const scorer = stepPong(state, agentDy, opponentDy, this.rng!, this.physics);
    const reward = scorer === 'agent' ? 1 : scorer === 'opponent' ? -1 : 0;
    const terminated = state.agentScore >= this.pointsToWin || state.opponentScore >= this.pointsToWin;
    this.episode.stepped(terminated, false);
    this.frame = renderPong(state);
    return { observation: this.frame, reward, terminated, truncated: false, info: this.info() };
  }

  render(mode: RenderMode = 'rgb_array'): RenderFrame {
    if (this.frame === null) throw new Error(`${this.id}: render() called before reset()`);
    if (mode === 'rgb_array') return { data: new Uint8Array(this.frame), width: PONG_SIZE, height: PONG_SIZE, channels: 3 };
    if (mode === 'human') {
      const size = PONG_SIZE * HUMAN_SCALE;
      return { data: upscale(this.frame, PONG_SIZE, HUMAN_SCALE), width: size, height: size, channels: 3 };
    }
    throw new Error(`${this.id}: unknown render mode ${JSON.stringify(mode)}; use 'rgb_array' or 'human'`);
  }

  close(): void {
    this.episode.closed();
    this.state = null;
  }

  private info(): Info {
    const s = this.state!;
    return {
      ballX: s.ballX,
      ballY: s.ballY,
      ballVx: s.ballVx,
      ballVy: s.ballVy,
      ballInPlay: s.serveTimer === 0,
      agentPaddleY: s.agentY,
      opponentPaddleY: s.opponentY,
      agentPaddleX: AGENT_PADDLE_X + PADDLE_WIDTH / 2,
      opponentPaddleX: OPPONENT_PADDLE_X + PADDLE_WIDTH / 2,
      agentScore: s.agentScore,
      opponentScore: s.opponentScore,
    };
  }
}

function parseOptions(options: Record<string, unknown>): PongOptions {
  if (options === null || typeof options !== 'object') throw new Error(`Pong-v0: options must be an object, got ${String(options)}`);
  const known = ['pointsToWin', 'opponentSpeed', 'opponentLag', 'agentSpeed'];
  for (const key of Object.keys(options)) {
    if (!known.includes(key)) throw new Error(`Pong-v0: unknown option ${JSON.stringify(key)}; known options: ${known.join(', ')}`);
  }
  const out: PongOptions = {};
  const { pointsToWin, opponentSpeed, opponentLag, agentSpeed } = options;
  if (pointsToWin !== undefined) {
    if (!Number.isInteger(pointsToWin) || (pointsToWin as number) < 1) throw new Error(`Pong-v0: pointsToWin must be a positive integer, got ${String(pointsToWin)}`);
    out.pointsToWin = pointsToWin as number;
  }
  if (opponentSpeed !== undefined) {
    if (typeof opponentSpeed !== 'number' || !(opponentSpeed > 0)) throw new Error(`Pong-v0: opponentSpeed must be a positive number, got ${String(opponentSpeed)}`);
    out.opponentSpeed = opponentSpeed;
  }
  if (opponentLag !== undefined) {
    if (!Number.isInteger(opponentLag) || (opponentLag as number) < 0) throw new Error(`Pong-v0: opponentLag must be a non-negative integer, got ${String(opponentLag)}`);
    out.opponentLag = opponentLag as number;
  }
  if (agentSpeed !== undefined) {
    if (typeof agentSpeed !== 'number' || !(agentSpeed > 0)) throw new Error(`Pong-v0: agentSpeed must be a positive number, got ${String(agentSpeed)}`);
    out.agentSpeed = agentSpeed;
  }
  return out;
}
