import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import { Redis } from 'ioredis';
import { freePort } from '../../src/redis/embedded-redis.ts';

/**
 * A redis-server of the test's own, so that the test can crash it (`kill -9`), pause it (`STOP`/`CONT`) and start
 * it again on the same port and data directory, as an operator's Redis would come back. AOF with
 * `appendfsync everysec`, like production.
 */
export class RedisProcess {
  readonly port: number;
  readonly dir: string;
  #child: ChildProcess | null = null;

  private constructor(port: number, dir: string) {
    this.port = port;
    this.dir = dir;
  }

  static async start(name: string): Promise<RedisProcess> {
    const dir = path.resolve(`.data/${name}-${process.pid}-${Date.now()}`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    const redis = new RedisProcess(await freePort(), dir);
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async restart(): Promise<void> {
    const child = spawn('redis-server', [
      '--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir,
      '--appendonly', 'yes', '--appendfsync', 'everysec', '--save', '', '--maxmemory-policy', 'noeviction',
    ], { stdio: 'ignore' });
    this.#child = child;
    const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    probe.on('error', () => {});
    const deadline = Date.now() + 10_000;
    for (;;) {
      try {
        await probe.connect();
        // Loading the AOF answers LOADING until it is done.
        if ((await probe.ping()) === 'PONG') break;
      } catch {
        probe.disconnect();
      }
      if (Date.now() > deadline) throw new Error('redis-server did not come up');
      await new Promise((r) => setTimeout(r, 50));
    }
    probe.disconnect();
  }

  kill9(): Promise<void> {
    return this.#signal('SIGKILL', true);
  }

  pause(): Promise<void> {
    return this.#signal('SIGSTOP', false);
  }

  resume(): Promise<void> {
    return this.#signal('SIGCONT', false);
  }

  async stop(): Promise<void> {
    if (!this.#child) return;
    this.#child.kill('SIGCONT');
    await this.#signal('SIGKILL', true);
    rmSync(this.dir, { recursive: true, force: true });
  }

  async #signal(signal: NodeJS.Signals, exits: boolean): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = exits ? new Promise((r) => child.once('exit', r)) : Promise.resolve();
    child.kill(signal);
    await exited;
    if (exits) this.#child = null;
  }
}
