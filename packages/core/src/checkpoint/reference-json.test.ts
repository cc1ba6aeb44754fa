import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/init-backend.js';
import { decodeReferenceJson, encodeReferenceJson } from './reference-json.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', quiet: true });
});

describe('reference JSON weights', () => {
  it('decodes round(w·10⁴) nested lists into named tensors and encodes them back', () => {
    const json = [[[12345, -2], [0, 10000]], [5, -5000]];
    const t = decodeReferenceJson(json, ['w', 'b'], { w: [2, 2], b: [2] }, 'test.json');
    expect(Array.from(t.w!.dataSync())).toEqual([1.2345, -0.0002, 0, 1].map(Math.fround));
    expect(Array.from(t.b!.dataSync())).toEqual([0.0005, -0.5].map(Math.fround));
    expect(encodeReferenceJson([t.w!, t.b!])).toEqual(json);
    tf.dispose(Object.values(t));
  });

  it('names the file, variable and problem, and leaks nothing on a bad file', () => {
    const before = tf.memory().numTensors;
    const shapes = { w: [2, 2], b: [2] };
    expect(() => decodeReferenceJson([[[1, 2], [3, 4]]], ['w', 'b'], shapes, 'x.json')).toThrow(/x\.json: expected 2 weight arrays \(w, b\), got 1/);
    expect(() => decodeReferenceJson([[[1, 2], [3, 4]], [1, 2, 3]], ['w', 'b'], shapes, 'x.json')).toThrow(/x\.json: b has length 3 at axis 0/);
    expect(() => decodeReferenceJson([[[1, 2], [3, 'a']], [1, 2]], ['w', 'b'], shapes, 'x.json')).toThrow(/w holds a non-number "a"/);
    expect(() => decodeReferenceJson({}, ['w'], shapes, 'x.json')).toThrow(/expected a JSON list/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
