import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/api/app.ts';
import type { ApiApp } from '../../../src/api/deps.ts';
import { loadDefinitions } from '../../../src/bootstrap/definitions.ts';
import { createLogger } from '../../../src/logger.ts';
import { SYNC_QUEUE } from '../../../src/queues/contracts.ts';
import { dataConnection, producerConnection, workerConnection } from '../../../src/redis/connection.ts';
import { startEmbeddedRedis, type EmbeddedRedis } from '../../../src/redis/embedded-redis.ts';
import { SyncEngine } from '../../../src/sync/engine.ts';
import { pushScope } from '../../../src/sync/record-links.ts';

// A redis-server of its own, so the test can pause it (SIGSTOP) as `kill -STOP` would: the TCP connections stay up,
// commands already written wait in the socket and run at SIGCONT, after the API has answered.
const SYNC = 'trata-to-powerchord';
let server: EmbeddedRedis;
let dataDir: string;
let app: ApiApp;
let engine: SyncEngine;
let redis: Redis;
let producer: Redis;
const auth = { authorization: 'Bearer t' };

const pause = () => process.kill(server.pid, 'SIGSTOP');
const resume = () => process.kill(server.pid, 'SIGCONT');
/** Job ids in the sync queue, in any state. */
async function jobIds(): Promise<string[]> {
  const jobs = await engine.queues.queue(SYNC_QUEUE).getJobs(['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized']);
  return jobs.map((job) => job.id ?? '').sort();
}
/** Lets what Redis received while paused run, and the callers' continuations after it. */
async function drained(): Promise<void> {
  await redis.ping();
  await producer.ping();
  await new Promise((r) => setTimeout(r, 300));
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cb-paused-'));
  server = await startEmbeddedRedis({ dataDir, fresh: true });
  const { syncs } = await loadDefinitions({ mappingsDir: 'mappings', jobsDir: 'jobs' });
  redis = dataConnection(server.url);
  producer = producerConnection(server.url);
  engine = new SyncEngine({ redis, producer, workerConnection: () => workerConnection(server.url), prefix: '{cbt-paused}', syncs, connections: new Map(), logger: createLogger('silent') });
  app = await buildApp({ engine, redis, tokens: ['t'] });
  await engine.queues.queue(SYNC_QUEUE).waitUntilReady();
  await Promise.all([redis.ping(), producer.ping()]);
});
afterAll(async () => {
  resume();
  await app.close();
  await engine.close(500).catch(() => undefined);
  redis.disconnect();
  producer.disconnect();
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('Redis paused (SIGSTOP) while a request starts work', () => {
  it('a 503 means nothing starts, even after SIGCONT; a retry with the same key then starts exactly one job', async () => {
    const before = await jobIds();
    const post = () => app.inject({ method: 'POST', url: `/v1/syncs/${SYNC}/runs`, headers: { ...auth, 'idempotency-key': 'paused-1' } });
    pause();
    try {
      const started = Date.now();
      const first = await post();
      expect(Date.now() - started).toBeLessThan(1_500);
      expect(first.statusCode).toBe(503);
      expect(first.json().message).toMatch(/nothing was started/);
      expect((await post()).statusCode).toBe(503); // the client retries while Redis is still paused
    } finally {
      resume();
    }
    await drained();
    expect(await jobIds()).toEqual(before); // the abandoned SET NX ran at SIGCONT; the enqueue after it did not

    const retried = await post();
    expect(retried.statusCode).toBe(202);
    const again = await post();
    expect(again.json()).toMatchObject({ job_id: retried.json().job_id, data: { replayed: true } });
    expect(await jobIds()).toEqual([...before, retried.json().job_id].sort());
  });

  it('an enqueue sent before the deadline answers 202 with the job id, and exactly that job exists after SIGCONT', async () => {
    const before = await jobIds();
    pause();
    let res;
    try {
      const started = Date.now();
      res = await app.inject({ method: 'POST', url: `/v1/syncs/${SYNC}/runs`, headers: auth });
      expect(Date.now() - started).toBeLessThan(1_500);
    } finally {
      resume();
    }
    expect(res.statusCode).toBe(202);
    const jobId: string = res.json().job_id;
    await drained();
    expect(await jobIds()).toEqual([...before, jobId].sort());
  });

  it('a retry of failed records called off at the deadline lifts no "outcome unknown" hold and enqueues nothing', async () => {
    const { keys, links } = engine.ctx;
    const sync = engine.syncs.get(SYNC)!;
    const scope = pushScope(sync, sync.targets[0]!);
    await redis.hset(keys.failed(SYNC), 'rec-1', '{}');
    await links.recordIntent(scope, 'rec-1', 'held');
    const before = await jobIds();
    pause();
    let res;
    try {
      res = await app.inject({ method: 'POST', url: `/v1/syncs/${SYNC}/errors/retry`, headers: auth });
    } finally {
      resume();
    }
    expect(res.statusCode).toBe(503);
    await drained();
    expect((await links.pushStates(scope, ['rec-1']))[0]?.intent).toBe('held');
    expect(await jobIds()).toEqual(before);
  });
});
