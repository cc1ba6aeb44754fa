import { existsSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend.js';
import { CheckpointManager } from './checkpoint-manager.js';
import { checkpointIOHandler } from './io-handler.js';
import { optimizerState, restoreOptimizer } from './optimizer-state.js';
import { loadVariables, saveVariables } from './variables.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'wm-ckpt-'));

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

describe('checkpoints', () => {
  it('round-trips raw variables bit-exactly with metadata', async () => {
    const dir = join(tmp(), 'vars');
    const w = tf.randomNormal([3, 5], 0, 1, 'float32', 7);
    const i = tf.tensor1d([1, -2, 3], 'int32');
    await saveVariables(dir, { 'enc/kernel': w, step: i }, { metadata: { epoch: 4, rng: { seed: 1 } } });
    const before = tf.memory().numTensors;
    const { tensors, metadata } = await loadVariables(dir, { expectShapes: { 'enc/kernel': [3, 5] } });
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(Buffer.from((tensors['enc/kernel']!.dataSync() as Float32Array).buffer).equals(Buffer.from((w.dataSync() as Float32Array).buffer))).toBe(true);
    expect(tensors.step!.dtype).toBe('int32');
    expect(Array.from(tensors.step!.dataSync())).toEqual([1, -2, 3]);
    expect(metadata).toEqual({ epoch: 4, rng: { seed: 1 } });
    tf.dispose([w, i, ...Object.values(tensors)]);
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.weightsManifest[0].paths).toEqual(['./weights.bin']);
  });

  it('stores float32 weights as half floats that load back as float32 within half precision', async () => {
    const dir = join(tmp(), 'half');
    const w = tf.tensor2d([[1, -2.5, 3.14159, 65504], [1e-3, -7e-5, 0, 1234.5678]]);
    const i = tf.tensor1d([5, -6], 'int32');
    await saveVariables(dir, { w, i }, { float16: true, metadata: { kind: 'test' } });
    expect(readFileSync(join(dir, 'weights.bin')).byteLength).toBe(8 * 2 + 2 * 4);
    const { tensors } = await loadVariables(dir, { expectShapes: { w: [2, 4] } });
    expect(tensors.w!.dtype).toBe('float32');
    const got = tensors.w!.dataSync();
    const want = w.dataSync();
    for (let k = 0; k < want.length; k++) expect(Math.abs(got[k]! - want[k]!)).toBeLessThanOrEqual(Math.abs(want[k]!) * 2 ** -11 + 6e-8);
    expect(got[3]).toBe(65504);
    expect(Array.from(tensors.i!.dataSync())).toEqual([5, -6]);
    // the same bytes decode with tfjs' own loader (what a browser uses)
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.weightsManifest[0].weights[0].quantization).toEqual({ dtype: 'float16' });
    const bin = readFileSync(join(dir, 'weights.bin'));
    const decoded = tf.io.decodeWeights(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength), json.weightsManifest[0].weights);
    expect(Array.from(decoded.w!.dataSync())).toEqual(Array.from(got));
    tf.dispose([w, i, ...Object.values(tensors), ...Object.values(decoded)]);
  });

  it('names the file and problem for truncated, corrupted, missing and mismatched checkpoints', async () => {
    const dir = join(tmp(), 'vars');
    const w = tf.ones([4, 4]);
    await saveVariables(dir, { w });
    w.dispose();
    const bin = join(dir, 'weights.bin');
    const good = readFileSync(bin);
    writeFileSync(bin, good.subarray(0, 10));
    await expect(loadVariables(dir)).rejects.toThrow(/weights\.bin is 10 bytes, expected 64 \(truncated/);
    const bad = Buffer.from(good);
    bad[3] = bad[3]! ^ 1;
    writeFileSync(bin, bad);
    await expect(loadVariables(dir)).rejects.toThrow(/weights\.bin fails its SHA-256 checksum/);
    rmSync(bin);
    await expect(loadVariables(dir)).rejects.toThrow(/checkpoint file missing: .*weights\.bin/);
    writeFileSync(bin, good);
    await expect(loadVariables(dir, { expectShapes: { w: [4, 5] } })).rejects.toThrow(/variable 'w' has shape \[4, 4\], expected \[4, 5\]/);
    await expect(loadVariables(dir, { expectShapes: { v: [1] } })).rejects.toThrow(/no variable 'v'/);
    writeFileSync(join(dir, 'checkpoint.json'), '{"format": "worldmodels-checkpoint", "ver');
    await expect(loadVariables(dir)).rejects.toThrow(/checkpoint\.json is not valid JSON/);
    await expect(loadVariables(join(dir, 'nope'))).rejects.toThrow(/checkpoint not found/);
  });

  it('keeps the previous checkpoint when a save is killed between its renames', async () => {
    const dir = join(tmp(), 'ck');
    const a = tf.scalar(1);
    await saveVariables(dir, { a });
    renameSync(dir, `${dir}.old`); // the state a kill leaves after the first rename
    const { tensors } = await loadVariables(dir);
    expect(tensors.a!.dataSync()[0]).toBe(1);
    await saveVariables(dir, { a: tf.scalar(2) });
    expect(existsSync(`${dir}.old`)).toBe(false);
    expect((await loadVariables(dir)).tensors.a!.dataSync()[0]).toBe(2);
    a.dispose();
  });

  it('saves a layers model that tf.loadLayersModel restores with identical outputs', async () => {
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 4, inputShape: [3], activation: 'relu' }), tfl.layers.dense({ units: 2 })] });
    const dir = join(tmp(), 'model');
    await model.save(checkpointIOHandler(dir, { metadata: { zSize: 32 } }));
    const loaded = await tfl.loadLayersModel(checkpointIOHandler(dir));
    const x = tf.randomUniform([5, 3], 0, 1, 'float32', 3);
    const y1 = model.predict(x) as tf.Tensor;
    const y2 = loaded.predict(x) as tf.Tensor;
    expect(Array.from(y2.dataSync())).toEqual(Array.from(y1.dataSync()));
    const json = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
    expect(json.format).toBe('layers-model');
    expect(json.userDefinedMetadata).toEqual({ zSize: 32 });
    tf.dispose([x, y1, y2]);
    model.dispose();
    loaded.dispose();
  });

  it('restores optimizer state so training continues identically', async () => {
    const run = async (resumeAt: number | null) => {
      const v = tf.variable(tf.tensor1d([1, -2, 3]), true, 'v');
      let opt = tf.train.adam(0.1);
      const dir = join(tmp(), 'opt');
      for (let step = 0; step < 6; step++) {
        if (step === resumeAt) {
          await saveVariables(dir, { v, ...(await optimizerState(opt)) });
          opt.dispose();
          opt = tf.train.adam(0.1);
          const { tensors } = await loadVariables(dir);
          v.assign(tensors.v as tf.Tensor1D);
          await restoreOptimizer(opt, tensors);
          tf.dispose(Object.values(tensors));
        }
        opt.minimize(() => tf.sum(tf.square(v)) as tf.Scalar, false, [v]);
      }
      const out = Array.from(v.dataSync());
      v.dispose();
      opt.dispose();
      return out;
    };
    expect(await run(3)).toEqual(await run(null));
  });

  it('manages step checkpoints: keeps the newest, falls back past a corrupt one', async () => {
    const dir = tmp();
    const m = new CheckpointManager(dir, { keep: 2 });
    for (const step of [10, 20, 30]) {
      const t = tf.scalar(step);
      await m.save(step, { t }, { note: 'x' });
      t.dispose();
    }
    expect(await m.steps()).toEqual([20, 30]);
    writeFileSync(join(dir, 'step-000000030', 'weights.bin'), 'garbage');
    const messages: string[] = [];
    const latest = await m.latest({ onCorrupt: (s) => messages.push(s) });
    expect(latest!.step).toBe(20);
    expect(latest!.tensors.t!.dataSync()[0]).toBe(20);
    expect(latest!.metadata).toEqual({ note: 'x', step: 20 });
    expect(messages[0]).toMatch(/step-000000030.weights\.bin is 7 bytes/);
    tf.dispose(Object.values(latest!.tensors));
    expect(await new CheckpointManager(join(dir, 'none')).latest()).toBeNull();
  });

  it('leaks no tensors over save/load cycles', async () => {
    const dir = join(tmp(), 'leak');
    const w = tf.ones([8]);
    const before = tf.memory().numTensors;
    for (let k = 0; k < 5; k++) {
      await saveVariables(dir, { w });
      const { tensors } = await loadVariables(dir);
      tf.dispose(Object.values(tensors));
    }
    expect(tf.memory().numTensors).toBe(before);
    w.dispose();
  });
});
