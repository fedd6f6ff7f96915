/**
 * `crm-bridge worker` as a real process: SIGHUP reloads the definitions (the process stays up), and the job
 * schedulers follow a changed schedule.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { SYNC_QUEUE } from '../../../src/queues/contracts.ts';
import { startPowerChordSimulator, type PowerChordSimulator } from '../../../src/simulators/powerchord/server.ts';
import { startTrataSimulator, type TrataSimulator } from '../../../src/simulators/trata/server.ts';
import { createTestEngine, type TestEngine } from '../../helpers/engine.ts';
import { exitOf, simulatorEnv, until } from '../../helpers/worker-process.ts';

const SYNC = 'trata-to-powerchord';
let dir: string;
let trata: TrataSimulator;
let powerchord: PowerChordSimulator;
let t: TestEngine;
let worker: ChildProcess;
const lines: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), 'cb-sighup-'));
  for (const sub of ['jobs', 'mappings', 'connections']) mkdirSync(path.join(dir, sub));
  copyFileSync(`jobs/${SYNC}.yaml`, path.join(dir, 'jobs', `${SYNC}.yaml`));
  for (const file of readdirSync('mappings').filter((f) => f.endsWith('.yaml'))) copyFileSync(path.join('mappings', file), path.join(dir, 'mappings', file));
  [trata, powerchord] = await Promise.all([startTrataSimulator(), startPowerChordSimulator()]);
  t = await createTestEngine({ connections: new Map(), workers: false });
  worker = spawn(process.execPath, ['src/cli.ts', 'worker'], {
    env: {
      PATH: process.env['PATH'], REDIS_URL: inject('redisUrl'), QUEUE_PREFIX: t.prefix, LOG_LEVEL: 'info', LOG_FORMAT: 'json', SHUTDOWN_TIMEOUT_S: '2',
      JOBS_DIR: path.join(dir, 'jobs'), MAPPINGS_DIR: path.join(dir, 'mappings'), CONNECTIONS_DIR: path.join(dir, 'connections'),
      ...simulatorEnv({ trata, powerchord }),
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  worker.stdout?.setEncoding('utf8').on('data', (chunk: string) => lines.push(...chunk.split('\n').filter(Boolean)));
  // A cold start of the CLI takes seconds on a loaded 2-core machine.
  await until(() => lines.some((l) => l.includes('schedules in place')), 45_000, 'the worker to start');
});

afterAll(async () => {
  if (worker && worker.exitCode === null) {
    worker.kill('SIGTERM');
    await exitOf(worker);
  }
  await t?.close();
  await Promise.all([trata?.close(), powerchord?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('crm-bridge worker and SIGHUP', () => {
  it('reloads on SIGHUP without stopping, and moves the changed schedule', async () => {
    const queue = t.engine.queues.queue(SYNC_QUEUE);
    expect(await queue.getJobScheduler(SYNC)).toMatchObject({ every: 300_000 });
    const job = path.join(dir, 'jobs', `${SYNC}.yaml`);
    writeFileSync(job, readFileSync(job, 'utf8').replace('every: 5m', 'every: 7m'));
    worker.kill('SIGHUP');
    await until(() => lines.some((l) => l.includes('definitions reloaded')), 5_000, 'the reload');
    const reloaded = JSON.parse(lines.find((l) => l.includes('definitions reloaded'))!) as Record<string, unknown>;
    // SIGHUP reloads at once; the file watch (debounced) comes after it and finds nothing new.
    expect(reloaded).toMatchObject({ reason: 'SIGHUP', changed: [SYNC], added: [], removed: [] });
    await until(async () => (await queue.getJobScheduler(SYNC))?.every === 420_000, 5_000, 'the scheduler to follow');
    expect(worker.exitCode).toBeNull();
    expect(lines.filter((l) => l.includes('definitions reloaded'))).toHaveLength(1);
  });
});
