/**
 * Geometry and colours of the Pong court, in pixels of the 64×64 frame.
 *
 * The layout follows Atari 2600 Pong as the ALE shows it, scaled down: score digits in a band at
 * the top, white walls above and below the court, the opponent's (orange) paddle on the left, the
 * agent's (green) paddle on the right, and a ball of only 2×2 pixels — small on purpose, so that a
 * plain VAE tends to lose it, as it loses Atari Pong's ball.
 */
export const PONG_SIZE = 64;

/** Rows 0..7 hold the scores. */
export const SCORE_BAND_HEIGHT = 8;
/** Top wall rows [8, 10), bottom wall rows [62, 64). */
export const WALL_THICKNESS = 2;
/** First row inside the court. */
export const COURT_TOP = SCORE_BAND_HEIGHT + WALL_THICKNESS; // 10
/** One past the last row inside the court. */
export const COURT_BOTTOM = PONG_SIZE - WALL_THICKNESS; // 62

export const PADDLE_WIDTH = 2;
export const PADDLE_HEIGHT = 8;
/** Opponent paddle occupies columns [4, 6). */
export const OPPONENT_PADDLE_X = 4;
/** Agent paddle occupies columns [58, 60). */
export const AGENT_PADDLE_X = PONG_SIZE - 4 - PADDLE_WIDTH;

/** The ball is a BALL_SIZE × BALL_SIZE square; its position is its centre. */
export const BALL_SIZE = 2;

export type Rgb = readonly [number, number, number];
export const BACKGROUND: Rgb = [144, 72, 17];
export const WALL_COLOR: Rgb = [236, 236, 236];
export const BALL_COLOR: Rgb = [236, 236, 236];
export const OPPONENT_COLOR: Rgb = [213, 130, 74];
export const AGENT_COLOR: Rgb = [92, 186, 92];
