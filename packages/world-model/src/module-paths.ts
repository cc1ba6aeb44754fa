import { fileURLToPath } from 'node:url';

/**
 * Absolute paths of this package's modules that other threads import (collection policies,
 * fitness workers): `src/<name>.ts` when running from source, `dist/<name>.js` when built (tsup
 * keeps them as their own entries, and bundled code sits at the root of dist like this file).
 */
export function packageModulePath(name: 'collect/agent-policy' | 'train/real-env-evaluator'): string {
  const here = import.meta.url;
  const ext = here.endsWith('.ts') ? '.ts' : '.js';
  return fileURLToPath(new URL(`./${name}${ext}`, here));
}
