import * as tf from '@tensorflow/tfjs-core';
import { floatToBytes, frame, hstack, upscale, writeGif, type Frame } from '@worldmodels/core/image';
import { Rng } from '@worldmodels/core/rng';
import { WorldModelAgent, actionAdapter, makeAgentEnv, runAgentEpisode, type ControllerLayout, type DreamEnv, type EnvKind, type MemoryModel, type VisionModel } from '@worldmodels/world-model';

/** Decodes z rows [T, Z] (in chunks) to 64×64 frames. */
function decodeFrames(vae: VisionModel, zs: Float32Array[], zSize: number): Frame[] {
  const out: Frame[] = [];
  for (let i = 0; i < zs.length; i += 32) {
    const chunk = zs.slice(i, i + 32);
    const pixels = tf.tidy(() => {
      const z = tf.tensor2d(Float32Array.from(chunk.flatMap((r) => Array.from(r))), [chunk.length, zSize]); // [n, Z]
      return vae.decode(z).dataSync() as Float32Array; // [n, 64, 64, 3]
    });
    for (let j = 0; j < chunk.length; j++) out.push(frame(floatToBytes(pixels.subarray(j * 12288, (j + 1) * 12288)), 64, 64, 3));
  }
  return out;
}

/**
 * Plays one real episode with the agent and writes a GIF of each frame the agent saw beside V's
 * reconstruction of it (decode(μ)), ×2 for visibility.
 */
export async function writeReconstructionGif(path: string, o: { kind: EnvKind; vae: VisionModel; mdnrnn: MemoryModel; layout: ControllerLayout; params: ArrayLike<number>; seed: number; frames: number }): Promise<number> {
  const env = makeAgentEnv(o.kind);
  const agent = new WorldModelAgent({ vae: o.vae, mdnrnn: o.mdnrnn, layout: o.layout, params: o.params, actions: actionAdapter(o.kind), rng: new Rng(o.seed).derive('agent') });
  const seen: Uint8Array[] = [];
  try {
    runAgentEpisode(env, agent, { seed: o.seed, maxSteps: o.frames, onStep: (obs) => seen.push(Uint8Array.from(obs)) });
  } finally {
    agent.dispose();
    env.close();
  }
  const mus: Float32Array[] = [];
  for (const obs of seen) {
    mus.push(tf.tidy(() => o.vae.encode(tf.div(tf.tensor4d(obs, [1, 64, 64, 3], 'float32'), 255)).mu.dataSync() as Float32Array));
  }
  const recon = decodeFrames(o.vae, mus, o.vae.config.zSize);
  const frames = seen.map((obs, i) => upscale(hstack([frame(obs, 64, 64, 3), recon[i]!]), 2));
  await writeGif(path, frames, { fps: 25 });
  return frames.length;
}

/** Plays one dream episode with the controller and writes V's decoding of the dreamed z's. */
export async function writeDreamGif(path: string, o: { dream: DreamEnv; vae: VisionModel; layout: ControllerLayout; params: ArrayLike<number>; seed: number }): Promise<{ frames: number; return: number }> {
  const r = o.dream.rollout(o.layout, [o.params], 1, new Rng(o.seed).derive('dream-gif'), { record: true });
  const frames = decodeFrames(o.vae, r.trajectory!, o.vae.config.zSize).map((f) => upscale(f, 2));
  await writeGif(path, frames, { fps: 25 });
  return { frames: frames.length, return: r.returns[0]! };
}
