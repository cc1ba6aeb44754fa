import cliProgress from 'cli-progress';

export interface ProgressOptions {
  /** Total units of work (steps, episodes, frames). */
  total: number;
  /** What is being done, shown before the bar. */
  label?: string;
  /** Where to write (default stderr). */
  stream?: NodeJS.WriteStream | NodeJS.WritableStream;
  /** Force the bar (true) or plain lines (false); default: a bar on a TTY unless CI is set. */
  tty?: boolean;
  /** Seconds between plain lines when not on a TTY (default 10). */
  intervalSeconds?: number;
  /** Print nothing. */
  silent?: boolean;
}

export type ProgressValues = Record<string, number | string>;

/**
 * The one progress reporter: a cli-progress bar on a terminal, and otherwise a plain line every
 * few seconds (`label 120/1000 (12.0%) 35.2/s eta 25s loss=0.123`), so logs of CI and
 * background jobs stay readable.
 */
export class ProgressReporter {
  private readonly bar: cliProgress.SingleBar | null;
  private readonly stream: NodeJS.WritableStream;
  private readonly started = Date.now();
  private lastLine = 0;
  private value = 0;
  private values: ProgressValues = {};
  private stopped = false;

  constructor(private readonly options: ProgressOptions) {
    this.stream = options.stream ?? process.stderr;
    const isTty = options.tty ?? (Boolean((this.stream as NodeJS.WriteStream).isTTY) && !process.env.CI);
    this.bar = null;
    if (!options.silent && isTty) {
      this.bar = new cliProgress.SingleBar(
        {
          format: `${options.label ?? ''} [{bar}] {value}/{total} {percentage}% | {rate}/s | eta {eta_formatted} {extra}`,
          stream: this.stream as NodeJS.WriteStream,
          hideCursor: true,
          etaBuffer: 50,
        },
        cliProgress.Presets.shades_classic,
      );
      this.bar.start(options.total, 0, { rate: '0', extra: '' });
    }
  }

  /** Sets the amount of work done (absolute) and optional values shown beside it. */
  update(value: number, values: ProgressValues = {}): void {
    if (this.stopped) return;
    this.value = value;
    this.values = { ...this.values, ...values };
    if (this.options.silent) return;
    const rate = this.rate();
    if (this.bar) {
      this.bar.update(value, { rate: rate.toFixed(1), extra: formatValues(this.values) });
      return;
    }
    const now = Date.now();
    if (now - this.lastLine >= (this.options.intervalSeconds ?? 10) * 1000 || value >= this.options.total) {
      this.lastLine = now;
      this.stream.write(`${this.line()}\n`);
    }
  }

  /** Adds to the amount of work done. */
  increment(delta = 1, values: ProgressValues = {}): void {
    this.update(this.value + delta, values);
  }

  /** The plain-text status line. */
  line(): string {
    const { total, label } = this.options;
    const rate = this.rate();
    const pct = total > 0 ? ((100 * this.value) / total).toFixed(1) : '0.0';
    const eta = rate > 0 ? Math.max(0, (total - this.value) / rate) : NaN;
    const etaText = Number.isFinite(eta) ? ` eta ${formatSeconds(eta)}` : '';
    const extra = formatValues(this.values);
    return `${label ? `${label} ` : ''}${this.value}/${total} (${pct}%) ${rate.toFixed(1)}/s${etaText}${extra ? ` ${extra}` : ''}`;
  }

  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    if (this.bar) this.bar.stop();
    else if (!this.options.silent && this.lastLine === 0 && this.value > 0) this.stream.write(`${this.line()}\n`);
  }

  private rate(): number {
    const seconds = (Date.now() - this.started) / 1000;
    return seconds > 0 ? this.value / seconds : 0;
  }
}

function formatValues(values: ProgressValues): string {
  return Object.entries(values)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? formatNumber(v) : v}`)
    .join(' ');
}

function formatNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : v.toPrecision(4);
}

export function formatSeconds(s: number): string {
  if (s < 60) return `${Math.round(s)}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
