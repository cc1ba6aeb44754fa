import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * Imports every built package by name in a plain `node` process (no source condition), the way
 * a user's project does: catches broken `exports` maps and missing files that unit tests, which
 * run from source, never see.
 */
const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const packages = readdirSync(join(root, 'packages'))
  .map((dir) => join(root, 'packages', dir))
  .filter((dir) => existsSync(join(dir, 'package.json')))
  .map((dir) => ({ dir, json: JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name: string; private?: boolean; exports?: Record<string, unknown> } }))
  .filter((p) => !p.json.private);

beforeAll(() => {
  // turbo caches builds, so this is quick when `.ci/run` or a developer has already built.
  execFileSync('npx', ['turbo', 'run', 'build', '--output-logs=errors-only'], { cwd: root, stdio: 'inherit', env: { ...process.env, CI: process.env.CI ?? '' } });
}, 600_000);

describe('built packages import by name in plain node', () => {
  for (const { json } of packages) {
    it(json.name, () => {
      const subpaths = Object.keys(json.exports ?? { '.': {} }).filter((s) => s !== './package.json' && !s.includes('*'));
      const specifiers = subpaths.map((s) => (s === '.' ? json.name : `${json.name}/${s.slice(2)}`));
      const script = `
        const out = {};
        for (const s of ${JSON.stringify(specifiers)}) {
          const m = await import(s);
          out[s] = Object.keys(m).length;
        }
        console.log(JSON.stringify(out));`;
      const stdout = execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
      const counts = JSON.parse(stdout.trim().split('\n').pop()!) as Record<string, number>;
      for (const s of specifiers) expect(counts[s], `${s} exports nothing`).toBeGreaterThan(0);
    });
  }
});
