import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/worldmodels-worker.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));

/** A `worldmodels-worker` process run from the TypeScript sources. */
export class WorkerProcess {
  output = '';
  readonly exited: Promise<number | null>;

  private constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    child.stdout!.on('data', (d: Buffer) => (this.output += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (this.output += d.toString()));
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** Starts a worker and waits until it reports ready. */
  static async start(name: string, args: string[]): Promise<WorkerProcess> {
    const child = spawn(process.execPath, ['--conditions=worldmodels-source', '--import', 'tsx', BIN, '--name', name, ...args], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, NODE_OPTIONS: '' },
    });
    const w = new WorkerProcess(name, child);
    await w.waitFor(/ready: queue/, 30_000);
    return w;
  }

  /** Waits until the output matches. */
  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<void> {
    const started = Date.now();
    while (!pattern.test(this.output)) {
      if (this.child.exitCode !== null) throw new Error(`worker ${this.name} exited (code ${this.child.exitCode}) before printing ${pattern}:\n${this.output}`);
      if (Date.now() - started > timeoutMs) throw new Error(`worker ${this.name} did not print ${pattern} within ${timeoutMs} ms:\n${this.output}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  kill(signal: NodeJS.Signals): void {
    if (this.child.exitCode === null) this.child.kill(signal);
  }

  /** SIGTERM, then SIGKILL if it has not exited after `ms`. */
  async stop(ms = 10_000): Promise<number | null> {
    if (this.child.exitCode !== null) return this.child.exitCode;
    this.kill('SIGTERM');
    const timer = setTimeout(() => this.kill('SIGKILL'), ms);
    const code = await this.exited;
    clearTimeout(timer);
    return code;
  }
}
