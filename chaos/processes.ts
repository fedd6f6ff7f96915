/**
 * The product under test, as an operator runs it: `crm-bridge worker` (twice) and `crm-bridge api`, each a real
 * process started with `node src/cli.ts`, configured through its environment only. Their output goes to one log
 * file per process under the run's data directory (kept when the checker finds something).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, type WriteStream } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const root = path.resolve(import.meta.dirname, '..');

export interface StopResult {
  ms: number;
  /** It did not exit within the allowed time and was killed. */
  killed: boolean;
}

export class ProductProcess {
  readonly name: string;
  readonly logPath: string;
  readonly #args: string[];
  readonly #env: NodeJS.ProcessEnv;
  readonly #readyLine: string | null;
  readonly #log: WriteStream;
  #child: ChildProcess | null = null;
  /** Starts so far (1 = never restarted). */
  starts = 0;

  /** `readyLine`: text of the log line that says the process is up (null: up once spawned). */
  constructor(name: string, args: string[], env: NodeJS.ProcessEnv, logDir: string, readyLine: string | null) {
    this.name = name;
    this.#args = args;
    this.#env = env;
    this.#readyLine = readyLine;
    this.logPath = path.join(logDir, `${name}.log`);
    this.#log = createWriteStream(this.logPath, { flags: 'a' });
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  get running(): boolean {
    return this.#child !== null && this.#child.exitCode === null && this.#child.signalCode === null;
  }

  /**
   * Spawns the process and waits for its ready line (or its early death). 60 s: on the shared 2-core machine under
   * load, a process took 23 s to connect to a cluster and check its connections.
   */
  async start(timeoutMs = 60_000): Promise<void> {
    this.starts++;
    this.#log.write(`\n=== chaos: start #${this.starts} at ${new Date().toISOString()} ===\n`);
    const child = spawn(process.execPath, ['src/cli.ts', ...this.#args], { cwd: root, env: this.#env, stdio: ['ignore', 'pipe', 'pipe'] });
    this.#child = child;
    let seen = '';
    let ready = this.#readyLine === null;
    const onData = (chunk: Buffer) => {
      this.#log.write(chunk);
      if (!ready && this.#readyLine !== null) {
        seen = (seen + chunk.toString()).slice(-4_096);
        if (seen.includes(this.#readyLine)) ready = true;
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code, signal) => this.#log.write(`\n=== chaos: exited (code ${code}, signal ${signal}) at ${new Date().toISOString()} ===\n`));
    const deadline = Date.now() + timeoutMs;
    while (!ready) {
      if (child.exitCode !== null) throw new Error(`${this.name} exited with code ${child.exitCode} while starting (see ${this.logPath})`);
      if (Date.now() > deadline) throw new Error(`${this.name} not ready within ${timeoutMs} ms (see ${this.logPath})`);
      await sleep(25);
    }
  }

  /** SIGKILL: no shutdown code runs, locks are left to lapse. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child || !this.running) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  /** SIGTERM, then SIGKILL if it has not exited within `timeoutMs`. */
  async stop(timeoutMs: number): Promise<StopResult> {
    const child = this.#child;
    const t0 = Date.now();
    if (!child || !this.running) return { ms: 0, killed: false };
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    // An unref'd timer: once the child exited, a pending timeout must not hold the harness's exit for its length.
    const inTime = await Promise.race([exited.then(() => true), sleep(timeoutMs, undefined, { ref: false }).then(() => false)]);
    if (!inTime) {
      child.kill('SIGKILL');
      await exited;
    }
    return { ms: Date.now() - t0, killed: !inTime };
  }

  /** Last resort when the harness itself is stopping. */
  killNow(): void {
    if (this.running) this.#child?.kill('SIGKILL');
  }

  async closeLog(): Promise<void> {
    await new Promise<void>((resolve) => this.#log.end(() => resolve()));
  }
}
