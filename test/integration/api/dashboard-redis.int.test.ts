import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/api/app.ts';
import type { ApiApp } from '../../../src/api/deps.ts';
import { loadDefinitions } from '../../../src/bootstrap/definitions.ts';
import { createLogger } from '../../../src/logger.ts';
import { dataConnection, producerConnection, workerConnection } from '../../../src/redis/connection.ts';
import { startEmbeddedRedis, type EmbeddedRedis } from '../../../src/redis/embedded-redis.ts';
import { SyncEngine } from '../../../src/sync/engine.ts';

// The dashboard (bull-board) calls Redis itself, outside the API's per-route deadlines (issue #10): with Redis
// paused it hung past 20 s, and with Redis down it answered 500 "Stream isn't writeable".
const DEADLINE_MS = 1_000;
let server: EmbeddedRedis;
let dataDir: string;
let app: ApiApp;
let engine: SyncEngine;
let redis: Redis;
let producer: Redis;
const headers = { authorization: 'Bearer t' };
const dashboard = () => app.inject({ method: 'GET', url: '/admin/queues/api/queues?activeQueue=sync&status=latest&page=1', headers });

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'cb-dash-'));
  server = await startEmbeddedRedis({ dataDir, fresh: true });
  const { syncs } = await loadDefinitions({ mappingsDir: 'mappings', jobsDir: 'jobs' });
  redis = dataConnection(server.url);
  producer = producerConnection(server.url);
  engine = new SyncEngine({ redis, producer, workerConnection: () => workerConnection(server.url), prefix: '{cbt-dash}', syncs, connections: new Map(), logger: createLogger('silent') });
  app = await buildApp({ engine, redis, tokens: ['t'], dashboardDeadlineMs: DEADLINE_MS });
  // The producer has no offline queue (an enqueue fails fast rather than waits): ping once it is connected.
  const ready = (client: Redis) => new Promise<void>((resolve) => (client.status === 'ready' ? resolve() : client.once('ready', () => resolve())));
  await Promise.all([ready(redis), ready(producer)]);
  await Promise.all([redis.ping(), producer.ping()]);
});
afterAll(async () => {
  try {
    process.kill(server.pid, 'SIGCONT');
  } catch {
    // already gone
  }
  await app.close();
  await engine.close(500).catch(() => undefined);
  redis.disconnect();
  producer.disconnect();
  await server.stop();
  await rm(dataDir, { recursive: true, force: true });
});

describe('dashboard API under a Redis fault', () => {
  it('answers 200 while Redis is healthy', async () => {
    expect((await dashboard()).statusCode).toBe(200);
  });

  it('answers 503 in our format within its deadline while Redis is paused, and 200 again after', async () => {
    process.kill(server.pid, 'SIGSTOP');
    try {
      const started = Date.now();
      const res = await dashboard();
      expect(Date.now() - started).toBeLessThan(DEADLINE_MS + 1_000);
      expect(res.statusCode).toBe(503);
      expect(res.json()).toMatchObject({ error: 'SERVICE_UNAVAILABLE' });
    } finally {
      process.kill(server.pid, 'SIGCONT');
    }
    await redis.ping();
    expect((await dashboard()).statusCode).toBe(200);
  });

  it('answers 503 (not 500 "Stream isn\'t writeable") within its deadline while Redis is down', async () => {
    await server.stop();
    const started = Date.now();
    const res = await dashboard();
    expect(Date.now() - started).toBeLessThan(DEADLINE_MS + 1_000);
    expect(res.statusCode).toBe(503);
    expect(res.json()).toMatchObject({ error: 'SERVICE_UNAVAILABLE' });
    expect(res.body).not.toContain('Stream');
  });
});
