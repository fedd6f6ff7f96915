import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.ts';
import { SYNC_QUEUE } from '../../../src/queues/contracts.ts';
import { apiThroughProxy, isRunAdd, pipeBothWays, startRunWhileArmed, type ApiThroughProxy } from '../../helpers/api-through-proxy.ts';

/**
 * A 202 is a promise that the work runs. Here the API's enqueue gets no answer within the request's deadline (after
 * the commit), so the API answers 202 with the job id, and then the add fails: CLUSTERDOWN, as a Redis Cluster
 * answers while the node holding the queue is down. The job the client was given must exist once Redis takes adds
 * again (the chaos harness found a run answered 202 that never existed, after such a node was killed).
 */

const SYNC = 'trata-to-powerchord';
const DEADLINE_MS = 300;
/** Set: the next enqueue never reaches Redis, and is answered CLUSTERDOWN once the request's deadline has passed. */
let armed = false;
let api: ApiThroughProxy;
const lines: Array<Record<string, unknown>> = [];

function holdTheAdd(client: Socket, redis: { host: string; port: number }): void {
  const upstream = connect(redis.port, redis.host);
  // While the add is held, what the client sends after it waits too, so every answer reaches it in order.
  let held: Buffer[] | null = null;
  client.on('data', (chunk: Buffer) => {
    if (held) return void held.push(chunk);
    if (armed && isRunAdd(chunk)) {
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
  upstream.on('data', (chunk: Buffer) => client.write(chunk));
  pipeBothWays(client, upstream);
}

beforeAll(async () => {
  const logger = createLogger('info', { write: (line: string) => void lines.push(JSON.parse(line) as Record<string, unknown>) });
  api = await apiThroughProxy({ onConnection: holdTheAdd, prefix: `{cbt-promised-${process.pid}}`, deadlineMs: DEADLINE_MS, logger });
});
afterAll(() => api.close());

describe('an enqueue answered 202 whose add then failed', () => {
  it('is sent again under its job id until Redis takes it: the job the client was given exists', { timeout: 20_000 }, async () => {
    const jobId = await startRunWhileArmed(api, SYNC, () => (armed = true));
    const queue = api.engine.queues.queue(SYNC_QUEUE);
    // Looked up on another connection: the producer's holds the add.
    expect(await api.redis.exists(queue.toKey(jobId)), 'not in Redis when the client got its 202').toBe(0);

    let job = await queue.getJob(jobId);
    for (const deadline = Date.now() + 15_000; !job && Date.now() < deadline; job = await queue.getJob(jobId)) await new Promise((r) => setTimeout(r, 100));

    expect(job?.data, 'the job exists once Redis is reachable').toMatchObject({ sync: SYNC, full: false, trigger: 'api' });
    // The first failure was a lost connection, and the log tells the story by job id.
    const told = lines.filter((l) => l['jobId'] === jobId).map((l) => l['msg']);
    expect(told).toContainEqual(expect.stringMatching(/answered 202 is not in Redis: sending its enqueue again/));
    expect(told).toContainEqual(expect.stringMatching(/answered 202 is enqueued now/));
    expect(api.app.promisedEnqueues.pending.size).toBe(0);
  });
});
