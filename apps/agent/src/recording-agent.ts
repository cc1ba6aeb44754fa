import { WorldModelAgent, type AgentStep } from '@worldmodels/world-model';

/** One recorded agent step: the frame it saw and what it did. */
export interface RecordedStep {
  /** The preprocessed frame, uint8 [64, 64, 3]. */
  frame: Uint8Array;
  /** The z C saw (sampled from V). */
  z: Float32Array;
  /** C's raw tanh outputs. */
  output: Float32Array;
}

/**
 * The World Models agent that also keeps every step of the current episode (up to `limit`), so the
 * episode can be replayed through V and M afterwards for a GIF.
 */
export class RecordingAgent extends WorldModelAgent {
  readonly steps: RecordedStep[] = [];
  limit = Number.POSITIVE_INFINITY;

  override reset(): void {
    super.reset();
    this.steps.length = 0;
  }

  override act(frame: Uint8Array): AgentStep {
    const step = super.act(frame);
    if (this.steps.length < this.limit) this.steps.push({ frame: Uint8Array.from(frame), z: step.z, output: step.output });
    return step;
  }
}
