import { ENV_KINDS, type EnvKind } from '@worldmodels/world-model';

export interface TableRow {
  system: string;
  mean: number;
  std: number;
  note?: string;
}

/** A markdown table of this run's score beside the paper's results for the env (mean ± std). */
export function resultsTable(kind: EnvKind, ours: TableRow[]): string {
  const rows: string[] = [`| system | ${ENV_KINDS[kind].envId} | source |`, '|---|---|---|'];
  for (const p of ENV_KINDS[kind].paper) rows.push(`| ${p.system} | ${p.mean} ± ${p.std} | paper |`);
  for (const r of ours) rows.push(`| **${r.system}** | **${r.mean.toFixed(0)} ± ${r.std.toFixed(0)}** | ${r.note ?? 'this run'} |`);
  return `${rows.join('\n')}\n`;
}
