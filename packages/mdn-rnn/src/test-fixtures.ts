import { DatasetWriter } from '@worldmodels/core/dataset';
import { Rng } from '@worldmodels/core/rng';

/**
 * Test fixture: an encoded series set like encodeDataset writes (mu, logvar [T, Z], actions
 * [T, A], rewards, dones), with smooth latents z_t = sin(0.3·t + d + e) so sequences are learnable.
 */
export async function writeSyntheticSeries(dir: string, options: { episodes: number; length: number; zSize: number; actionSize: number; seed?: number }): Promise<void> {
  const { episodes, length, zSize, actionSize } = options;
  const writer = await DatasetWriter.open(dir, {
    arrays: {
      mu: { dtype: 'float32', shape: [zSize] },
      logvar: { dtype: 'float32', shape: [zSize] },
      actions: { dtype: 'float32', shape: [actionSize] },
      rewards: { dtype: 'float32', shape: [] },
      dones: { dtype: 'uint8', shape: [] },
    },
    info: { kind: 'worldmodels-series', zSize },
  });
  const rng = new Rng(options.seed ?? 1);
  for (let e = 0; e < episodes; e++) {
    const mu = new Float32Array(length * zSize);
    for (let t = 0; t < length; t++) for (let d = 0; d < zSize; d++) mu[t * zSize + d] = Math.sin(0.3 * t + d + e);
    const dones = new Uint8Array(length);
    dones[length - 1] = 1;
    await writer.writeEpisode(
      {
        mu,
        logvar: new Float32Array(length * zSize).fill(-6),
        actions: rng.fillUniform(new Float32Array(length * actionSize), -1, 1),
        rewards: rng.fillNormal(new Float32Array(length)),
        dones,
      },
      { id: e },
    );
  }
}
