import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { ensureRedisServer } from './embedded-redis.ts';

/**
 * A Redis Cluster of `masters` redis-server processes on loopback, for the tests, the benchmark and the chaos
 * harness (`--cluster`): each node in cluster mode with AOF (`appendfsync everysec`) and `noeviction`, joined by
 * `redis-cli --cluster create ... --cluster-replicas 0`, with one password for all (as a managed cluster has).
 */
export interface EmbeddedCluster {
  /** `redis://:<password>@127.0.0.1:<port>` of each node, in start order (any of them reaches the cluster). */
  urls: string[];
  ports: number[];
  password: string;
  /** The redis-server process ids, in the order of `ports` (a restarted node has a new one). */
  readonly pids: number[];
  /** The node's URL that does not serve `key`'s slot (a client must follow MOVED to use it). */
  urlNotServing(key: string): Promise<string>;
  /** `kill -9` of node `index` (the chaos harness's crash): nothing is flushed beyond what its AOF gave the kernel. */
  killNode(index: number): Promise<void>;
  /**
   * Starts node `index` again on its own directory (its AOF and nodes.conf: same node id, same slots) and waits
   * until it answers and sees the cluster ok again.
   */
  restartNode(index: number): Promise<void>;
  /** SIGSTOP / SIGCONT of node `index`. */
  pauseNode(index: number): void;
  resumeNode(index: number): void;
  /** Stops every node; the data directory is removed unless `keepData`. */
  stop(options?: { keepData?: boolean }): Promise<void>;
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.unref();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port whose cluster bus port (port + 10000) is free as well. */
async function clusterPort(taken: Set<number>): Promise<number> {
  for (;;) {
    const port = 20_000 + Math.floor(Math.random() * 30_000);
    if (taken.has(port) || taken.has(port + 10_000)) continue;
    if ((await portFree(port)) && (await portFree(port + 10_000))) {
      taken.add(port).add(port + 10_000);
      return port;
    }
  }
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check().catch(() => false))) {
    if (Date.now() > deadline) throw new Error(`redis cluster: timed out waiting for ${what}`);
    await sleep(50);
  }
}

export async function startEmbeddedCluster(options: { dataDir: string; masters?: number; log?: (message: string) => void }): Promise<EmbeddedCluster> {
  ensureRedisServer(options.log);
  const masters = options.masters ?? 3;
  const password = randomBytes(18).toString('base64url');
  const taken = new Set<number>();
  const ports: number[] = [];
  for (let i = 0; i < masters; i++) ports.push(await clusterPort(taken));
  const children: ChildProcess[] = [];
  const stop = async (stopOptions: { keepData?: boolean } = {}) => {
    await Promise.all(
      children.map((child) => {
        if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGCONT');
        child.kill('SIGKILL');
        return exited;
      }),
    );
    if (!stopOptions.keepData) rmSync(options.dataDir, { recursive: true, force: true });
  };
  const nodeDir = (port: number) => path.resolve(options.dataDir, String(port));
  // The password comes on stdin (a config file read from '-'), never on a command line others can see.
  const spawnNode = (port: number) => {
    const child = spawn('redis-server', ['-', '--port', String(port), '--bind', '127.0.0.1', '--dir', nodeDir(port)], { stdio: ['pipe', 'ignore', 'ignore'] });
    child.stdin!.end(
      [
        'cluster-enabled yes',
        'cluster-config-file nodes.conf',
        'cluster-node-timeout 2000',
        'appendonly yes',
        'appendfsync everysec',
        'save ""',
        'maxmemory-policy noeviction',
        `requirepass ${password}`,
        `masterauth ${password}`,
      ].join('\n'),
    );
    return child;
  };
  const clusterOk = (port: number) => waitFor(async () => (await clusterInfo(port, password)).includes('cluster_state:ok'), 15_000, `node ${port} to see the cluster ok`);
  try {
    for (const port of ports) {
      rmSync(nodeDir(port), { recursive: true, force: true });
      mkdirSync(nodeDir(port), { recursive: true, mode: 0o700 });
      children.push(spawnNode(port));
    }
    await Promise.all(ports.map((port) => waitFor(async () => ping(port, password), 10_000, `node ${port}`)));
    const create = spawnSync('redis-cli', ['--cluster', 'create', ...ports.map((p) => `127.0.0.1:${p}`), '--cluster-replicas', '0', '--cluster-yes'], {
      env: { ...process.env, REDISCLI_AUTH: password },
      encoding: 'utf8',
    });
    if (create.status !== 0) throw new Error(`redis-cli --cluster create failed: ${create.stdout}${create.stderr}`);
    await Promise.all(ports.map(clusterOk));
  } catch (error) {
    await stop();
    throw error;
  }
  const urls = ports.map((port) => `redis://:${password}@127.0.0.1:${port}`);
  options.log?.(`redis cluster of ${masters} masters on 127.0.0.1:${ports.join(', ')}`);
  return {
    urls,
    ports,
    password,
    get pids() {
      return children.map((c) => c.pid ?? 0);
    },
    async urlNotServing(key) {
      const redis = new Redis(urls[0]!, { lazyConnect: true, maxRetriesPerRequest: 1 });
      try {
        await redis.connect();
        const slot = Number(await redis.call('CLUSTER', 'KEYSLOT', key));
        const slots = (await redis.call('CLUSTER', 'SLOTS')) as Array<[number, number, [string, number, ...unknown[]]]>;
        const owner = slots.find(([from, to]) => slot >= from && slot <= to)?.[2][1];
        const other = ports.findIndex((port) => port !== owner);
        return urls[other] ?? urls[0]!;
      } finally {
        redis.disconnect();
      }
    },
    async killNode(index) {
      const child = children[index]!;
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    },
    async restartNode(index) {
      const port = ports[index]!;
      const child = spawnNode(port);
      children[index] = child;
      // A large AOF takes a moment to load (PING answers -LOADING until then).
      await waitFor(async () => child.exitCode === null && (await ping(port, password)), 30_000, `node ${port} to answer after a restart`);
      await clusterOk(port);
    },
    pauseNode(index) {
      children[index]!.kill('SIGSTOP');
    },
    resumeNode(index) {
      children[index]!.kill('SIGCONT');
    },
    stop,
  };
}

async function withNode<T>(port: number, password: string, work: (redis: Redis) => Promise<T>): Promise<T> {
  const redis = new Redis({ port, host: '127.0.0.1', password, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return await work(redis);
  } finally {
    redis.disconnect();
  }
}

function ping(port: number, password: string): Promise<boolean> {
  return withNode(port, password, async (redis) => (await redis.ping()) === 'PONG');
}

function clusterInfo(port: number, password: string): Promise<string> {
  return withNode(port, password, async (redis) => String(await redis.call('CLUSTER', 'INFO')));
}
