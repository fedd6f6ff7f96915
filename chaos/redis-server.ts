/**
 * The harness's Redis, as the nemesis sees it: one redis-server (ChaosRedis), or a 3-master Redis Cluster
 * (ChaosCluster, `--cluster`). Either way AOF with `appendfsync everysec` (production's setting), each node on a
 * data directory and a fixed port of its own, so that it can be killed with SIGKILL and started again on the same
 * directory and port (clients reconnect to the same address), or paused with SIGSTOP / SIGCONT.
 */
export interface RedisUnderTest {
  readonly cluster: boolean;
  /** Nodes a Redis fault can hit (1 for a single server); faults name one by index. */
  readonly nodes: number;
  /** The URL process number `i` (the API, then the workers) is given: on a cluster, node i mod 3, so each seeds its own. */
  urlFor(i: number): string;
  /** Where the harness's own ledger reader connects (a cluster client follows the slots from there). */
  readonly url: string;
  kill(node: number): Promise<void>;
  restart(node: number): Promise<void>;
  pause(node: number): void;
  resume(node: number): void;
  /** Graceful for a single server; the cluster's nodes are killed (their data is no longer needed). */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

/** A 3-master cluster on loopback (src/redis/embedded-cluster.ts, as the cluster tests start it). */
export class ChaosCluster implements RedisUnderTest {
  readonly cluster = true;
  readonly #cluster: EmbeddedCluster;

  private constructor(cluster: EmbeddedCluster) {
    this.#cluster = cluster;
  }

  static async start(dataDir: string, log: (message: string) => void): Promise<ChaosCluster> {
    return new ChaosCluster(await startEmbeddedCluster({ dataDir: path.join(dataDir, 'redis-cluster'), masters: 3, log }));
  }

  get nodes(): number {
    return this.#cluster.urls.length;
  }

  get url(): string {
    return this.#cluster.urls[0]!;
  }

  urlFor(i: number): string {
    return this.#cluster.urls[i % this.nodes]!;
  }

  /** `127.0.0.1:<port>` of a node, for the schedule's log. */
  describe(node: number): string {
    return `127.0.0.1:${this.#cluster.ports[node]}`;
  }

  kill(node: number): Promise<void> {
    return this.#cluster.killNode(node);
  }

  restart(node: number): Promise<void> {
    return this.#cluster.restartNode(node);
  }

  pause(node: number): void {
    this.#cluster.pauseNode(node);
  }

  resume(node: number): void {
    this.#cluster.resumeNode(node);
  }

  stop(options: { keepData?: boolean } = {}): Promise<void> {
    return this.#cluster.stop(options);
  }
}

/** One redis-server; the node index of a fault is ignored (there is one). */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmbeddedCluster, type EmbeddedCluster } from '../src/redis/embedded-cluster.ts';
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

export class ChaosRedis implements RedisUnderTest {
  readonly cluster = false;
  readonly nodes = 1;
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

  urlFor(): string {
    return this.url;
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
    // Unref'd: a stopped Redis must not hold the harness's exit for 5 s.
    await Promise.race([exited, sleep(5_000, undefined, { ref: false }).then(() => child.kill('SIGKILL'))]);
  }
}
