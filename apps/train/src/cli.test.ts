import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../../..');
const cli = join(here, 'cli.ts');

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Runs `worldmodels ...` from source; `killWhen` is polled and the process SIGKILLed once it holds. */
function worldmodels(args: string[], killWhen?: () => boolean): Promise<Run> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, ['--conditions=worldmodels-source', '--import', 'tsx', cli, ...args], { cwd: root, env: { ...process.env, CI: 'true' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const timer = killWhen ? setInterval(() => killWhen() && child.kill('SIGKILL'), 50) : null;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearInterval(timer);
      resolvePromise({ code, signal, stdout, stderr });
    });
  });
}

describe('worldmodels CLI', () => {
  it('resumes a stage killed midway and skips the stages already done', async () => {
    const run = await mkdtemp(join(tmpdir(), 'wm-cli-'));
    const args = ['train', 'takecover', '--preset', 'ci', '--run', run, '--set', 'vae.epochs=20', 'vae.checkpointEvery=2'];
    const checkpoints = join(run, 'vae', 'checkpoints');
    const killed = await worldmodels(args, () => existsSync(checkpoints) && readdirSync(checkpoints).some((n) => /^step-\d+$/.test(n)));
    expect(killed.signal).toBe('SIGKILL');
    expect(existsSync(join(run, 'collect', 'DONE.json'))).toBe(true);
    expect(existsSync(join(run, 'vae', 'DONE.json'))).toBe(false);

    const resumed = await worldmodels(args);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/stage collect: done .*skipped/);
    expect(resumed.stderr).toMatch(/stage vae: resuming/);
    expect(resumed.stdout).toMatch(/^vae\s+resumed/m);
    expect(resumed.stdout).toMatch(/^controller\s+ran/m);
    const vae = JSON.parse(await readFile(join(run, 'vae', 'DONE.json'), 'utf8'));
    expect(vae.summary.steps).toBe(20 * 4); // 80 frames / batch 20 = 4 steps per epoch, none lost or repeated

    const again = await worldmodels(args);
    expect(again.code).toBe(0);
    expect(again.stdout.match(/skipped/g)).toHaveLength(5);
  }, 600_000);

  it('rejects a bad config with the path of every problem', async () => {
    const run = await mkdtemp(join(tmpdir(), 'wm-cli-'));
    const bad = await worldmodels(['train', 'carracing', '--preset', 'ci', '--run', run, '--set', 'controller.popSize=-3', 'vae.zSize=big', 'controller.nope=1']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/controller\.popSize/);
    expect(bad.stderr).toMatch(/vae\.zSize/);
    expect(bad.stderr).toMatch(/nope/);
    const env = await worldmodels(['train', 'pong', '--run', run]);
    expect(env.code).toBe(1);
    expect(env.stderr).toMatch(/unknown env 'pong'.*carracing.*takecover/);
  });

  it('controller: trains a new C on the shipped TakeCover agent\'s V and M, and refuses a change to them', async () => {
    const run = join(await mkdtemp(join(tmpdir(), 'wm-cli-')), 'hot');
    const source = join(root, 'checkpoints', 'takecover');
    const set = ['--set', 'controller.dream.temperature=1.3', 'controller.popSize=4', 'controller.generations=2', 'controller.episodesPerMember=1', 'controller.evalEpisodes=2', 'controller.dream.maxSteps=16'];
    const printed = await worldmodels(['controller', source, '--run', run, ...set, '--print-config']);
    expect(printed.code, printed.stderr).toBe(0);
    expect(JSON.parse(printed.stdout)).toMatchObject({ env: 'takecover', vae: { zSize: 64 }, controller: { popSize: 4, dream: { temperature: 1.3 } } });
    const trained = await worldmodels(['controller', source, '--run', run, ...set]);
    expect(trained.code, trained.stderr).toBe(0);
    expect(trained.stdout).toMatch(/^controller\s+ran/m);
    const best = JSON.parse(await readFile(join(run, 'controller', 'best.json'), 'utf8'));
    expect(best.params).toHaveLength(1088);
    expect(JSON.parse(await readFile(join(run, 'config.json'), 'utf8')).controller.dream.temperature).toBe(1.3);
    const changed = await worldmodels(['controller', source, '--run', `${run}-2`, '--set', 'mdnrnn.hiddenSize=256']);
    expect(changed.code).toBe(1);
    expect(changed.stderr).toMatch(/the V and M of .* are kept: mdnrnn\.hiddenSize differ/);
  });

  it('prints the resolved config of a preset', async () => {
    const r = await worldmodels(['train', 'CarRacing-v0', '--preset', 'paper', '--print-config']);
    expect(r.code).toBe(0);
    const config = JSON.parse(r.stdout);
    expect(config.controller).toMatchObject({ mode: 'real', form: 'linear', popSize: 64, sigma: 0.1, episodesPerMember: 16, evalEvery: 25, evalEpisodes: 1024 });
    expect(config.vae).toMatchObject({ zSize: 32, batchSize: 100, learningRate: 1e-4, klTolerance: 0.5 });
    expect(config.mdnrnn).toMatchObject({ hiddenSize: 256, mixtures: 5, seqLen: 999 });
  });
});
