import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { overriddenKernelNames, register } from './index.js';
import { isAvailable, nativeInfo } from './register.js';
import { NATIVE } from './test-util/setup.js';

describe.skipIf(!NATIVE)('register()', () => {
  it('registers the native backend once, with every cpu kernel and the native overrides', async () => {
    const first = await register();
    const second = await register();
    expect(first.name).toBe('native');
    expect(second.name).toBe('native');
    expect(first.detail).toMatch(/oneDNN \d+\.\d+/);
    expect(await tf.setBackend('native')).toBe(true);
    expect(tf.getBackend()).toBe('native');
    const cpuNames = new Set(tf.getKernelsForBackend('cpu').map((k) => k.kernelName));
    const nativeNames = new Set(tf.getKernelsForBackend('native').map((k) => k.kernelName));
    for (const n of cpuNames) expect(nativeNames.has(n), n).toBe(true);
    for (const n of overriddenKernelNames) expect(nativeNames.has(n), n).toBe(true);
    expect(overriddenKernelNames).toEqual(expect.arrayContaining(['BatchMatMul', '_FusedMatMul', 'Conv2D', 'FusedConv2D', 'Conv2DBackpropInput', 'Conv2DBackpropFilter']));
  });

  it('reports library version, threads and ISA', () => {
    expect(isAvailable()).toBe(true);
    const info = nativeInfo();
    expect(info.available).toBe(true);
    expect(info.onednn).toMatch(/^\d+\.\d+\.\d+$/);
    expect(info.threads).toBeGreaterThanOrEqual(1);
    expect(typeof info.isa).toBe('string');
  });

  it('names the problem when a native kernel gets inconsistent shapes', async () => {
    await register();
    tf.setBackend('native');
    expect(() => tf.matMul(tf.ones([2, 3]), tf.ones([4, 5]))).toThrow(/inner shapes/);
  });
});

describe('addon loading', () => {
  it('explains how to build the addon when it is missing', async () => {
    const { execFileSync } = await import('node:child_process');
    const script = `
      const m = await import(${JSON.stringify(new URL('./addon.ts', import.meta.url).href)});
      const r = m.loadAddon();
      console.log(JSON.stringify({ ok: r.addon !== null, message: r.error && r.error.message }));`;
    const out = execFileSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      env: { ...process.env, WORLDMODELS_NATIVE_ADDON: '/nonexistent/worldmodels_native.node' },
      encoding: 'utf8',
    });
    const r = JSON.parse(out.trim().split('\n').pop()!) as { ok: boolean; message: string };
    expect(r.ok).toBe(false);
    expect(r.message).toMatch(/libdnnl-dev/);
    expect(r.message).toMatch(/\/nonexistent\/worldmodels_native\.node/);
  });
});
