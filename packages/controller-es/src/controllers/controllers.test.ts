import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Rng } from '@worldmodels/core/rng';
import { carRacingAction, createController, DoomController, HiddenController, LinearController, loadControllerFile, parseControllerFile, saveControllerFile, threeWayAction } from './index.js';

const tmp = mkdtempSync(join(tmpdir(), 'wm-controller-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('controller presets', () => {
  it('have the reference parameter counts', () => {
    expect(createController('zh').paramCount).toBe(867);
    expect(createController('z').paramCount).toBe(99);
    expect(createController('z-hidden').paramCount).toBe(1443);
    expect(createController('doom').paramCount).toBe(1088);
    expect(createController('zh').inputSize).toBe(288);
    expect(createController('doom').inputSize).toBe(64 + 512 + 512);
    expect(() => createController('big' as never)).toThrow(/unknown controller mode 'big'/);
  });
});

describe('LinearController', () => {
  it('uses the reference layout: params[0:3] = b, then W as [288, 3] row-major', () => {
    const c = new LinearController({ inputSize: 288, outputSize: 3, actionMap: 'identity' });
    const p = new Float64Array(867);
    p[0] = 0.1;
    p[1] = -0.2;
    p[2] = 0.3;
    p[3 + 100 * 3 + 2] = 0.7; // W[100, 2]
    p[3 + 287 * 3 + 0] = -0.5; // W[287, 0]
    c.setParams(p);
    const x = new Float64Array(288);
    x[100] = 2;
    x[287] = 1;
    const y = c.act(x);
    expect(y[0]).toBeCloseTo(Math.tanh(0.1 - 0.5), 14);
    expect(y[1]).toBeCloseTo(Math.tanh(-0.2), 14);
    expect(y[2]).toBeCloseTo(Math.tanh(0.3 + 1.4), 14);
  });

  it('matches a = tanh(xᵀW + b) on random weights, then maps steer, gas, brake', () => {
    const rng = new Rng(3);
    const c = createController('zh') as LinearController;
    const p = rng.fillNormal(new Float64Array(867), 0, 0.1);
    c.setParams(p);
    const x = rng.fillNormal(new Float32Array(288));
    const pre = [0, 1, 2].map((j) => {
      let s = p[j]!;
      for (let i = 0; i < 288; i++) s += x[i]! * p[3 + i * 3 + j]!;
      return Math.tanh(s);
    });
    const a = c.act(x);
    expect(a[0]).toBeCloseTo(pre[0]!, 12);
    expect(a[1]).toBeCloseTo((pre[1]! + 1) / 2, 12);
    expect(a[2]).toBeCloseTo(Math.min(Math.max(pre[2]!, 0), 1), 12);
    expect(c.getParams()).toEqual(p);
  });

  it('rejects wrong sizes with clear errors', () => {
    const c = createController('z');
    expect(() => c.setParams(new Float64Array(98))).toThrow(/has 99 parameters, got a vector of length 98/);
    expect(() => c.setParams(new Float64Array(99).fill(NaN))).toThrow(/parameter 0 is NaN/);
    expect(() => c.act(new Float64Array(31))).toThrow(/needs 32 input features, got 31/);
    expect(() => new LinearController({ inputSize: 4, outputSize: 2, actionMap: 'carracing' })).toThrow(/needs outputSize 3/);
  });
});

describe('action mappings', () => {
  it('CarRacing: steer = a0, gas = (a1 + 1)/2, brake = clip(a2, 0, 1)', () => {
    expect(Array.from(carRacingAction([-0.5, -1, -0.3]))).toEqual([-0.5, 0, 0]);
    expect(Array.from(carRacingAction([0.25, 0.5, 0.8]))).toEqual([0.25, 0.75, 0.8]);
  });
  it('Doom: three-way thresholds at ±1/3', () => {
    expect([-0.9, -0.34, -0.33, 0, 0.33, 0.34, 0.9].map(threeWayAction)).toEqual([-1, -1, 0, 0, 0, 1, 1]);
  });
});

describe('HiddenController', () => {
  it('computes tanh(W₂ tanh(W₁x + b₁) + b₂) in the reference layout [b₁, W₁, b₂, W₂]', () => {
    const c = new HiddenController({ inputSize: 4, hiddenSize: 5, outputSize: 3, actionMap: 'identity' });
    expect(c.paramCount).toBe(5 + 20 + 3 + 15);
    const rng = new Rng(8);
    const p = rng.fillNormal(new Float64Array(c.paramCount));
    c.setParams(p);
    const x = [0.3, -1, 0.5, 2];
    const h = [0, 1, 2, 3, 4].map((k) => Math.tanh(p[k]! + x.reduce((s, xi, i) => s + xi * p[5 + i * 5 + k]!, 0)));
    const y = [0, 1, 2].map((j) => Math.tanh(p[25 + j]! + h.reduce((s, hk, k) => s + hk * p[28 + k * 3 + j]!, 0)));
    const out = c.act(x);
    for (let j = 0; j < 3; j++) expect(out[j]).toBeCloseTo(y[j]!, 12);
  });
});

describe('DoomController', () => {
  it('has no bias and thresholds tanh(w·x) into −1, 0, 1', () => {
    const c = new DoomController({ zSize: 2, hSize: 1 });
    expect(c.paramCount).toBe(4);
    c.setParams([1, 0, 0, 0]);
    expect(c.output([0, 0, 0, 0])).toBe(0); // no bias
    expect(c.act([0.2, 5, 5, 5])[0]).toBe(0);
    expect(c.act([0.5, 0, 0, 0])[0]).toBe(1); // tanh(0.5) = 0.46 > 1/3
    expect(c.act([-0.5, 0, 0, 0])[0]).toBe(-1);
  });
});

describe('controller files', () => {
  it("loads the reference's *.best.json ([params, fitness] as estool writes it) into a controller", async () => {
    // Same text layout as WorldModelsExperiments' carracing/log/carracing.cma.16.64.best.json
    // (json.dump with indent=0): its first three values (the bias) and the stored score, the rest
    // made up here.
    const rng = new Rng(1);
    const values = [0.4248, 0.1779, -2.3252, ...Array.from({ length: 864 }, () => Math.round(rng.normal() * 1e4) / 1e4)];
    const path = join(tmp, 'carracing.cma.16.64.best.json');
    writeFileSync(path, `[\n[\n${values.join(',\n')}\n],\n900.460571875\n]`);
    const file = await loadControllerFile(path, 867);
    expect(file.fitness).toBe(900.460571875);
    expect(Array.from(file.params)).toEqual(values);
    const c = createController('zh');
    c.setParams(file.params);
    // With zero features the action is the mapped bias.
    expect(Array.from(c.act(new Float64Array(288)))).toEqual(Array.from(carRacingAction([Math.tanh(0.4248), Math.tanh(0.1779), Math.tanh(-2.3252)])));
  });

  it('saves [params, fitness] atomically and reads it back; rejects malformed files', async () => {
    const path = join(tmp, 'best.json');
    const p = new Rng(2).fillNormal(new Float64Array(99));
    await saveControllerFile(path, p, 812.5);
    const back = await loadControllerFile(path);
    expect(back.params).toEqual(p);
    expect(back.fitness).toBe(812.5);
    expect(parseControllerFile([1, 2, 3]).params).toEqual(Float64Array.of(1, 2, 3));
    expect(() => parseControllerFile({ a: 1 }, 'x.json')).toThrow(/x.json: expected a JSON list/);
    expect(() => parseControllerFile([[1, 'a']], 'x.json')).toThrow(/x.json: parameter 1 is "a"/);
    await expect(loadControllerFile(path, 867)).rejects.toThrow(/has 99 parameters, expected 867/);
    await expect(loadControllerFile(join(tmp, 'missing.json'))).rejects.toThrow(/cannot read controller file/);
  });
});
