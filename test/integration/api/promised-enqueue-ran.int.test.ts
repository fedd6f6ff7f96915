import { connect, type Socket } from 'node:net';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { SYNC_QUEUE } from '../../../src/queues/contracts.ts';
import { queuePrefix } from '../../../src/queues/factory.ts';
import { workerConnection } from '../../../src/redis/connection.ts';
import { apiThroughProxy, isRunAdd, pipeBothWays, startRunWhileArmed, type ApiThroughProxy } from '../../helpers/api-through-proxy.ts';

/**
 * The other side of a kept 202 (promised-enqueue.int.test.ts): the add lands, but its answer reaches the API only
 * after the request's deadline, and by then the run has been taken by a worker, has ended, and its job has left
 * Redis (the sync queue keeps 1,000 completed jobs; a busy queue's pages push a finished run job out quickly). The
 * job is gone, but the run happened: the API must not enqueue it again (the run would run twice).
 */

const SYNC = 'trata-to-powerchord';
const DEADLINE_MS = 300;
let armed = false;
/** Set while the add's answer (and any after it) is kept from the API; calling it lets them through. */
let release: (() => void) | null = null;
let api: ApiThroughProxy;
const prefix = `{cbt-promised-ran-${process.pid}}`;

function holdTheAnswer(client: Socket, redis: { host: string; port: number }): void {
  const upstream = connect(redis.port, redis.host);
  let held: Buffer[] | null = null;
  client.on('data', (chunk: Buffer) => {
    // The run's add (BullMQ's add script, whose first key is the queue's wait list) goes to Redis; its answer waits.
    if (armed && isRunAdd(chunk)) {
      armed = false;
      held = [];
      release = () => {
        for (const answer of held ?? []) client.write(answer);
        held = null;
        release = null;
      };
    }
    upstream.write(chunk);
  });
  upstream.on('data', (chunk: Buffer) => (held ? held.push(chunk) : client.write(chunk)));
  pipeBothWays(client, upstream);
}

beforeAll(async () => {
  api = await apiThroughProxy({ onConnection: holdTheAnswer, prefix, deadlineMs: DEADLINE_MS });
});
afterAll(() => api.close());

describe('an enqueue answered 202 whose run ran and left Redis before the add was answered', () => {
  it('is not enqueued again: the run runs once', { timeout: 20_000 }, async () => {
    const jobId = await startRunWhileArmed(api, SYNC, () => (armed = true));
    expect(release, 'the add was seen and its answer held').not.toBeNull();

    // Meanwhile, on connections of their own: a worker took the run (its ledger opened), it ended, and retention
    // removed its job.
    // The connection is closed here: the queue's close() leaves a connection it was given open, in a worker thread
    // the later integration files share (isolate: false).
    const connection = workerConnection(inject('redisUrl'));
    const direct = new Queue(SYNC_QUEUE, { connection, prefix: queuePrefix(prefix, SYNC_QUEUE) });
    try {
      expect(await direct.getJobState(jobId)).toBe('waiting');
      await api.engine.ledger.open(jobId, { sync: SYNC, trigger: 'api', full: false });
      expect(await direct.remove(jobId)).toBe(1);

      release!();
      for (const deadline = Date.now() + 3_000; Date.now() < deadline; ) {
        expect(await direct.getJobState(jobId), 'the run, which ran, enqueued again').toBe('unknown');
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(api.app.promisedEnqueues.pending.size).toBe(0);
    } finally {
      await direct.close();
      await connection.quit();
    }
  });
});
