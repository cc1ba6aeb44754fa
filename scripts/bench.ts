/**
 * `npm run bench [-- --case NAME] [-- --no-peer]`: runs the benchmark cases of every package and
 * prints one JSON object per line: {"case", "unit", "per_s", "peer_per_s", "ratio"}. Where the
 * PyTorch peer has the same case it runs in the same invocation and the ratio is ours / peer's.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { runPeer, type PeerResult } from './bench/peer.js';
import type { BenchModule, BenchResult } from './bench/types.js';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Bench modules in order of preference: a case offered by two modules runs from the first. */
const MODULES = [
  'packages/vae/bench/index.ts',
  'packages/mdn-rnn/bench/index.ts',
  'packages/tfjs-backend-native/bench/index.ts',
  'packages/core/src/backend/wasm/bench.ts',
  'packages/envs/bench/index.ts',
  'packages/controller-es/bench/index.ts',
  'packages/queue/bench/index.ts',
  'packages/world-model/bench/index.ts',
  'packages/pixelcnn/bench/index.ts',
  'packages/flows/bench/index.ts',
  'packages/gan/bench/index.ts',
];

function parseArgs(argv: string[]) {
  const cases: string[] = [];
  let peer = true;
  let list = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--case') {
      const v = argv[++i];
      if (!v) throw new Error('--case needs a case name');
      cases.push(...v.split(','));
    } else if (a.startsWith('--case=')) cases.push(...a.slice(7).split(','));
    else if (a === '--no-peer') peer = false;
    else if (a === '--list') list = true;
    else throw new Error(`unknown argument '${a}' (use --case NAME, --no-peer, --list)`);
  }
  return { cases, peer, list };
}

async function loadModules(): Promise<{ path: string; module: BenchModule }[]> {
  const out: { path: string; module: BenchModule }[] = [];
  for (const rel of MODULES) {
    const path = resolve(root, rel);
    if (!existsSync(path)) continue;
    const module = (await import(pathToFileURL(path).href)) as Partial<BenchModule> & {
      runWasmBenchCases?: BenchModule['runBenchCases'];
      wasmBenchCases?: readonly string[];
      CASE_NAMES?: readonly string[];
    };
    const run = module.runBenchCases ?? module.runWasmBenchCases;
    const cases = module.benchCases ?? module.wasmBenchCases ?? module.CASE_NAMES;
    if (!run || !cases) {
      process.stderr.write(`bench: ${rel} does not export benchCases and runBenchCases; skipped\n`);
      continue;
    }
    out.push({ path: rel, module: { benchCases: cases, runBenchCases: run } });
  }
  return out;
}

async function main() {
  const { cases: wanted, peer, list } = parseArgs(process.argv.slice(2));
  const modules = await loadModules();
  const owner = new Map<string, BenchModule>();
  for (const { module } of modules) for (const c of module.benchCases) if (!owner.has(c)) owner.set(c, module);
  if (list) {
    for (const c of owner.keys()) process.stdout.write(`${c}\n`);
    return;
  }
  const unknown = wanted.filter((c) => !owner.has(c));
  if (unknown.length > 0) throw new Error(`unknown bench case ${unknown.join(', ')}; known: ${[...owner.keys()].join(', ')}`);
  const selected = wanted.length > 0 ? wanted : [...owner.keys()];

  // The peer runs first, in the same invocation, for the batch sizes the selected cases name.
  const peerResults = new Map<string, PeerResult>();
  if (peer) {
    const batches = new Set<number>();
    for (const c of selected) {
      const m = /^vae-(?:train|encode)-b(\d+)$/.exec(c);
      if (m) batches.add(Number(m[1]));
      if (c === 'mdnrnn-train-b100-t100') batches.add(batches.size > 0 ? [...batches][0]! : 32);
    }
    for (const b of batches) {
      const { results, error } = await runPeer(b);
      if (error) process.stderr.write(`bench: ${error}; peer figures are null\n`);
      for (const r of results) peerResults.set(r.case, r);
    }
  }

  const byModule = new Map<BenchModule, string[]>();
  for (const c of selected) byModule.set(owner.get(c)!, [...(byModule.get(owner.get(c)!) ?? []), c]);
  for (const [module, names] of byModule) {
    for await (const r of module.runBenchCases(names)) {
      const p = peerResults.get(r.case);
      const result: BenchResult = { ...r, peer_per_s: p ? p.per_s : (r.peer_per_s ?? null), ratio: null };
      result.ratio = result.peer_per_s ? Number((r.per_s / result.peer_per_s).toFixed(3)) : null;
      process.stdout.write(`${JSON.stringify(result)}\n`);
    }
  }
}

main().catch((error: Error) => {
  process.stderr.write(`bench: ${error.message}\n`);
  process.exit(1);
});
