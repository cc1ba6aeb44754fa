import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Rng } from '@worldmodels/core/rng';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestBackend } from '../test-support/backend.js';
import { makeStrategy } from '../train/make-strategy.js';
import { takeCoverMove } from './action-adapter.js';
import { embedController, embeddedOutputWeight, initialControllerMean, resolveControllerFile } from './controller-init.js';
import { ControllerLayout } from './controller-layout.js';

beforeAll(async () => {
  await useTestBackend();
});

/** Outputs of `layout` with `params` on rows of random inputs of the layout's width: [rows, A]. */
function outputs(layout: ControllerLayout, params: ArrayLike<number>, inputs: tf.Tensor2D): number[][] {
  return tf.tidy(() => {
    const x = tf.expandDims(inputs, 0) as tf.Tensor3D; // [1, rows, in]
    const y = layout.forward(tf.tensor2d(Float32Array.from(params), [1, layout.paramCount]), x); // [1, rows, A]
    return (tf.squeeze(y, [0]) as tf.Tensor2D).arraySync();
  });
}

function randomParams(n: number, rng: Rng, std: number): Float64Array {
  return Float64Array.from({ length: n }, () => rng.normal(0, std));
}

describe('embedController', () => {
  const sizes = { zSize: 6, hiddenSize: 5 };

  it('embeds a doom controller into an mlp that makes the same TakeCover moves', () => {
    const doom = new ControllerLayout({ form: 'doom', ...sizes, outputs: 1 });
    const mlp = new ControllerLayout({ form: 'mlp', ...sizes, outputs: 1, hiddenUnits: 4 });
    const rng = new Rng(3);
    const source = randomParams(doom.paramCount, rng, 0.3);
    const embedded = embedController(mlp, source, rng.derive('init'));
    expect(embedded).toHaveLength(mlp.paramCount);
    // Unit 0 carries the doom readout, with second-layer weight k; the spare units' readout is zero.
    const I = mlp.inputSize;
    expect(embedded[0]).toBeCloseTo(source[0]!, 12);
    expect(embedded[(I - 1) * 4]).toBeCloseTo(source[I - 1]!, 12);
    const W2 = I * 4 + 4;
    expect(Array.from(embedded.slice(W2, W2 + 4))).toEqual([embeddedOutputWeight(1), 0, 0, 0]);
    expect(embedded[embedded.length - 1]).toBe(0);
    // Spare units are random features, not zeros.
    expect(Math.abs(embedded[1]!) + Math.abs(embedded[2]!) + Math.abs(embedded[3]!)).toBeGreaterThan(0);

    const inputs = tf.tidy(() => tf.mul(tf.randomNormal([2000, I], 0, 1, 'float32', 7), 2) as tf.Tensor2D);
    const before = outputs(doom, source, inputs).map((r) => takeCoverMove(r[0]!));
    const after = outputs(mlp, embedded, inputs).map((r) => takeCoverMove(r[0]!));
    inputs.dispose();
    // Every move is the same (a pre-activation within float rounding of ±atanh(1/3) could flip; none is).
    expect(after).toEqual(before);
    expect(new Set(before).size).toBe(3);
  });

  it('embeds a linear controller (with biases, no c) into an mlp whose outputs match for a small scale', () => {
    const linear = new ControllerLayout({ form: 'linear', ...sizes, outputs: 3 });
    const mlp = new ControllerLayout({ form: 'mlp', ...sizes, outputs: 3, hiddenUnits: 5 });
    const rng = new Rng(4);
    const source = randomParams(linear.paramCount, rng, 0.2);
    const embedded = embedController(mlp, source, rng.derive('init'), 0.01);
    const n = 500;
    const [zRows, cRows, hRows] = [sizes.zSize, sizes.hiddenSize, sizes.hiddenSize].map((w, i) => tf.randomNormal([n, w], 0, 1, 'float32', 10 + i) as tf.Tensor2D);
    const linearIn = linear.input(zRows!, hRows!, cRows!); // [n, z + h]
    const mlpIn = mlp.input(zRows!, hRows!, cRows!); // [n, z + c + h]
    const want = outputs(linear, source, linearIn);
    const got = outputs(mlp, embedded, mlpIn);
    tf.dispose([zRows!, cRows!, hRows!, linearIn, mlpIn]);
    let worst = 0;
    for (let r = 0; r < n; r++) for (let a = 0; a < 3; a++) worst = Math.max(worst, Math.abs(got[r]![a]! - want[r]![a]!));
    expect(worst).toBeLessThan(2e-3);
  });

  it('copies a controller of the same layout, and refuses other sizes naming both counts', () => {
    const doom = new ControllerLayout({ form: 'doom', ...sizes, outputs: 1 });
    const mlp = new ControllerLayout({ form: 'mlp', ...sizes, outputs: 1, hiddenUnits: 2 });
    const rng = new Rng(5);
    const same = randomParams(doom.paramCount, rng, 1);
    expect(Array.from(embedController(doom, same, rng))).toEqual(Array.from(same));
    expect(() => embedController(doom, same.slice(1), rng)).toThrow(/controller\.init has 15 parameters; the doom controller needs 16$/);
    expect(() => embedController(mlp, same.slice(1), rng)).toThrow(/has 15 parameters; the mlp controller needs 37 \(or 16 of a doom controller, 12 of a linear one, to embed\)/);
    const tooNarrow = new ControllerLayout({ form: 'mlp', ...sizes, outputs: 3, hiddenUnits: 2 });
    expect(() => embedController(tooNarrow, new Float64Array(3 + 11 * 3), rng)).toThrow(/at least one hidden unit per output \(3\), the mlp has 2/);
    expect(() => embedController(mlp, same, rng, 0)).toThrow(/scale must be positive/);
  });

  it('is seeded: the spare units come from the given stream', () => {
    const mlp = new ControllerLayout({ form: 'mlp', ...sizes, outputs: 1, hiddenUnits: 3 });
    const source = randomParams(16, new Rng(6), 1);
    expect(Array.from(embedController(mlp, source, new Rng(1)))).toEqual(Array.from(embedController(mlp, source, new Rng(1))));
    expect(Array.from(embedController(mlp, source, new Rng(1)))).not.toEqual(Array.from(embedController(mlp, source, new Rng(2))));
  });
});

describe('controller.init', () => {
  it('reads best.json from a file, a controller stage or a run, and starts the search there', async () => {
    const run = await mkdtemp(join(tmpdir(), 'wm-init-'));
    await mkdir(join(run, 'controller'));
    const params = [0.5, -0.25, 1, 0, 0.125, 2];
    await writeFile(join(run, 'controller', 'best.json'), JSON.stringify({ params, score: 1 }));
    const file = join(run, 'controller', 'best.json');
    expect(resolveControllerFile(run)).toBe(file);
    expect(resolveControllerFile(join(run, 'controller'))).toBe(file);
    expect(resolveControllerFile(file)).toBe(file);
    expect(() => resolveControllerFile(join(run, 'missing'))).toThrow(/controller\.init: .*missing does not exist/);
    const empty = await mkdtemp(join(tmpdir(), 'wm-init-empty-'));
    expect(() => resolveControllerFile(empty)).toThrow(/holds neither best\.json nor controller\/best\.json/);

    const doom = new ControllerLayout({ form: 'doom', zSize: 2, hiddenSize: 2, outputs: 1 });
    const mean = await initialControllerMean(doom, run, new Rng(1));
    expect(Array.from(mean)).toEqual(params);
    for (const algorithm of ['cmaes', 'sepcmaes', 'openes', 'pepg', 'ga'] as const) {
      const es = makeStrategy({ algorithm, popSize: 4, sigma: 0.1, weightDecay: 0 }, 6, 1, mean);
      expect(Array.from(es.mean)).toEqual(params);
    }
    expect(() => makeStrategy({ algorithm: 'cmaes', popSize: 4, sigma: 0.1, weightDecay: 0 }, 7, 1, mean)).toThrow(/starting mean has 6 entries, the controller has 7 parameters/);

    await writeFile(file, JSON.stringify({ params: [1, null] }));
    await expect(initialControllerMean(doom, run, new Rng(1))).rejects.toThrow(/parameter 1 is null, expected a finite number/);
    await writeFile(file, JSON.stringify({ weights: [] }));
    await expect(initialControllerMean(doom, run, new Rng(1))).rejects.toThrow(/has no params array/);
  });
});
