import type { PongState } from './pong-physics.js';
import { COURT_BOTTOM, COURT_TOP } from './pong-layout.js';

export interface ScriptedOpponentOptions {
  /** Largest paddle move per frame, in pixels; below the ball's top vertical speed so steep shots get past. */
  maxSpeed: number;
  /** Frames between seeing the ball and acting on it (reaction lag). */
  lag: number;
  /** Pixels of error tolerated before the paddle moves at all. */
  deadZone: number;
}

export const DEFAULT_OPPONENT: ScriptedOpponentOptions = { maxSpeed: 1.5, lag: 4, deadZone: 1.5 };

/**
 * The left player: an imperfect tracker. It follows where the ball was `lag` frames ago, moves at
 * most `maxSpeed` pixels a frame, and drifts back to the middle while the ball travels away. A
 * ball hit near a paddle's edge leaves faster vertically than the opponent can move, so a good
 * agent can win points.
 */
export class ScriptedOpponent {
  private readonly history: Float64Array;
  private readonly towardsHistory: Uint8Array;
  private cursor = 0;
  private filled = 0;

  constructor(private readonly options: ScriptedOpponentOptions = DEFAULT_OPPONENT) {
    if (!(options.maxSpeed > 0)) throw new Error(`Pong opponent maxSpeed must be positive, got ${options.maxSpeed}`);
    if (!Number.isInteger(options.lag) || options.lag < 0) throw new Error(`Pong opponent lag must be a non-negative integer, got ${options.lag}`);
    this.history = new Float64Array(options.lag + 1);
    this.towardsHistory = new Uint8Array(options.lag + 1);
  }

  reset(): void {
    this.cursor = 0;
    this.filled = 0;
  }

  /** The paddle displacement for this frame, given the state the opponent sees now. */
  act(state: PongState): number {
    const size = this.history.length;
    this.history[this.cursor] = state.ballY;
    this.towardsHistory[this.cursor] = state.ballVx < 0 && state.serveTimer === 0 ? 1 : 0;
    this.cursor = (this.cursor + 1) % size;
    if (this.filled < size) this.filled++;
    // The oldest remembered frame: `lag` frames ago once the buffer is full.
    const oldest = this.filled < size ? 0 : this.cursor;
    const seenY = this.history[oldest]!;
    const seenTowards = this.towardsHistory[oldest] === 1;
    const target = seenTowards ? seenY : (COURT_TOP + COURT_BOTTOM) / 2;
    const speed = seenTowards ? this.options.maxSpeed : this.options.maxSpeed / 2;
    const error = target - state.opponentY;
    if (Math.abs(error) <= this.options.deadZone) return 0;
    return Math.max(-speed, Math.min(speed, error));
  }
}
