import type { PongState } from './pong-physics.js';
import {
  AGENT_COLOR,
  AGENT_PADDLE_X,
  BACKGROUND,
  BALL_COLOR,
  BALL_SIZE,
  COURT_BOTTOM,
  OPPONENT_COLOR,
  OPPONENT_PADDLE_X,
  PADDLE_HEIGHT,
  PADDLE_WIDTH,
  PONG_SIZE,
  SCORE_BAND_HEIGHT,
  WALL_COLOR,
  WALL_THICKNESS,
  type Rgb,
} from './pong-layout.js';

/** 3×5 bitmaps of the digits 0–9, one string of 15 cells per digit, row-major. */
const DIGITS = [
  '111101101101111',
  '010110010010111',
  '111001111100111',
  '111001111001111',
  '101101111001001',
  '111100111001111',
  '111100111101111',
  '111001001001001',
  '111101111101111',
  '111101111001111',
].map((s) => Array.from(s, (c) => c === '1'));

/** Background, score band and walls, drawn once. */
const BACKDROP: Uint8Array = (() => {
  const f = new Uint8Array(PONG_SIZE * PONG_SIZE * 3);
  fillRect(f, 0, 0, PONG_SIZE, PONG_SIZE, BACKGROUND);
  fillRect(f, 0, SCORE_BAND_HEIGHT, PONG_SIZE, WALL_THICKNESS, WALL_COLOR);
  fillRect(f, 0, COURT_BOTTOM, PONG_SIZE, WALL_THICKNESS, WALL_COLOR);
  return f;
})();

/** Draws the 64×64×3 frame of `state` into a new array (HWC, uint8). */
export function renderPong(state: PongState): Uint8Array {
  const f = new Uint8Array(BACKDROP);
  drawNumber(f, state.opponentScore, 12, 1, OPPONENT_COLOR);
  drawNumber(f, state.agentScore, 44, 1, AGENT_COLOR);
  fillRect(f, OPPONENT_PADDLE_X, Math.round(state.opponentY - PADDLE_HEIGHT / 2), PADDLE_WIDTH, PADDLE_HEIGHT, OPPONENT_COLOR);
  fillRect(f, AGENT_PADDLE_X, Math.round(state.agentY - PADDLE_HEIGHT / 2), PADDLE_WIDTH, PADDLE_HEIGHT, AGENT_COLOR);
  fillRect(f, Math.round(state.ballX - BALL_SIZE / 2), Math.round(state.ballY - BALL_SIZE / 2), BALL_SIZE, BALL_SIZE, BALL_COLOR);
  return f;
}

/** Nearest-neighbour upscale of a square HWC frame by an integer factor (for `human` rendering). */
export function upscale(frame: Uint8Array, size: number, factor: number): Uint8Array {
  const out = new Uint8Array(size * factor * size * factor * 3);
  const outSize = size * factor;
  for (let y = 0; y < outSize; y++) {
    const sy = (y / factor) | 0;
    for (let x = 0; x < outSize; x++) {
      const s = (sy * size + ((x / factor) | 0)) * 3;
      const d = (y * outSize + x) * 3;
      out[d] = frame[s]!;
      out[d + 1] = frame[s + 1]!;
      out[d + 2] = frame[s + 2]!;
    }
  }
  return out;
}

/** A score 0–99 in the 3×5 font: tens digit at column `x` (omitted below 10), units digit at `x + 4`. */
function drawNumber(f: Uint8Array, value: number, x: number, y: number, color: Rgb): void {
  const v = Math.max(0, Math.min(99, value));
  if (v >= 10) drawDigit(f, Math.floor(v / 10), x, y, color);
  drawDigit(f, v % 10, x + 4, y, color);
}

function drawDigit(f: Uint8Array, digit: number, x: number, y: number, color: Rgb): void {
  const cells = DIGITS[digit]!;
  for (let r = 0; r < 5; r++) {
    for (let c = 0; c < 3; c++) {
      if (cells[r * 3 + c]) fillRect(f, x + c, y + r, 1, 1, color);
    }
  }
}

/** Fills the rectangle [x, x+w) × [y, y+h), clipped to the frame. */
function fillRect(f: Uint8Array, x: number, y: number, w: number, h: number, color: Rgb): void {
  const x0 = Math.max(0, x);
  const x1 = Math.min(PONG_SIZE, x + w);
  const y0 = Math.max(0, y);
  const y1 = Math.min(PONG_SIZE, y + h);
  for (let yy = y0; yy < y1; yy++) {
    for (let xx = x0; xx < x1; xx++) {
      const i = (yy * PONG_SIZE + xx) * 3;
      f[i] = color[0];
      f[i + 1] = color[1];
      f[i + 2] = color[2];
    }
  }
}
