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
 * The API's producer connection goes through a TCP proxy that can drop it at the worst moment: after Redis received
 * an enqueue, before its answer came back. Redis runs the add; the API cannot know it did. It must then say so
 * (503 naming the job to look up), never "nothing was started" (a client told that retries, and starts the work twice).
 */
const SYNC = 'trata-to-powerchord';
const auth = { authorization: 'Bearer t' };
let proxy: net.Server;
/** Set: the next command batch is forwarded to Redis, its answer dropped and the connection cut. */
let armed = false;
/** Until then, Redis cannot be reached (a network partition): connections are cut as they come. */
let unreachableUntil = 0;
let app: ApiApp;
let engine: SyncEngine;
let redis: Redis;
let producer: Redis;

function startProxy(port: number, host: string): Promise<net.Server> {
  const server = net.createServer((client) => {
    if (Date.now() < unreachableUntil) return void client.destroy();
    const upstream = net.connect(port, host);
    let cutting = false;
    let held = Buffer.alloc(0);
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('data', (chunk) => {
      upstream.write(chunk);
      if (armed && /evalsha/i.test(chunk.toString('latin1'))) {
        armed = false;
        cutting = true;
        unreachableUntil = Date.now() + 1_000;
        setTimeout(cut, 500);
      }
    });
    upstream.on('data', (chunk) => {
      if (!cutting) return void client.write(chunk);
      // Redis ran the batch: its first answer reaches the client, then the connection is cut.
      held = Buffer.concat([held, chunk]);
      const end = firstReplyEnd(held.toString('latin1'));
      if (end > 0) {
        client.write(held.subarray(0, end), cut);
        cutting = false;
        upstream.removeAllListeners('data');
      }
    });
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

/** Where the first RESP reply in `text` ends (a bulk string or a one-line reply), or -1 if it is not all there. */
function firstReplyEnd(text: string): number {
  const line = text.indexOf('\r\n');
  if (line < 0) return -1;
  if (text[0] !== '$') return line + 2;
  const length = Number(text.slice(1, line));
  const end = length < 0 ? line + 2 : line + 2 + length + 2;
  return text.length >= end ? end : -1;
}

async function jobIds(): Promise<string[]> {
  const jobs = await engine.queues.queue(SYNC_QUEUE).getJobs(['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized']);
  return jobs.map((job) => job.id ?? '').sort();
}

beforeAll(async () => {
  const url = new URL(inject('redisUrl'));
  proxy = await startProxy(Number(url.port || 6379), url.hostname);
  const proxied = new URL(url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String((proxy.address() as net.AddressInfo).port);
  const { syncs } = await loadDefinitions({ mappingsDir: 'mappings', jobsDir: 'jobs' });
  redis = dataConnection(url.href);
  producer = producerConnection(proxied.href);
  engine = new SyncEngine({ redis, producer, workerConnection: () => workerConnection(url.href), prefix: `{cbt-batch-${process.pid}}`, syncs, connections: new Map(), logger: createLogger('silent') });
  app = await buildApp({ engine, redis, tokens: ['t'], redisDeadlineMs: 3_000 });
  await engine.queues.queue(SYNC_QUEUE).waitUntilReady();
});
afterAll(async () => {
  await app.close();
  await engine.close(500).catch(() => undefined);
  redis.disconnect();
  producer.disconnect();
  await new Promise((r) => proxy.close(r));
});

describe('runs enqueued together (one pipeline) whose answer is lost', () => {
  it('answer 503 naming each job to look up, never "nothing was started", when the jobs exist', { timeout: 10_000 }, async () => {
    const post = () => app.inject({ method: 'POST', url: `/v1/syncs/${SYNC}/runs`, headers: auth });
    // Warm up: the add scripts are loaded, so the pipeline below is the adds alone.
    const warm = await Promise.all([post(), post()]);
    expect(warm.map((r) => r.statusCode)).toEqual([202, 202]);
    const before = await jobIds();

    armed = true;
    const answers = await Promise.all([post(), post()]);
    // Redis is reachable again; what it ran is there.
    for (const deadline = Date.now() + 5_000; producer.status !== 'ready' && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
    const added = (await jobIds()).filter((id) => !before.includes(id));
    expect(added, 'jobs Redis added').toHaveLength(2);
    expect(answers.map((a) => a.statusCode), 'the cut reached the API').toContain(503);
    // Each job exists: 202, or a 503 that names it to look up. Never a 503 that says nothing was started.
    for (const answer of answers) {
      if (answer.statusCode !== 202) expect(`${answer.statusCode} ${answer.json().message}`, 'the answer for a job that exists').toMatch(/^503 .*may or may not exist/);
    }
  });
});
