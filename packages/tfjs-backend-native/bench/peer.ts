import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** One line of peer_torch.py's output. */
export interface PeerResult {
  case: string;
  per_s: number;
  unit: string;
}

/** shared/bench/peer_torch.py beside the repository (override: WORLDMODELS_PEER_SCRIPT). */
export function peerScriptPath(): string {
  return process.env.WORLDMODELS_PEER_SCRIPT ?? fileURLToPath(new URL('../../../../shared/bench/peer_torch.py', import.meta.url));
}

export const PEER_PYTHON = process.env.WORLDMODELS_PEER_PYTHON ?? '/usr/bin/python3';

/**
 * Runs the PyTorch peer (Debian: python3-torch libopenblas0-pthread) for one batch size and
 * returns its results by case name; an empty map with a reason when it cannot run.
 */
export function runPeer(batch: number, threads = 2): { results: Map<string, PeerResult>; error?: string } {
  const script = peerScriptPath();
  if (!existsSync(script)) return { results: new Map(), error: `peer script not found at ${script}` };
  const res = spawnSync(PEER_PYTHON, [script, '--batch', String(batch), '--threads', String(threads)], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 20 * 60_000,
  });
  if (res.error || res.status !== 0) {
    const why = res.error?.message ?? (res.stderr || '').trim().split('\n').slice(-1)[0] ?? `exit ${res.status}`;
    return { results: new Map(), error: `peer failed: ${why} (apt-get install -y python3-torch libopenblas0-pthread)` };
  }
  const results = new Map<string, PeerResult>();
  for (const line of res.stdout.split('\n')) {
    if (!line.trim().startsWith('{')) continue;
    const r = JSON.parse(line) as PeerResult;
    results.set(r.case, r);
  }
  return { results };
}
