/**
 * `npm run demo`: the README's main job. Trains a small world model on CarRacing end to end
 * (collect → V → series → M → C) with the `tiny` preset in `runs/demo`, then evaluates it.
 * Re-running resumes or skips finished stages. Extra arguments go to `worldmodels train`.
 */
import { spawnSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const cli = resolve(root, 'apps/train/src/cli.ts');
const node = [process.execPath, '--conditions=worldmodels-source', '--import', 'tsx', cli];
const run = process.env.WORLDMODELS_DEMO_RUN ?? resolve(root, 'runs/demo');

function step(args: string[]): void {
  process.stderr.write(`demo: worldmodels ${args.join(' ')}\n`);
  const r = spawnSync(node[0]!, [...node.slice(1), ...args], { stdio: 'inherit', cwd: root });
  if (r.status !== 0) process.exit(r.status ?? 1);
}

step(['train', 'carracing', '--preset', 'tiny', '--run', run, ...process.argv.slice(2)]);
step(['eval', run]);
process.stderr.write(`demo: done — see ${run} (eval/report.json, GIFs and the learning curve)\n`);
