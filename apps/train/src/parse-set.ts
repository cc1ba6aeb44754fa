import type { RunConfigInput } from '@worldmodels/world-model';

/**
 * `--set controller.popSize=16` → { controller: { popSize: 16 } }. Values are read as JSON
 * (numbers, booleans, arrays) and otherwise kept as strings.
 */
export function parseSetOptions(assignments: readonly string[]): RunConfigInput {
  const out: Record<string, unknown> = {};
  for (const a of assignments) {
    const eq = a.indexOf('=');
    if (eq <= 0) throw new Error(`--set needs key=value (e.g. controller.popSize=16), got '${a}'`);
    const path = a.slice(0, eq).split('.');
    if (path.some((p) => p === '' || p === '__proto__' || p === 'constructor' || p === 'prototype')) throw new Error(`--set: bad key '${a.slice(0, eq)}'`);
    const raw = a.slice(eq + 1);
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      value = raw;
    }
    let node = out;
    for (const key of path.slice(0, -1)) {
      const next = node[key];
      if (next === undefined) node[key] = {};
      else if (next === null || typeof next !== 'object') throw new Error(`--set: '${key}' is set both as a value and as a section`);
      node = node[key] as Record<string, unknown>;
    }
    node[path[path.length - 1]!] = value;
  }
  return out as RunConfigInput;
}
