import type { Rng } from '@worldmodels/core/rng';
import {
  AGENT_PADDLE_X,
  BALL_SIZE,
  COURT_BOTTOM,
  COURT_TOP,
  OPPONENT_PADDLE_X,
  PADDLE_HEIGHT,
  PADDLE_WIDTH,
  PONG_SIZE,
} from './pong-layout.js';

/** The full state of a Pong game, in pixel units of the 64×64 court (positions are centres). */
export interface PongState {
  ballX: number;
  ballY: number;
  /** Pixels per frame; positive to the right (towards the agent). */
  ballVx: number;
  /** Pixels per frame; positive downwards. */
  ballVy: number;
  /** Centre row of the agent's (right) paddle. */
  agentY: number;
  /** Centre row of the opponent's (left) paddle. */
  opponentY: number;
  agentScore: number;
  opponentScore: number;
  /** Frames the ball still waits at the centre before the serve. */
  serveTimer: number;
}

/** Tunable speeds of the game; the defaults make a scripted opponent that can be beaten. */
export interface PongPhysics {
  /** Agent paddle speed in pixels per frame. */
  agentSpeed: number;
  /** Horizontal ball speed at a serve. */
  serveSpeed: number;
  /** Horizontal speed gain per paddle hit (multiplicative). */
  speedUp: number;
  /** Horizontal speed cap. */
  maxBallVx: number;
  /** Vertical speed given by a hit at the very edge of a paddle. */
  maxBallVy: number;
  /** Frames the ball rests at the centre before each serve. */
  serveDelay: number;
}

export const DEFAULT_PONG_PHYSICS: PongPhysics = {
  agentSpeed: 2,
  serveSpeed: 1.5,
  speedUp: 1.05,
  maxBallVx: 3,
  maxBallVy: 2,
  serveDelay: 16,
};

const HALF_BALL = BALL_SIZE / 2;
const HALF_PADDLE = PADDLE_HEIGHT / 2;
const COURT_MID_Y = (COURT_TOP + COURT_BOTTOM) / 2;
/** Paddle centres stay inside the court. */
export const PADDLE_MIN_Y = COURT_TOP + HALF_PADDLE;
export const PADDLE_MAX_Y = COURT_BOTTOM - HALF_PADDLE;
/** Face (ball side) of each paddle. */
const AGENT_FACE_X = AGENT_PADDLE_X;
const OPPONENT_FACE_X = OPPONENT_PADDLE_X + PADDLE_WIDTH;

/** A new game: scores 0–0, paddles centred, ball waiting to be served in a random direction. */
export function newPongState(rng: Rng, physics: PongPhysics): PongState {
  const state: PongState = {
    ballX: 0,
    ballY: 0,
    ballVx: 0,
    ballVy: 0,
    agentY: COURT_MID_Y,
    opponentY: COURT_MID_Y,
    agentScore: 0,
    opponentScore: 0,
    serveTimer: 0,
  };
  placeServe(state, rng.random() < 0.5 ? -1 : 1, rng, physics);
  return state;
}

/** Puts the ball at the centre, aimed towards `direction` (−1 left, +1 right), to leave after the serve delay. */
export function placeServe(state: PongState, direction: -1 | 1, rng: Rng, physics: PongPhysics): void {
  state.ballX = PONG_SIZE / 2;
  state.ballY = COURT_MID_Y;
  state.ballVx = direction * physics.serveSpeed;
  // At least a little vertical motion, so rallies are not perfectly flat.
  const vy = rng.uniform(0.3, 1.2);
  state.ballVy = rng.random() < 0.5 ? -vy : vy;
  state.serveTimer = physics.serveDelay;
}

export function clampPaddle(y: number): number {
  return Math.min(PADDLE_MAX_Y, Math.max(PADDLE_MIN_Y, y));
}

/**
 * Advances the game one frame: paddles move by the given displacements (already limited to each
 * side's speed), the ball moves, bounces off the walls and the paddles, and a point is scored when
 * it leaves the court. Returns who scored this frame, if anyone; the ball is then placed for the
 * next serve, towards the side that conceded.
 */
export function stepPong(state: PongState, agentDy: number, opponentDy: number, rng: Rng, physics: PongPhysics): 'agent' | 'opponent' | null {
  state.agentY = clampPaddle(state.agentY + agentDy);
  state.opponentY = clampPaddle(state.opponentY + opponentDy);

  if (state.serveTimer > 0) {
    state.serveTimer--;
    return null;
  }

  const px = state.ballX;
  const py = state.ballY;
  let nx = px + state.ballVx;
  let ny = py + state.ballVy;

  // Walls: reflect the ball's edge about the wall line.
  if (ny - HALF_BALL < COURT_TOP) {
    ny = 2 * (COURT_TOP + HALF_BALL) - ny;
    state.ballVy = Math.abs(state.ballVy);
  } else if (ny + HALF_BALL > COURT_BOTTOM) {
    ny = 2 * (COURT_BOTTOM - HALF_BALL) - ny;
    state.ballVy = -Math.abs(state.ballVy);
  }

  // Paddles: the ball's leading edge crosses the paddle face this frame.
  if (state.ballVx > 0 && px + HALF_BALL <= AGENT_FACE_X && nx + HALF_BALL > AGENT_FACE_X) {
    const t = (AGENT_FACE_X - (px + HALF_BALL)) / (nx - px);
    const yAtFace = py + (ny - py) * t;
    const offset = (yAtFace - state.agentY) / (HALF_PADDLE + HALF_BALL);
    if (Math.abs(offset) < 1) {
      nx = 2 * (AGENT_FACE_X - HALF_BALL) - nx;
      bounce(state, -1, offset, physics);
    }
  } else if (state.ballVx < 0 && px - HALF_BALL >= OPPONENT_FACE_X && nx - HALF_BALL < OPPONENT_FACE_X) {
    const t = (px - HALF_BALL - OPPONENT_FACE_X) / (px - nx);
    const yAtFace = py + (ny - py) * t;
    const offset = (yAtFace - state.opponentY) / (HALF_PADDLE + HALF_BALL);
    if (Math.abs(offset) < 1) {
      nx = 2 * (OPPONENT_FACE_X + HALF_BALL) - nx;
      bounce(state, 1, offset, physics);
    }
  }

  state.ballX = nx;
  state.ballY = ny;

  if (nx + HALF_BALL < 0) {
    state.agentScore++;
    placeServe(state, -1, rng, physics);
    return 'agent';
  }
  if (nx - HALF_BALL > PONG_SIZE) {
    state.opponentScore++;
    placeServe(state, 1, rng, physics);
    return 'opponent';
  }
  return null;
}

/**
 * A paddle hit: the ball turns to `direction`, speeds up, and leaves at a vertical speed set by
 * where it struck the paddle (`offset` in (−1, 1), centre 0, edges ±1), as in Atari Pong.
 */
function bounce(state: PongState, direction: -1 | 1, offset: number, physics: PongPhysics): void {
  const speed = Math.min(physics.maxBallVx, Math.abs(state.ballVx) * physics.speedUp);
  state.ballVx = direction * speed;
  const vy = offset * physics.maxBallVy + 0.25 * state.ballVy;
  state.ballVy = Math.max(-physics.maxBallVy, Math.min(physics.maxBallVy, vy));
}
