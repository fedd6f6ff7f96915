import net from 'node:net';
import type { Redis } from 'ioredis';
import { expect, inject } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import type { ApiApp } from '../../src/api/deps.ts';
import { loadDefinitions } from '../../src/bootstrap/definitions.ts';
import { createLogger, type Logger } from '../../src/logger.ts';
import { SYNC_QUEUE } from '../../src/queues/contracts.ts';
import { dataConnection, producerConnection, workerConnection } from '../../src/redis/connection.ts';
import { SyncEngine } from '../../src/sync/engine.ts';

/**
 * The API (token `t`) with its producer connection — the one its enqueues go through — behind a TCP proxy on
 * loopback that a test steers (`onConnection` gets each client socket and makes its way to Redis), so a test can
 * hold, drop or answer an enqueue itself. The engine's data and worker connections go to Redis directly.
 */
export interface ApiThroughProxy {
  app: ApiApp;
  engine: SyncEngine;
  /** A direct connection to the same Redis (to look at what landed while the producer's is held). */
  redis: Redis;
  producer: Redis;
  close(): Promise<void>;
}

export type ProxyHandler = (client: net.Socket, redis: { host: string; port: number }) => void;

export async function apiThroughProxy(options: { onConnection: ProxyHandler; prefix: string; deadlineMs: number; logger?: Logger }): Promise<ApiThroughProxy> {
  const url = new URL(inject('redisUrl'));
  const target = { host: url.hostname, port: Number(url.port || 6379) };
  const proxy = net.createServer((client) => options.onConnection(client, target));
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const proxied = new URL(url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String((proxy.address() as net.AddressInfo).port);
  const { syncs } = await loadDefinitions({ mappingsDir: 'mappings', jobsDir: 'jobs' });
  const redis = dataConnection(url.href);
  const producer = producerConnection(proxied.href);
  const logger = options.logger ?? createLogger('silent');
  const engine = new SyncEngine({ redis, producer, workerConnection: () => workerConnection(url.href), prefix: options.prefix, syncs, connections: new Map(), logger });
  const app = await buildApp({ engine, redis, tokens: ['t'], redisDeadlineMs: options.deadlineMs, logger });
  await engine.queues.queue(SYNC_QUEUE).waitUntilReady();
  return {
    app,
    engine,
    redis,
    producer,
    async close() {
      await app.close();
      await engine.close(500).catch(() => undefined);
      redis.disconnect();
      producer.disconnect();
      await new Promise((resolve) => proxy.close(resolve));
    },
  };
}

/** Pipes `client` to `upstream` both ways, each closing the other (what a proxy does between its tricks). */
export function pipeBothWays(client: net.Socket, upstream: net.Socket): void {
  client.on('error', () => upstream.destroy());
  upstream.on('error', () => client.destroy());
  client.on('close', () => upstream.destroy());
  upstream.on('close', () => client.destroy());
}

/** Whether a chunk the producer sends is the run's add: BullMQ's add script, whose first key is the queue's wait list. */
export const isRunAdd = (chunk: Buffer): boolean => /evalsha\r\n\$40\r\n\w{40}\r\n\$\d+\r\n\d+\r\n\$\d+\r\n[^\r]*:sync:wait\r\n/i.test(chunk.toString('latin1'));

/**
 * Starts a run through the API as a client does, once unwatched (scripts loaded), then with the proxy `arm`ed to
 * catch its add: the job id of that second request, which must have answered 202.
 */
export async function startRunWhileArmed(api: ApiThroughProxy, sync: string, arm: () => void): Promise<string> {
  const post = () => api.app.inject({ method: 'POST', url: `/v1/syncs/${sync}/runs`, headers: { authorization: 'Bearer t' } });
  expect((await post()).statusCode, 'warm-up (scripts loaded)').toBe(202);
  arm();
  const answer = await post();
  expect(answer.statusCode).toBe(202);
  return (answer.json() as { job_id: string }).job_id;
}
