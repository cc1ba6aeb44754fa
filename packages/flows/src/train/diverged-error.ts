/**
 * Thrown when a training step produces a non-finite loss, gradient or parameter (Glow's known
 * failure mode at a high learning rate). The parameters were not updated by the failing step and
 * the checkpoint directory still holds the last good checkpoint.
 */
export class FlowTrainingDivergedError extends Error {
  constructor(
    readonly step: number,
    readonly what: string,
    /** Path of the last good checkpoint (null when none was written yet). */
    readonly lastGoodCheckpoint: string | null,
  ) {
    super(
      `flow training diverged at step ${step}: ${what}; the parameters were not updated by this step` +
        (lastGoodCheckpoint ? `, and the last good checkpoint is ${lastGoodCheckpoint}` : ' (no checkpoint had been written yet)') +
        '. Lower the learning rate, lengthen the warm-up, or use additive coupling.',
    );
    this.name = 'FlowTrainingDivergedError';
  }
}
