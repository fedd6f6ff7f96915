import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface EmbeddedRedis {
  url: string;
  port: number;
  stop(): Promise<void>;
}

export interface EmbeddedRedisOptions {
  /** Data directory (AOF lives here, so a restart on the same directory finds its queues again). @default '.data/redis' */
  dataDir?: string;
  /** Start from an empty directory (the sandbox: its simulators' data does not outlive the process either). */
  fresh?: boolean;
  /** Called with what the helper does, for the log. */
  log?: (message: string) => void;
}

function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

/** Installs redis-server with apt-get when it is missing and we are root; otherwise says what to do. */
export function ensureRedisServer(log: (message: string) => void = () => {}): void {
  if (hasRedisServer()) return;
  if (process.getuid?.() !== 0) {
    throw new Error('redis-server is not installed and this process is not root: install it (apt-get install redis-server) or set REDIS_URL');
  }
  log('redis-server is missing: installing it with apt-get (as root)');
  for (const args of [['update', '-qq'], ['install', '-y', '-qq', 'redis-server']]) {
    const result = spawnSync('apt-get', args, { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    if (result.status !== 0) throw new Error(`apt-get ${args.join(' ')} failed (exit ${result.status})`);
  }
  if (!hasRedisServer()) throw new Error('redis-server still missing after apt-get install');
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

async function waitForPing(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.setTimeout(500);
      socket.once('connect', () => socket.write('PING\r\n'));
      socket.once('data', (data) => (socket.destroy(), resolve(data.toString().startsWith('+PONG'))));
      socket.once('error', () => (socket.destroy(), resolve(false)));
      socket.once('timeout', () => (socket.destroy(), resolve(false)));
    });
    if (ok) return;
    await sleep(50);
  }
  throw new Error('redis-server did not answer PING in time');
}

/**
 * Starts a private redis-server on a free loopback port, configured as production should be (AOF on,
 * `maxmemory-policy noeviction`: BullMQ must never have keys evicted), and stops it on `stop()` or process exit.
 */
export async function startEmbeddedRedis(options: EmbeddedRedisOptions = {}): Promise<EmbeddedRedis> {
  const log = options.log ?? (() => {});
  ensureRedisServer(log);
  const port = await freePort();
  const dataDir = path.resolve(options.dataDir ?? '.data/redis');
  if (options.fresh) rmSync(dataDir, { recursive: true, force: true });
  mkdirSync(dataDir, { recursive: true });
  const child = spawn(
    'redis-server',
    [
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--dir', dataDir,
      '--appendonly', 'yes',
      '--save', '',
      '--maxmemory-policy', 'noeviction',
      '--protected-mode', 'yes',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  try {
    await waitForPing(port, child, 10_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  log(`private redis-server on 127.0.0.1:${port} (data in ${dataDir})`);
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await Promise.race([exited, sleep(5_000).then(() => child.kill('SIGKILL'))]);
    },
  };
}
