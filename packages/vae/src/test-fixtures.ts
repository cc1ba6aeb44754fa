import { DatasetWriter } from '@worldmodels/core/dataset';
import { Rng } from '@worldmodels/core/rng';

/**
 * Test fixture: `count` synthetic 64×64×3 frames (a coloured background with a moving block),
 * uint8 flat HWC, reproducible from `seed`.
 */
export function syntheticFrames(count: number, seed: number): Uint8Array {
  const rng = new Rng(seed);
  const out = new Uint8Array(count * 64 * 64 * 3);
  const bg = [rng.int(256), rng.int(256), rng.int(256)];
  for (let n = 0; n < count; n++) {
    const x0 = rng.int(48);
    const y0 = rng.int(48);
    const colour = [rng.int(256), rng.int(256), rng.int(256)];
    for (let y = 0; y < 64; y++) {
      for (let x = 0; x < 64; x++) {
        const inside = x >= x0 && x < x0 + 16 && y >= y0 && y < y0 + 16;
        for (let c = 0; c < 3; c++) out[((n * 64 + y) * 64 + x) * 3 + c] = inside ? colour[c]! : bg[c]!;
      }
    }
  }
  return out;
}

/** Writes a small rollout data set of `episodes` × `length` synthetic frames with 3-d actions. */
export async function writeSyntheticRollouts(dir: string, episodes: number, length: number, seed = 1): Promise<void> {
  const writer = await DatasetWriter.open(dir, { env: 'Synthetic-v0', observationShape: [64, 64, 3], actionShape: [3] });
  const rng = new Rng(seed);
  for (let e = 0; e < episodes; e++) {
    const dones = new Uint8Array(length);
    dones[length - 1] = 1;
    await writer.writeEpisode(
      {
        observations: syntheticFrames(length, seed * 1000 + e),
        actions: rng.fillUniform(new Float32Array(length * 3), -1, 1),
        rewards: rng.fillNormal(new Float32Array(length)),
        dones,
      },
      { id: e, seed: e },
    );
  }
}
