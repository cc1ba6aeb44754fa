import { execSync } from 'node:child_process';
import * as tf from '@tensorflow/tfjs-core';
import { nativeInfo, register } from '../src/index.js';
import { mdnrnnTrain, vaeEncode, vaeForwardFlopsPerFrame, vaeTrain, type CaseResult } from './cases.js';
import { registerAllGradients } from './gradients.js';
import { runPeer, type PeerResult } from './peer.js';
import { peakGflops } from './peak.js';

export const CASE_NAMES = ['vae-train-b32', 'vae-train-b100', 'vae-encode-b32', 'mdnrnn-train-b100-t100'] as const;

export interface BenchLine extends CaseResult {
  peer_per_s: number | null;
  ratio: number | null;
}

function load(): string {
  try {
    return execSync('uptime', { encoding: 'utf8' }).trim().replace(/^.*load average:\s*/, '');
  } catch {
    return 'unknown';
  }
}

const round = (v: number, d = 2) => Number(v.toFixed(d));

/**
 * Runs the benchmark cases on the native backend and the PyTorch peer in the same process
 * tree, yielding one line per case with the ratio ours / peer (≥ 1 means at least as fast).
 */
export async function* runBenchCases(names?: string[]): AsyncIterable<BenchLine> {
  const wanted = names && names.length > 0 ? names : [...CASE_NAMES];
  const unknown = wanted.filter((n) => !(CASE_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0) throw new Error(`unknown bench case(s) ${unknown.join(', ')}; known: ${CASE_NAMES.join(', ')}`);
  await registerAllGradients();
  await register();
  await tf.setBackend('native');
  const info = nativeInfo();
  const peakAll = peakGflops(info.threads ?? 2);

  // Cases are grouped by the peer run that covers them (one run per batch size: VAE cases of
  // that batch + the MDN-RNN); each group runs right after its peer run, so both see the same load.
  const batchOf = (n: string) => (n.startsWith('vae') ? Number(/-b(\d+)/.exec(n)![1]) : 32);
  const batches = [...new Set(wanted.map(batchOf))];
  const peer = new Map<string, PeerResult>();
  const peerErrors: string[] = [];
  for (const batch of batches) {
    const { results, error } = runPeer(batch, info.threads ?? 2);
    if (error) peerErrors.push(error);
    for (const [k, v] of results) if (!peer.has(k)) peer.set(k, v);
    for (const name of wanted.filter((n) => batchOf(n) === batch)) yield runCase(name, peer, peerErrors, peakAll, info.threads);
  }
}

function runCase(name: string, peer: Map<string, PeerResult>, peerErrors: string[], peakAll: number, threads?: number): BenchLine {
  const loadBefore = load();
  let r: CaseResult;
  if (name === 'vae-train-b32') r = vaeTrain(32);
  else if (name === 'vae-train-b100') r = vaeTrain(100);
  else if (name === 'vae-encode-b32') r = vaeEncode(32);
  else r = mdnrnnTrain(100, 100);
  const p = peer.get(name);
  const line: BenchLine = {
    case: r.case,
    unit: r.unit,
    per_s: round(r.per_s),
    peer_per_s: p ? round(p.per_s) : null,
    ratio: p ? round(r.per_s / p.per_s, 3) : null,
    ...Object.fromEntries(Object.entries(r).filter(([k]) => !['case', 'unit', 'per_s'].includes(k))),
    backend: 'native',
    threads,
    load: loadBefore,
  };
  if (name.startsWith('vae-train')) {
    const gflops = (3 * vaeForwardFlopsPerFrame() * r.per_s) / 1e9;
    line.peak_gflop_s = round(peakAll, 0);
    line.peak_fraction = round(gflops / peakAll, 3);
  }
  if (!p && peerErrors.length > 0) line.peer_error = peerErrors[0];
  return line;
}
