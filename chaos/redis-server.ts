/**
 * The harness's own redis-server: AOF with `appendfsync everysec` (production's setting), on a data directory of
 * its own, on a fixed port so that it can be killed with SIGKILL and started again on the same directory and port
 * (clients reconnect to the same URL), or paused with SIGSTOP / SIGCONT.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ensureRedisServer, freePort } from '../src/redis/embedded-redis.ts';

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.setTimeout(500);
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.once('data', (data) => (socket.destroy(), resolve(data.toString().startsWith('+PONG'))));
    socket.once('error', () => (socket.destroy(), resolve(false)));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

export class ChaosRedis {
  readonly dataDir: string;
  readonly port: number;
  #child: ChildProcess | null = null;
  readonly #logFd: number;

  private constructor(dataDir: string, port: number) {
    this.dataDir = dataDir;
    this.port = port;
    this.#logFd = openSync(path.join(dataDir, 'redis.log'), 'a');
  }

  static async start(dataDir: string): Promise<ChaosRedis> {
    ensureRedisServer();
    mkdirSync(dataDir, { recursive: true });
    const redis = new ChaosRedis(dataDir, await freePort());
    await redis.restart();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Starts redis-server on the same port and directory (it loads the AOF) and waits until it answers PING. */
  async restart(): Promise<void> {
    const child = spawn(
      'redis-server',
      [
        '--port', String(this.port),
        '--bind', '127.0.0.1',
        '--dir', this.dataDir,
        '--appendonly', 'yes',
        '--appendfsync', 'everysec',
        '--save', '',
        '--maxmemory-policy', 'noeviction',
      ],
      { stdio: ['ignore', this.#logFd, this.#logFd] },
    );
    this.#child = child;
    const deadline = Date.now() + 30_000;
    // A large AOF takes a moment to load: PING answers -LOADING until then.
    while (!(await ping(this.port))) {
      if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode} (see ${this.dataDir}/redis.log)`);
      if (Date.now() > deadline) throw new Error('redis-server did not answer PING within 30 s');
      await sleep(50);
    }
  }

  /** SIGKILL, as a crash: nothing is flushed beyond what the AOF already handed to the kernel. */
  async kill(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGKILL');
    await exited;
  }

  pause(): void {
    this.#child?.kill('SIGSTOP');
  }

  resume(): void {
    this.#child?.kill('SIGCONT');
  }

  /** Graceful stop (resumed first, in case it is paused). */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGCONT');
    child.kill('SIGTERM');
    await Promise.race([exited, sleep(5_000).then(() => child.kill('SIGKILL'))]);
  }
}
