import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, rmSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

export interface EmbeddedRedis {
  /** `redis://:<password>@127.0.0.1:<port>`: the password travels inside the URL. */
  url: string;
  /** The password this server requires (made up per start unless given). */
  password: string;
  port: number;
  /** The redis-server process id (tests pause it with SIGSTOP, or kill it). */
  pid: number;
  stop(): Promise<void>;
}

export interface EmbeddedRedisOptions {
  /** Data directory (AOF lives here, so a restart on the same directory finds its queues again). @default '.data/redis' */
  dataDir?: string;
  /** Start from an empty directory (the sandbox: its simulators' data does not outlive the process either). */
  fresh?: boolean;
  /** The password to require; reuse one to restart on the same data directory under the same URL. @default random */
  password?: string;
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

async function waitForPing(port: number, password: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.setTimeout(500);
      let answer = '';
      socket.once('connect', () => socket.write(`AUTH ${password}\r\nPING\r\n`));
      socket.on('data', (data) => {
        answer += data.toString();
        if (answer.includes('+PONG') || answer.includes('-')) (socket.destroy(), resolve(answer.includes('+PONG')));
      });
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
  // The AOF holds every queued job: only this user may read it.
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
  // A password per start: any local user could otherwise connect to the port and read or change the queues. It
  // goes in on stdin (`-` reads config from there), never on the command line, which every user can list.
  const password = options.password ?? randomBytes(24).toString('hex');
  const child = spawn(
    'redis-server',
    [
      '-',
      '--port', String(port),
      '--bind', '127.0.0.1',
      '--dir', dataDir,
      '--appendonly', 'yes',
      '--save', '',
      '--maxmemory-policy', 'noeviction',
      '--protected-mode', 'yes',
    ],
    { stdio: ['pipe', 'ignore', 'pipe'] },
  );
  child.stdin?.end(`requirepass ${password}\n`);
  // redis-server logs to stdout (dropped); what it writes to stderr goes through our log, one line at a time, so
  // the process's output stays one JSON line per event.
  let partial = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) log(`redis-server: ${line.trim()}`);
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  try {
    await waitForPing(port, password, child, 10_000);
  } catch (error) {
    child.kill('SIGKILL');
    throw error;
  }
  log(`private redis-server on 127.0.0.1:${port} (data in ${dataDir})`);
  return {
    url: `redis://:${password}@127.0.0.1:${port}`,
    password,
    port,
    pid: child.pid ?? 0,
    stop: async () => {
      process.removeListener('exit', killOnExit);
      // Ended already: by itself (an exit code) or by a signal (a test's kill -9: no exit code, a signal code).
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      // Unref'd: once Redis exited, the fallback timer must not keep this process alive for 5 s more.
      await Promise.race([exited, sleep(5_000, undefined, { ref: false }).then(() => child.kill('SIGKILL'))]);
    },
  };
}
