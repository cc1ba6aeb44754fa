import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { build, preview, type PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeUntrainedCheckpoint } from '@worldmodels/agent-app';
import { initBackend } from '@worldmodels/core';
import type { PageState } from './page-state.js';

const CHROMIUM = '/usr/bin/chromium';
const WEB_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const REPO_ROOT = resolve(WEB_DIR, '..', '..');
const OUTPUT = join(WEB_DIR, 'test-output');
const canRun = existsSync(CHROMIUM) || Boolean(process.env.CI);
const SKIP_MESSAGE = `browser test skipped: ${CHROMIUM} is absent (apt-get install -y chromium) and CI is not set`;

type Hook = PageState & { hashes(): Record<string, string> };
const pageState = (page: Page) => page.evaluate(() => JSON.parse(JSON.stringify(window.worldmodels)) as PageState);
const hashes = (page: Page) => page.evaluate(() => (window.worldmodels as Hook).hashes());

/**
 * Builds the page with Vite, serves dist/ on 127.0.0.1, and drives it in Debian's Chromium
 * (headless, no GPU: WebGL is usually unavailable, so the page must fall back to wasm or cpu).
 * Uses the shipped checkpoints when the repository has them, else untrained ones made here.
 */
describe('the web page in Chromium', () => {
  if (!canRun) {
    it.skip(SKIP_MESSAGE, () => {});
    console.warn(SKIP_MESSAGE);
    return;
  }
  let work: string;
  let server: PreviewServer;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    await initBackend({ quiet: true }); // for writing untrained checkpoints
    work = await mkdtemp(join(tmpdir(), 'wm-web-e2e-'));
    // The shipped checkpoint of each env when the repository has it, else an untrained one (both envs are always driven).
    const dirs = await Promise.all(
      (['takecover', 'carracing'] as const).map(async (env) => {
        const shipped = join(REPO_ROOT, 'checkpoints', env);
        if (existsSync(join(shipped, 'config.json'))) return `${env}=${shipped}`;
        await writeUntrainedCheckpoint(join(work, env), env, { float16: true });
        return `${env}=${join(work, env)}`;
      }),
    );
    const previous = process.env.WORLDMODELS_WEB_CHECKPOINTS;
    process.env.WORLDMODELS_WEB_CHECKPOINTS = dirs.join(',');
    const outDir = join(OUTPUT, 'dist');
    try {
      await build({ root: WEB_DIR, configFile: join(WEB_DIR, 'vite.config.ts'), logLevel: 'error', build: { outDir, emptyOutDir: true, minify: false } });
    } finally {
      if (previous === undefined) delete process.env.WORLDMODELS_WEB_CHECKPOINTS;
      else process.env.WORLDMODELS_WEB_CHECKPOINTS = previous;
    }
    server = await preview({ root: WEB_DIR, configFile: join(WEB_DIR, 'vite.config.ts'), logLevel: 'error', build: { outDir }, preview: { host: '127.0.0.1', port: 0, strictPort: false, open: false } });
    const port = (server.httpServer.address() as AddressInfo).port;
    context = await chromium.launchPersistentContext(join(work, 'profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
      viewport: { width: 1200, height: 900 },
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${port}/?env=takecover&paused=1`);
  }, 900_000); // a Vite build: ~30 CPU-seconds, far longer in wall time on a busy machine

  afterAll(async () => {
    await context?.close();
    await new Promise<void>((done) => (server ? server.httpServer.close(() => done()) : done()));
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('loads the checkpoints, drives the dream and the real env by keyboard and agent, changes τ and z', async () => {
    await page.waitForFunction(() => window.worldmodels?.status !== 'loading', undefined, { timeout: 90_000 });
    let s = await pageState(page);
    expect(s.error).toBeNull();
    expect(s.status).toBe('ready');
    expect(s.env).toBe('takecover');
    expect(['webgl', 'wasm', 'cpu']).toContain(s.backend);
    if (s.backend !== 'webgl') expect(s.skippedBackends.map((b) => b.backend)).toContain('webgl');

    // Paused (?paused=1): each arrow press is exactly one step of the dream and of the real env.
    expect(s.paused).toBe(true);
    expect(await page.isChecked('#pause')).toBe(true);
    const before = await hashes(page);
    await page.keyboard.press('ArrowLeft');
    await page.waitForFunction((n) => window.worldmodels.dream.steps === n + 1, s.dream.steps);
    let after = await pageState(page);
    expect(after.lastAction).toEqual([0]); // TakeCover LEFT
    expect(after.real.steps).toBe(s.real.steps + 1);
    const moved = await hashes(page);
    expect(moved.dream).not.toBe(before.dream);
    expect(moved.real).not.toBe(before.real);
    await page.keyboard.press('ArrowRight');
    await page.waitForFunction((n) => window.worldmodels.dream.steps === n + 2 || window.worldmodels.dream.episodes > 0, s.dream.steps);
    expect((await pageState(page)).lastAction).toEqual([2]); // RIGHT

    // The τ slider sets the dream's temperature.
    await page.fill('#temperature', '0.5');
    after = await pageState(page);
    expect(after.temperature).toBe(0.5);
    expect(await page.textContent('#temperature-value')).toBe('0.50');

    // A latent slider redraws V's decoding.
    const latentBefore = (await hashes(page)).latent;
    await page.fill('#latent-sliders input[data-dim="0"]', '2.5');
    await page.waitForFunction((h) => (window.worldmodels as Hook).hashes().latent !== h, latentBefore);

    // The agent drives both worlds when unpaused.
    await page.check('input[name=driver][value=agent]');
    await page.uncheck('#pause');
    const running = await pageState(page);
    await page.waitForFunction((n) => window.worldmodels.real.steps + window.worldmodels.real.episodes * 10_000 >= n + 3, running.real.steps, { timeout: 60_000 });

    // CarRacing: the arrow keys are [steer, gas, brake].
    expect((await pageState(page)).envs).toEqual(['takecover', 'carracing']);
    await page.check('input[name=driver][value=keyboard]');
    await page.check('#pause');
    await page.click('button[data-env=carracing]');
    await page.waitForFunction(() => window.worldmodels.env === 'carracing' && window.worldmodels.status === 'ready', undefined, { timeout: 90_000 });
    const c = await pageState(page);
    const road = await hashes(page);
    await page.keyboard.down('ArrowUp');
    await page.keyboard.press('ArrowLeft');
    await page.keyboard.up('ArrowUp');
    await page.waitForFunction((n) => window.worldmodels.real.steps === n + 2, c.real.steps); // ↑ down, then ← pressed: two steps
    expect((await pageState(page)).lastAction).toEqual([-1, 1, 0]);
    expect((await hashes(page)).dream).not.toBe(road.dream);

    await mkdir(OUTPUT, { recursive: true });
    await page.screenshot({ path: join(OUTPUT, 'page.png'), fullPage: true });
    await page.check('#pause');
    expect(errors).toEqual([]);
  });

  it('falls back to wasm when the browser has no WebGL', async () => {
    const noGpu = await context.newPage();
    noGpu.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
    noGpu.on('pageerror', (e) => errors.push(e.message));
    // What a browser without a GPU shows the page: no WebGL context at all.
    await noGpu.addInitScript(() => {
      const getContext = HTMLCanvasElement.prototype.getContext;
      HTMLCanvasElement.prototype.getContext = function (this: HTMLCanvasElement, type: string, ...rest: unknown[]) {
        return type.startsWith('webgl') || type === 'experimental-webgl' ? null : (getContext as (...a: unknown[]) => unknown).call(this, type, ...rest);
      } as typeof getContext;
    });
    await noGpu.goto(page.url().replace(/env=\w+/, 'env=takecover'));
    await noGpu.waitForFunction(() => window.worldmodels?.status !== 'loading', undefined, { timeout: 90_000 });
    const s = await pageState(noGpu);
    expect(s.error).toBeNull();
    expect(s.backend).toBe('wasm');
    expect(s.skippedBackends).toEqual([{ backend: 'webgl', reason: 'no WebGL context (no GPU, or the GPU is disabled)' }]);
    expect(s.paused).toBe(true);
    await noGpu.keyboard.press('ArrowRight');
    await noGpu.waitForFunction((n) => window.worldmodels.dream.steps === n + 1, s.dream.steps);
    expect((await pageState(noGpu)).lastAction).toEqual([2]);
    await noGpu.close();
    expect(errors).toEqual([]);
  });
});
