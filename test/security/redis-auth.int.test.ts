/**
 * Issue #12 items 9 and 3: `npm start`'s private redis-server requires a password made up per start (and never
 * shows it on a command line); a worker given a wrong Redis password never prints it.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedRedis, type EmbeddedRedis } from '../../src/redis/embedded-redis.ts';

let first: EmbeddedRedis;
let second: EmbeddedRedis;
let base: string;

beforeAll(async () => {
  base = mkdtempSync(path.join(tmpdir(), 'cb-redis-auth-'));
  [first, second] = await Promise.all([
    startEmbeddedRedis({ dataDir: path.join(base, 'a'), fresh: true }),
    startEmbeddedRedis({ dataDir: path.join(base, 'b'), fresh: true }),
  ]);
});
afterAll(async () => {
  await Promise.all([first?.stop(), second?.stop()]);
  rmSync(base, { recursive: true, force: true });
});

async function tryPing(url: string): Promise<string> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null, enableOfflineQueue: false });
  redis.on('error', () => {});
  try {
    await redis.connect();
    return await redis.ping();
  } catch (error) {
    return (error as Error).message;
  } finally {
    redis.disconnect();
  }
}

/** PING over a bare socket, with no AUTH: what the server answers. */
function rawPing(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1', () => socket.write('PING\r\n'));
    socket.once('data', (data) => (socket.destroy(), resolve(data.toString())));
    socket.once('error', reject);
  });
}

describe('9. the private redis-server requires a password made per start', () => {
  it('refuses a client without the password and serves one with the URL it returned', async () => {
    expect(first.url).toMatch(/^redis:\/\/:[0-9a-f]{48}@127\.0\.0\.1:\d+$/);
    expect(await rawPing(first.port)).toMatch(/^-NOAUTH/);
    expect(await tryPing(first.url)).toBe('PONG');
  });

  it('makes a different password each start, and keeps it off the command line and the data directory to its user', () => {
    expect(first.password).not.toBe(second.password);
    const cmdline = readFileSync(`/proc/${first.pid}/cmdline`, 'utf8');
    expect(cmdline).toContain('redis-server');
    expect(cmdline).not.toContain(first.password);
    expect(statSync(path.join(base, 'a')).mode & 0o077).toBe(0);
  });
});

describe('3. a wrong Redis password is never printed', () => {
  it('a worker process with REDIS_URL holding a wrong password says why it fails, without the password', async () => {
    const wrong = 'wrongpasswordcanary0123456789';
    const child = spawn(process.execPath, ['src/cli.ts', 'worker'], {
      env: { ...process.env, REDIS_URL: `redis://:${wrong}@127.0.0.1:${first.port}`, LOG_LEVEL: 'debug', API_TOKENS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (c: Buffer) => (output += c.toString()));
    child.stderr.on('data', (c: Buffer) => (output += c.toString()));
    // Until it says why Redis refused it (a loaded machine has taken over 4 s to start a Node process and print),
    // then a little longer: the lines after the first refusal are searched for the password too.
    const deadline = Date.now() + 15_000;
    while (!/WRONGPASS|NOAUTH/.test(output) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 500));
    child.kill('SIGKILL');
    await once(child, 'exit');
    expect(output).toMatch(/WRONGPASS|NOAUTH/);
    expect(output.split(wrong).length - 1).toBe(0);
  }, 20_000);
});
