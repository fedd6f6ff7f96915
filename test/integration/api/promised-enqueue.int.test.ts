import net from 'node:net';
import type { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../../../src/api/app.ts';
import type { ApiApp } from '../../../src/api/deps.ts';
import { loadDefinitions } from '../../../src/bootstrap/definitions.ts';
import { createLogger } from '../../../src/logger.ts';
import { SYNC_QUEUE } from '../../../src/queues/contracts.ts';
import { dataConnection, producerConnection, workerConnection } from '../../../src/redis/connection.ts';
import { SyncEngine } from '../../../src/sync/engine.ts';

/**
 * A 202 is a promise that the work runs. Here the API's enqueue gets no answer within the request's deadline (after
 * the commit), so the API answers 202 with the job id, and then the add fails: CLUSTERDOWN, as a Redis Cluster
 * answers while the node holding the queue is down. The job the client was given must exist once Redis takes adds
 * again (the chaos harness found a run answered 202 that never existed, after such a node was killed).
 */
const SYNC = 'trata-to-powerchord';
const auth = { authorization: 'Bearer t' };
const DEADLINE_MS = 300;
let proxy: net.Server;
/** Set: the next enqueue never reaches Redis, and is answered CLUSTERDOWN once the request's deadline has passed. */
let armed = false;
let app: ApiApp;
let engine: SyncEngine;
let redis: Redis;
let producer: Redis;

function startProxy(port: number, host: string): Promise<net.Server> {
  const server = net.createServer((client) => {
    const upstream = net.connect(port, host);
    // While the add is held, what the client sends after it waits too, so every answer reaches it in order.
    let held: Buffer[] | null = null;
    client.on('data', (chunk) => {
      if (held) return void held.push(chunk);
      // The run's add: BullMQ's add script, whose first key is the queue's wait list.
      if (armed && /evalsha\r\n\$40\r\n\w{40}\r\n\$\d+\r\n\d+\r\n\$\d+\r\n[^\r]*:sync:wait\r\n/i.test(chunk.toString('latin1'))) {
        armed = false;
        held = [];
        // Answered after the request's deadline, as a Cluster whose node holding the queue is down answers.
        setTimeout(() => {
          client.write('-CLUSTERDOWN The cluster is down\r\n');
          for (const later of held ?? []) upstream.write(later);
          held = null;
        }, DEADLINE_MS + 200);
        return;
      }
      upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const lines: Array<Record<string, unknown>> = [];

beforeAll(async () => {
  const url = new URL(inject('redisUrl'));
  proxy = await startProxy(Number(url.port || 6379), url.hostname);
  const proxied = new URL(url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String((proxy.address() as net.AddressInfo).port);
  const { syncs } = await loadDefinitions({ mappingsDir: 'mappings', jobsDir: 'jobs' });
  redis = dataConnection(url.href);
  producer = producerConnection(proxied.href);
  const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  engine = new SyncEngine({ redis, producer, workerConnection: () => workerConnection(url.href), prefix: `{cbt-promised-${process.pid}}`, syncs, connections: new Map(), logger });
  app = await buildApp({ engine, redis, tokens: ['t'], redisDeadlineMs: DEADLINE_MS, logger });
  await engine.queues.queue(SYNC_QUEUE).waitUntilReady();
});
afterAll(async () => {
  await app.close();
  await engine.close(500).catch(() => undefined);
  redis.disconnect();
  producer.disconnect();
  await new Promise((r) => proxy.close(r));
});

describe('an enqueue answered 202 whose add then failed', () => {
  it('is sent again under its job id until Redis takes it: the job the client was given exists', { timeout: 20_000 }, async () => {
    const post = () => app.inject({ method: 'POST', url: `/v1/syncs/${SYNC}/runs`, headers: auth });
    expect((await post()).statusCode, 'warm-up (scripts loaded)').toBe(202);

    armed = true;
    const answer = await post();
    expect(answer.statusCode).toBe(202);
    const jobId = (answer.json() as { job_id: string }).job_id;
    const queue = engine.queues.queue(SYNC_QUEUE);
    // Looked up on another connection: the producer's holds the add.
    expect(await redis.exists(queue.toKey(jobId)), 'not in Redis when the client got its 202').toBe(0);

    let job = await queue.getJob(jobId);
    for (const deadline = Date.now() + 15_000; !job && Date.now() < deadline; job = await queue.getJob(jobId)) await new Promise((r) => setTimeout(r, 100));

    expect(job?.data, 'the job exists once Redis is reachable').toMatchObject({ sync: SYNC, full: false, trigger: 'api' });
    // The first failure was a lost connection, and the log tells the story by job id.
    const told = lines.filter((l) => l['jobId'] === jobId).map((l) => l['msg']);
    expect(told).toContainEqual(expect.stringMatching(/answered 202 is not in Redis: sending its enqueue again/));
    expect(told).toContainEqual(expect.stringMatching(/answered 202 is enqueued now/));
    expect(app.promisedEnqueues.pending.size).toBe(0);
  });
});
