import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@worldmodels/core';
import { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { registerAgentCommand } from './agent-command.js';
import { playAgent } from './play-agent.js';
import { repoRoot, shippedCheckpointDir } from './repo-root.js';
import { writeUntrainedCheckpoint } from './untrained-checkpoint.js';

/** Logical screen size from a GIF header (bytes 6–9, little-endian). */
function gifSize(bytes: Uint8Array): { width: number; height: number } {
  return { width: bytes[6]! | (bytes[7]! << 8), height: bytes[8]! | (bytes[9]! << 8) };
}

let work: string;
let takecover: string;

beforeAll(async () => {
  await initBackend({ quiet: true });
  work = await mkdtemp(join(tmpdir(), 'wm-agent-'));
  takecover = join(work, 'takecover');
  await writeUntrainedCheckpoint(takecover, 'takecover');
  return () => rm(work, { recursive: true, force: true });
});

describe('playAgent', () => {
  it('plays capped episodes on fixed seeds, reports mean ± std and writes a three-panel GIF', async () => {
    const lines: string[] = [];
    const gif = join(work, 'out', 'agent.gif');
    const before = tf.memory().numTensors;
    const report = await playAgent('takecover', { checkpoint: takecover, episodes: 2, maxSteps: 12, gif, log: (l) => lines.push(l) });
    expect(tf.memory().numTensors).toBe(before);
    expect(report.episodes).toHaveLength(2);
    expect(report.episodes.map((e) => e.seed)).toEqual([0, 1]);
    for (const e of report.episodes) {
      expect(e.length).toBeGreaterThan(0);
      expect(e.length).toBeLessThanOrEqual(12);
      expect(e.return).toBe(e.length); // TakeCover: +1 per step survived
    }
    const returns = report.episodes.map((e) => e.return);
    const mean = (returns[0]! + returns[1]!) / 2;
    expect(report.mean).toBeCloseTo(mean, 10);
    expect(report.std).toBeCloseTo(Math.abs(returns[0]! - returns[1]!) / 2, 10);
    expect(lines).toContain(`episode 1: ${returns[0]!.toFixed(1)} (${report.episodes[0]!.length} steps${report.episodes[0]!.terminated ? '' : ', cut'})`);
    expect(lines).toContain(`takecover: ${report.mean.toFixed(1)} ± ${report.std.toFixed(1)} over 2 episode(s)`);

    const bytes = new Uint8Array(await readFile(gif));
    expect(new TextDecoder().decode(bytes.subarray(0, 6))).toBe('GIF89a');
    // Three 64-px panels with 2-px gaps, upscaled ×2.
    expect(gifSize(bytes)).toEqual({ width: 2 * (3 * 64 + 2 * 2), height: 128 });
    expect(report.gif).toEqual({ path: gif, frames: report.episodes[0]!.length });

    // Fixed seeds: the same scores again.
    const again = await playAgent('takecover', { checkpoint: takecover, episodes: 2, maxSteps: 12, log: () => {} });
    expect(again.episodes.map((e) => e.return)).toEqual(returns);
    expect(again.gif).toBeNull();
  });

  it('names the missing file of a bad checkpoint', async () => {
    const broken = join(work, 'broken');
    await writeUntrainedCheckpoint(broken, 'takecover');
    await rm(join(broken, 'mdnrnn', 'model', 'weights.bin'));
    await expect(playAgent('takecover', { checkpoint: broken, log: () => {} })).rejects.toThrow(/missing mdnrnn\/model\/weights\.bin \(M's weights\)/);
    await rm(join(broken, 'config.json'));
    await expect(playAgent('takecover', { checkpoint: broken, log: () => {} })).rejects.toThrow(/missing config\.json/);
    await expect(playAgent('takecover', { checkpoint: join(work, 'nowhere'), log: () => {} })).rejects.toThrow(/checkpoint directory not found: .*nowhere/);
  });

  it('refuses an unknown env and a checkpoint of another env', async () => {
    await expect(playAgent('pacman', { checkpoint: takecover, log: () => {} })).rejects.toThrow(/unknown env 'pacman'/);
    await expect(playAgent('carracing', { checkpoint: takecover, log: () => {} })).rejects.toThrow(/is for takecover, not carracing/);
  });

  it('defaults to the shipped checkpoints/<env> of the repository', () => {
    const root = repoRoot();
    expect(existsSync(join(root, 'apps', 'agent', 'package.json'))).toBe(true);
    expect(shippedCheckpointDir('takecover')).toBe(join(root, 'checkpoints', 'takecover'));
  });
});

describe('worldmodels agent', () => {
  it('parses the documented flags and prints per-episode scores and mean ± std', async () => {
    const out: string[] = [];
    const write = process.stdout.write.bind(process.stdout);
    process.stdout.write = ((chunk: string) => (out.push(String(chunk)), true)) as typeof process.stdout.write;
    const gif = join(work, 'cli.gif');
    try {
      const program = registerAgentCommand(new Command('worldmodels').exitOverride());
      await program.parseAsync(['agent', 'take-cover', '--checkpoint', takecover, '--episodes', '1', '--max-steps', '5', '--gif', gif, '--backend', 'cpu'], { from: 'user' });
    } finally {
      process.stdout.write = write;
    }
    const text = out.join('');
    expect(text).toMatch(/^episode 1: \d+\.\d \(\d+ steps/m);
    expect(text).toMatch(/takecover: \d+\.\d ± 0\.0 over 1 episode\(s\)/);
    expect(existsSync(gif)).toBe(true);
    const program = registerAgentCommand(new Command('worldmodels'));
    program.commands[0]!.exitOverride().configureOutput({ writeErr: () => {} }); // throw instead of exiting
    await expect(program.parseAsync(['agent', 'takecover', '--episodes', '0'], { from: 'user' })).rejects.toThrow(/--episodes must be a positive integer, got '0'/);
  });
});

describe.skipIf(!existsSync(join(shippedCheckpointDir('takecover'), 'config.json')))('the shipped TakeCover checkpoint', () => {
  it('loads and plays a short episode', async () => {
    const report = await playAgent('takecover', { episodes: 1, maxSteps: 30, log: () => {} });
    expect(report.episodes[0]!.length).toBeGreaterThan(0);
  });
});
