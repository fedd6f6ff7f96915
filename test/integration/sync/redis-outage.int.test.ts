import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedRedis, type EmbeddedRedis } from '../../../src/redis/embedded-redis.ts';
import { startPowerChordSimulator, type PowerChordSimulator } from '../../../src/simulators/powerchord/server.ts';
import { startTrataSimulator, type TrataSimulator } from '../../../src/simulators/trata/server.ts';
import { exitOf, simulatorEnv, until } from '../../helpers/worker-process.ts';

// A worker process whose Redis is killed (kill -9): what it logs during the outage, and how it ends on SIGTERM.
// The shortest grace the product takes: with Redis gone a stop always waits it out, so each test spends it whole.
const SHUTDOWN_TIMEOUT_S = 1;
let trata: TrataSimulator;
let powerchord: PowerChordSimulator;
let dataDir: string;
let server: EmbeddedRedis | null = null;
let worker: ChildProcess | null = null;

/** `crm-bridge worker` on our own redis-server, with its output captured line by line. */
function startWorker(redisUrl: string, env: Record<string, string>): { child: ChildProcess; lines: string[] } {
  const child = spawn(process.execPath, ['src/cli.ts', 'worker'], {
    env: { PATH: process.env['PATH'], REDIS_URL: redisUrl, QUEUE_PREFIX: '{cbt-outage}', LOG_LEVEL: 'info', SHUTDOWN_TIMEOUT_S: String(SHUTDOWN_TIMEOUT_S), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  for (const stream of [child.stdout!, child.stderr!]) {
    let partial = '';
    stream.setEncoding('utf8').on('data', (chunk: string) => {
      const parts = (partial + chunk).split('\n');
      partial = parts.pop() ?? '';
      lines.push(...parts.filter((line) => line !== ''));
    });
  }
  return { child, lines };
}

/** Waits for a line of the worker's log; fails at once, with its output, if the worker exits instead. */
async function logged(child: ChildProcess, lines: string[], text: string, timeoutMs: number): Promise<void> {
  await until(() => {
    if (child.exitCode !== null) throw new Error(`the worker exited (${child.exitCode}):\n${lines.join('\n')}`);
    return lines.some((line) => line.includes(text));
  }, timeoutMs, text);
}

function parsed(lines: string[]): Array<Record<string, unknown>> {
  return lines.map((line) => {
    try {
      return JSON.parse(line) as Record<string, unknown>;
    } catch {
      throw new Error(`not a JSON log line: ${line}`);
    }
  });
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cb-outage-'));
  trata = await startTrataSimulator();
  powerchord = await startPowerChordSimulator();
  trata.store.seed(2_000);
});
/** kill -9 of the test's Redis. */
function killRedis(): void {
  process.kill(server!.pid, 'SIGKILL');
}
afterEach(async () => {
  worker?.kill('SIGKILL');
  // Also after a kill -9: stop() returns at once for a server that has ended, and it takes off the server's 'exit'
  // hook, which would otherwise stay on the worker thread the later files share (isolate: false).
  await server?.stop();
  worker = null;
  server = null;
});
afterAll(async () => {
  await trata.close();
  await powerchord.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('a worker whose Redis is killed', () => {
  it('logs one JSON line per reconnect attempt, backing off; SIGTERM then exits 0 within SHUTDOWN_TIMEOUT_S + 2 s (no job was running)', async () => {
    server = await startEmbeddedRedis({ dataDir: join(dataDir, 'idle'), fresh: true });
    const { child, lines } = startWorker(server.url, {}); // no connections: nothing runs
    worker = child;
    await logged(child, lines, '"schedules in place"', 30_000);

    killRedis();
    const from = lines.length;
    await sleep(3_000);
    const outage = parsed(lines.slice(from));
    const attempts = outage.filter((line) => line['msg'] !== undefined && String(line['msg']).startsWith('redis unreachable'));
    // 100, 200, 400, 800, 1600 ms: about five attempts in three seconds, once each for the whole process.
    expect(attempts.length).toBeGreaterThanOrEqual(3);
    expect(attempts.length).toBeLessThanOrEqual(7);
    expect(outage.length).toBeLessThanOrEqual(attempts.length + 2);
    expect(attempts.map((line) => line['attempt'])).toEqual(attempts.map((_, i) => i + 1));
    expect(attempts.map((line) => line['delayMs'])).toEqual(attempts.map((_, i) => Math.min(2_000, 100 * 2 ** i)));
    expect(attempts.every((line) => typeof line['code'] === 'string' && line['redis'] === `127.0.0.1:${server!.port}`)).toBe(true);

    const exited = exitOf(child);
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    const { code, at } = await exited;
    expect(at - signalledAt).toBeLessThan((SHUTDOWN_TIMEOUT_S + 2) * 1_000);
    expect(code).toBe(0);
    parsed(lines); // everything it wrote, start to end, is JSON
  });

  it('mid-run: SIGTERM exits 1 within SHUTDOWN_TIMEOUT_S + 2 s, naming the abandoned jobs, and logs only JSON', async () => {
    server = await startEmbeddedRedis({ dataDir: join(dataDir, 'busy'), fresh: true });
    powerchord.faults.set({ latencyMs: 100 }); // slow enough that pushes are in flight when Redis dies
    const { child, lines } = startWorker(server.url, { ...simulatorEnv({ trata, powerchord }), PUSH_BATCH_SIZE: '5' });
    worker = child;
    await logged(child, lines, '"run started"', 30_000);
    await until(() => powerchord.store.size >= 20, 30_000, 'the run to be under way');

    const from = lines.length;
    killRedis();
    // SIGTERM once the worker knows Redis is gone (its first reconnect attempt), its pushes still in flight.
    await until(() => lines.slice(from).some((line) => line.includes('redis unreachable')), 10_000, 'a reconnect attempt');
    const exited = exitOf(child);
    const signalledAt = Date.now();
    child.kill('SIGTERM');
    const { code, at } = await exited;
    expect(at - signalledAt).toBeLessThan((SHUTDOWN_TIMEOUT_S + 2) * 1_000);
    expect(code).toBe(1);
    const log = parsed(lines);
    const timedOut = log.find((line) => String(line['msg']).startsWith('shutdown timed out'));
    expect(timedOut?.['abandoned']).toBeGreaterThan(0);
  });
});
