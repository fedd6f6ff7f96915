import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/api/app.ts';
import type { ApiApp } from '../../../src/api/deps.ts';
import { createLogger } from '../../../src/logger.ts';
import { dataConnection, producerConnection, workerConnection } from '../../../src/redis/connection.ts';
import { freePort } from '../../../src/redis/embedded-redis.ts';
import { SyncEngine } from '../../../src/sync/engine.ts';
import { loadDefinitions } from '../../../src/bootstrap/definitions.ts';
import type { Redis } from 'ioredis';

// Nothing listens on this port: Redis is down from the start.
let app: ApiApp;
let engine: SyncEngine;
let redis: Redis;
let producer: Redis;
const headers = { authorization: 'Bearer t' };

beforeAll(async () => {
  const url = `redis://127.0.0.1:${await freePort()}`;
  const { syncs } = await loadDefinitions({ mappingsDir: 'mappings', jobsDir: 'jobs' });
  redis = dataConnection(url);
  producer = producerConnection(url);
  engine = new SyncEngine({ redis, producer, workerConnection: () => workerConnection(url), prefix: '{cbtest-down}', syncs, connections: new Map(), logger: createLogger('silent') });
  app = await buildApp({ engine, redis, tokens: ['t'] });
});
afterAll(async () => {
  await app.close();
  await engine.close(500).catch(() => undefined);
  redis.disconnect();
  producer.disconnect();
});

describe('Redis down', () => {
  it.each([
    ['POST', '/v1/syncs/trata-to-powerchord/runs'],
    ['POST', '/v1/syncs/trata-to-powerchord/errors/retry'],
    ['GET', '/v1/jobs/run-x'],
    ['GET', '/v1/syncs'],
    ['GET', '/v1/syncs/trata-to-powerchord/runs'],
  ] as const)('%s %s answers 503 within 1 s', async (method, url) => {
    const started = Date.now();
    const res = await app.inject({ method, url, headers: method === 'POST' ? { ...headers, 'idempotency-key': 'k1' } : headers });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(res.statusCode).toBe(503);
    expect(res.json().error).toBe('SERVICE_UNAVAILABLE');
  });

  it('reports not ready at /readyz, stays alive at /healthz, and still serves /metrics', async () => {
    const ready = await app.inject({ method: 'GET', url: '/readyz', headers });
    expect(ready.statusCode).toBe(503);
    expect(ready.json()).toMatchObject({ ready: false, redis: false });
    expect((await app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const started = Date.now();
    expect((await app.inject({ method: 'GET', url: '/metrics', headers })).statusCode).toBe(200);
    expect(Date.now() - started).toBeLessThan(1_500);
  });
});
