import { fork, type ChildProcess } from 'node:child_process';

/** One request from the orchestrator to a child, answered once by id. */
interface Request {
  id: number;
  command: string;
  args: unknown;
}
interface Response {
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

export type Handlers = Record<string, (args: never) => unknown>;

/**
 * The child side: answers the parent's requests with `handlers`. The child exits when the parent goes away, so
 * a crashed orchestrator never leaves simulators or workers behind.
 */
export function serve(handlers: Handlers): void {
  if (!process.send) throw new Error('this module runs as a forked child of bench/run.ts');
  process.on('message', (message: Request) => {
    void (async () => {
      const handler = handlers[message.command];
      let reply: Response;
      try {
        if (!handler) throw new Error(`unknown command ${message.command}`);
        reply = { id: message.id, ok: true, result: await handler(message.args as never) };
      } catch (error) {
        reply = { id: message.id, ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) };
      }
      process.send?.(reply);
    })();
  });
  process.on('disconnect', () => process.exit(0));
  process.send({ id: 0, ok: true, result: 'ready' } satisfies Response);
}

/** The parent side of one forked child. */
export class ChildHandle {
  readonly name: string;
  readonly process: ChildProcess;
  #next = 1;
  readonly #pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  readonly ready: Promise<void>;

  constructor(name: string, modulePath: string, options: { execArgv?: string[]; env?: NodeJS.ProcessEnv } = {}) {
    this.name = name;
    // The children's stdout goes to our stderr: our stdout carries only the table and the JSON line.
    this.process = fork(modulePath, [], {
      execArgv: options.execArgv ?? process.execArgv,
      env: options.env ?? process.env,
      stdio: ['ignore', 2, 2, 'ipc'],
    });
    let markReady: () => void = () => {};
    let failReady: (error: Error) => void = () => {};
    this.ready = new Promise<void>((resolve, reject) => {
      markReady = resolve;
      failReady = reject;
    });
    this.process.on('message', (message: Response) => {
      if (message.id === 0) return markReady();
      const pending = this.#pending.get(message.id);
      if (!pending) return;
      this.#pending.delete(message.id);
      if (message.ok) pending.resolve(message.result);
      else pending.reject(new Error(`${this.name}: ${message.error ?? 'failed'}`));
    });
    this.process.on('exit', (code, signal) => {
      const error = new Error(`${this.name} exited (code ${code}, signal ${signal})`);
      failReady(error);
      for (const pending of this.#pending.values()) pending.reject(error);
      this.#pending.clear();
    });
  }

  call<T>(command: string, args: unknown = {}): Promise<T> {
    const id = this.#next++;
    return new Promise<T>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
      this.process.send({ id, command, args } satisfies Request);
    });
  }

  /** Lets the child finish (it exits on disconnect); kills it if it does not within `timeoutMs`. */
  async stop(timeoutMs = 10_000): Promise<void> {
    if (this.process.exitCode !== null || this.process.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.process.once('exit', () => resolve()));
    if (this.process.connected) this.process.disconnect();
    const timer = setTimeout(() => this.process.kill('SIGKILL'), timeoutMs);
    await exited;
    clearTimeout(timer);
  }
}

/** Samples this process's RSS every `intervalMs`; `peak()` is the largest since the last `reset()`. */
export class RssSampler {
  #peak = 0;
  #atPeak: NodeJS.MemoryUsage = process.memoryUsage();
  readonly #timer: NodeJS.Timeout;

  constructor(intervalMs = 100) {
    this.#timer = setInterval(() => this.sample(), intervalMs);
    this.#timer.unref();
    this.sample();
  }

  sample(): void {
    const rss = process.memoryUsage.rss();
    if (rss > this.#peak) {
      this.#peak = rss;
      this.#atPeak = process.memoryUsage();
    }
  }

  /** heap, external and array buffers (MB) when the peak was seen: where the RSS went. */
  breakdownAtPeak(): Record<string, number> {
    const mb = (bytes: number) => Math.round(bytes / 1024 / 102.4) / 10;
    const { rss, heapTotal, heapUsed, external, arrayBuffers } = this.#atPeak;
    return { rss: mb(rss), heapTotal: mb(heapTotal), heapUsed: mb(heapUsed), external: mb(external), arrayBuffers: mb(arrayBuffers) };
  }

  reset(): void {
    this.#peak = 0;
    this.sample();
  }

  peakMb(): number {
    this.sample();
    return this.#peak / (1024 * 1024);
  }
}
