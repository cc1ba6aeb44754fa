/**
 * Finds the ball and the paddles in a 64×64 Pong-v0 frame (original or reconstructed) by colour,
 * for the latent-content experiment. Colours and geometry are Pong-v0's documented layout: court
 * rows [10, 62), a 2×2 ball in (236, 236, 236), the opponent's paddle (213, 130, 74) in columns
 * [4, 6), the agent's (92, 186, 92) in columns [58, 60); positions are centres in pixels.
 */
export const PONG_FRAME = 64;
const COURT_TOP = 10;
const COURT_BOTTOM = 62;
const BALL: readonly number[] = [236, 236, 236];
const OPPONENT: readonly number[] = [213, 130, 74];
const AGENT: readonly number[] = [92, 186, 92];
const OPPONENT_COLS = [4, 5];
const AGENT_COLS = [58, 59];

/** More ball-coloured court pixels than this is clutter (noise), not a 2×2 ball. */
export const MAX_BALL_PIXELS = 16;

export interface PongObjects {
  /** Centre of the ball-coloured pixels inside the court; null when there are none or more than MAX_BALL_PIXELS. */
  ball: { x: number; y: number; pixels: number } | null;
  /** Ball-coloured pixels inside the court. */
  ballColouredPixels: number;
  /** Vertical centre of each paddle's pixels in its columns, or null when none match. */
  opponentY: number | null;
  agentY: number | null;
}

function near(frame: Uint8Array, at: number, colour: readonly number[], tolerance: number): boolean {
  return Math.abs(frame[at]! - colour[0]!) <= tolerance && Math.abs(frame[at + 1]! - colour[1]!) <= tolerance && Math.abs(frame[at + 2]! - colour[2]!) <= tolerance;
}

/**
 * Detects the objects of one frame ([64, 64, 3] bytes starting at `offset`). A pixel matches a
 * colour when every channel is within `tolerance` of it. The ball is the centre of all
 * ball-coloured court pixels, provided there are at most MAX_BALL_PIXELS of them (a noisy frame
 * with ball-coloured speckles everywhere has no ball).
 */
export function detectPongObjects(frames: Uint8Array, offset = 0, tolerance = 48): PongObjects {
  const at = (x: number, y: number) => offset + (y * PONG_FRAME + x) * 3;
  let sx = 0;
  let sy = 0;
  let n = 0;
  for (let y = COURT_TOP; y < COURT_BOTTOM; y++) {
    for (let x = 0; x < PONG_FRAME; x++) {
      if (near(frames, at(x, y), BALL, tolerance)) {
        sx += x + 0.5;
        sy += y + 0.5;
        n++;
      }
    }
  }
  const paddle = (cols: number[], colour: readonly number[]) => {
    let s = 0;
    let m = 0;
    for (let y = COURT_TOP; y < COURT_BOTTOM; y++) for (const x of cols) if (near(frames, at(x, y), colour, tolerance)) (s += y + 0.5), m++;
    return m > 0 ? s / m : null;
  };
  return { ball: n > 0 && n <= MAX_BALL_PIXELS ? { x: sx / n, y: sy / n, pixels: n } : null, ballColouredPixels: n, opponentY: paddle(OPPONENT_COLS, OPPONENT), agentY: paddle(AGENT_COLS, AGENT) };
}

export interface GroundTruth {
  ballX: number;
  ballY: number;
  opponentPaddleY: number;
  agentPaddleY: number;
}

export interface PositionScores {
  frames: number;
  /** Share of frames whose detected ball centre is within `radius` px of the true one. */
  ballWithinRadius: number;
  /** Share of frames with any ball-coloured pixel in the court. */
  ballPresent: number;
  /** Mean |detected − true| paddle centre (px) over frames where the paddle was found. */
  opponentPaddleError: number | null;
  agentPaddleError: number | null;
  /** Share of frames where each paddle was found. */
  opponentPaddleFound: number;
  agentPaddleFound: number;
}

/** Scores detections in `frames` ([N, 64, 64, 3]) against the env's ground truth. */
export function scorePositions(frames: Uint8Array, truth: readonly GroundTruth[], radius = 2): PositionScores {
  const per = PONG_FRAME * PONG_FRAME * 3;
  if (frames.length !== truth.length * per) throw new Error(`scorePositions: ${frames.length} bytes for ${truth.length} frames of 64×64×3`);
  let within = 0;
  let present = 0;
  const err = { opp: [0, 0], agent: [0, 0] };
  truth.forEach((t, i) => {
    const d = detectPongObjects(frames, i * per);
    if (d.ball) {
      present++;
      if (Math.hypot(d.ball.x - t.ballX, d.ball.y - t.ballY) <= radius) within++;
    }
    if (d.opponentY !== null) (err.opp[0]! += Math.abs(d.opponentY - t.opponentPaddleY)), err.opp[1]!++;
    if (d.agentY !== null) (err.agent[0]! += Math.abs(d.agentY - t.agentPaddleY)), err.agent[1]!++;
  });
  const n = truth.length;
  return {
    frames: n,
    ballWithinRadius: within / n,
    ballPresent: present / n,
    opponentPaddleError: err.opp[1]! > 0 ? err.opp[0]! / err.opp[1]! : null,
    agentPaddleError: err.agent[1]! > 0 ? err.agent[0]! / err.agent[1]! : null,
    opponentPaddleFound: err.opp[1]! / n,
    agentPaddleFound: err.agent[1]! / n,
  };
}

/** Whether the env's ball is in play and drawn wholly inside the court (the frames the experiment scores). */
export function ballVisible(info: GroundTruth & { ballInPlay?: boolean }): boolean {
  return info.ballInPlay !== false && info.ballX >= 1 && info.ballX <= PONG_FRAME - 1 && info.ballY >= COURT_TOP + 1 && info.ballY <= COURT_BOTTOM - 1;
}

/** Scores of K sampled decodes per frame. */
export interface SampleScores {
  frames: number;
  samplesPerFrame: number;
  /** Share of all samples whose detected ball centre is within `radius` px of the true one. */
  sampleBallWithinRadius: number;
  /** Share of frames where at least one of their K samples has the ball within `radius` px. */
  frameAnyBallWithinRadius: number;
  /** Share of samples with a detected ball (any position). */
  sampleBallPresent: number;
  /** Mean |detected − true| paddle centre (px) over the samples where the paddle was found. */
  opponentPaddleError: number | null;
  agentPaddleError: number | null;
  /** Share of samples where each paddle was found. */
  opponentPaddleFound: number;
  agentPaddleFound: number;
}

/**
 * Scores `k` decodes per frame: `frames` is [N·k, 64, 64, 3], frame-major (sample j of frame i
 * at index i·k + j), `truth` holds the N frames' ground truth.
 */
export function scoreSamples(frames: Uint8Array, truth: readonly GroundTruth[], k: number, radius = 2): SampleScores {
  if (!Number.isInteger(k) || k < 1) throw new Error(`scoreSamples: samples per frame must be a positive integer, got ${k}`);
  const per = PONG_FRAME * PONG_FRAME * 3;
  if (frames.length !== truth.length * k * per) throw new Error(`scoreSamples: ${frames.length} bytes for ${truth.length} frames × ${k} samples of 64×64×3`);
  const repeated = truth.flatMap((t) => Array.from({ length: k }, () => t));
  const each = scorePositions(frames, repeated, radius);
  let anyWithin = 0;
  truth.forEach((t, i) => {
    for (let j = 0; j < k; j++) {
      const d = detectPongObjects(frames, (i * k + j) * per);
      if (d.ball && Math.hypot(d.ball.x - t.ballX, d.ball.y - t.ballY) <= radius) {
        anyWithin++;
        break;
      }
    }
  });
  return {
    frames: truth.length,
    samplesPerFrame: k,
    sampleBallWithinRadius: each.ballWithinRadius,
    frameAnyBallWithinRadius: anyWithin / truth.length,
    sampleBallPresent: each.ballPresent,
    opponentPaddleError: each.opponentPaddleError,
    agentPaddleError: each.agentPaddleError,
    opponentPaddleFound: each.opponentPaddleFound,
    agentPaddleFound: each.agentPaddleFound,
  };
}
