import { ENV_KINDS, type DoneHeadCheck, type EnvKind } from '@worldmodels/world-model';

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

/** The paper's TakeCover temperature table, reproduced: τ, dream score and real score per controller. */
export function temperatureTable(rows: { temperature: number; dream: { mean: number; std: number }; real: { mean: number; std: number } }[]): string {
  const paper = new Map([[0.1, '2086 ± 140 / 193 ± 58'], [0.5, '2060 ± 277 / 196 ± 50'], [1, '1145 ± 690 / 868 ± 511'], [1.15, '918 ± 546 / 1092 ± 556'], [1.3, '732 ± 269 / 753 ± 139']]);
  const lines = ['| τ | dream score (this run) | real score (this run) | paper: dream / real |', '|---|---|---|---|'];
  for (const r of rows) {
    lines.push(`| ${r.temperature} | ${r.dream.mean.toFixed(0)} ± ${r.dream.std.toFixed(0)} | ${r.real.mean.toFixed(0)} ± ${r.real.std.toFixed(0)} | ${paper.get(r.temperature) ?? '—'} |`);
  }
  return `${lines.join('\n')}\n`;
}

/** Fixed-action policies scored in the dream and in the real env (`worldmodels eval --calibrate`). */
export function calibrationTable(rows: { action: string; episodes: number; dream: { mean: number; std: number }; real: { mean: number; std: number } }[]): string {
  const lines = ['| fixed action | in the dream | in the real env | episodes each |', '|---|---|---|---|'];
  for (const r of rows) lines.push(`| ${r.action} | ${r.dream.mean.toFixed(0)} ± ${r.dream.std.toFixed(0)} | ${r.real.mean.toFixed(0)} ± ${r.real.std.toFixed(0)} | ${r.episodes} |`);
  return `${lines.join('\n')}\n`;
}

/** M's done head replayed on recorded episodes (`worldmodels eval --done-check`): firings and hazard by episode step. */
export function doneHeadTable(check: Omit<DoneHeadCheck, 'perEpisode'>): string {
  const lines = [
    `M's done head on ${check.episodes} recorded episodes (${check.deaths} deaths; the hazard sums to ${check.expectedDeaths.toFixed(1)}): logit > 0 before the last step in ${check.firedEarly} (median step ${check.medianEarlyFire ?? '—'}), never on ${check.missedDeaths} deaths.`,
    '',
    '| episode steps | steps | logit > 0 | mean hazard |',
    '|---|---|---|---|',
  ];
  for (const b of check.buckets) lines.push(`| ${b.from}–${b.to} | ${b.steps} | ${(100 * b.fireRate).toFixed(1)}% | ${b.hazard.toFixed(4)} |`);
  return `${lines.join('\n')}\n`;
}
