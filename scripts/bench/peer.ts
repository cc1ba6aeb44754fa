import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = dirname(fileURLToPath(import.meta.url));

/** The peer script: ../shared/bench/peer_torch.py beside the checkout (override with WORLDMODELS_PEER_SCRIPT). */
export function peerScript(): string {
  return process.env.WORLDMODELS_PEER_SCRIPT ?? resolve(here, '../../../shared/bench/peer_torch.py');
}

export interface PeerResult {
  case: string;
  per_s: number;
  unit: string;
}

/**
 * Runs the PyTorch peer (Debian's python3-torch) for one batch size and returns its cases, or
 * an explanation of why it cannot run (then peer figures are null).
 */
export async function runPeer(batch: number): Promise<{ results: PeerResult[]; error?: string }> {
  const script = peerScript();
  const python = process.env.WORLDMODELS_PEER_PYTHON ?? '/usr/bin/python3';
  if (!existsSync(script)) return { results: [], error: `peer script not found at ${script}` };
  if (!existsSync(python)) return { results: [], error: `${python} not found` };
  try {
    const { stdout } = await run(python, [script, '--batch', String(batch), '--threads', '2'], { maxBuffer: 1 << 20, timeout: 900_000 });
    const results = stdout
      .split('\n')
      .filter((l) => l.trim().startsWith('{'))
      .map((l) => JSON.parse(l) as PeerResult);
    return { results };
  } catch (error) {
    const text = String((error as { stderr?: string }).stderr ?? (error as Error).message);
    const reason = /No module named 'torch'/.test(text) ? 'python3-torch is not installed (apt-get install -y python3-torch libopenblas0-pthread)' : text.trim().split('\n').pop();
    return { results: [], error: `peer failed: ${reason}` };
  }
}
