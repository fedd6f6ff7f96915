import { Queue } from 'bullmq';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { AddBatcher } from '../../../src/queues/add-batcher.ts';
import { dataConnection, producerConnection, type RedisClient } from '../../../src/redis/connection.ts';
import { RedisProcess } from '../../helpers/redis-process.ts';
import { testCluster } from '../../helpers/test-redis.ts';

let producer: RedisClient;
let observer: RedisClient;
let queue: Queue;
/**
 * On one node, a Redis of this file's own: its read count (below) is then this file's alone, not also that of the
 * other test files running beside it on the shared one (which made the count flaky: 24 reads once under load).
 */
let server: RedisProcess | null = null;

beforeAll(async () => {
  server = testCluster() ? null : await RedisProcess.start('add-batcher');
  const url = server?.url ?? inject('redisUrl');
  producer = producerConnection(url, {}, undefined, testCluster());
  observer = dataConnection(url, {}, undefined, testCluster());
  queue = new Queue(`add-batcher-${randomUUID()}`, { connection: producer, prefix: '{add-batcher-test}' });
  await queue.waitUntilReady();
});
afterAll(async () => {
  await queue.obliterate({ force: true });
  await queue.close();
  producer.disconnect();
  observer.disconnect();
  await server?.stop();
});

/** Read events Redis has served since it started (one per read(2) on a client socket, whatever it carried). */
async function readsProcessed(): Promise<number> {
  const info = await observer.info('stats');
  return Number(/total_reads_processed:(\d+)/.exec(info)?.[1]);
}

describe('adds of one turn go to Redis together', () => {
  it('300 adds made at once: every job is in Redis with its data, each caller gets its own job, in a few writes', async () => {
    const batcher = new AddBatcher(queue);
    const ids = Array.from({ length: 300 }, (_, i) => `job-${i}-${randomUUID()}`);
    const before = await readsProcessed();
    const jobs = await Promise.all(ids.map((id, i) => batcher.add('run', { n: i }, { jobId: id })));
    const reads = (await readsProcessed()) - before;

    expect(jobs.map((job) => job.id)).toEqual(ids);
    const stored = await Promise.all(ids.map((id) => queue.getJob(id)));
    expect(stored.map((job) => job?.data)).toEqual(ids.map((_, i) => ({ n: i })));
    // Three pipelines of 100. Sent one by one the same adds took Redis 84 reads here (some arrive together anyway);
    // batched, 7. A single Redis (not a cluster, whose nodes count separately) shows the batching itself.
    if (!testCluster()) expect(reads).toBeLessThanOrEqual(20);
  });

  it('the same job id twice in one turn: one job, both callers told its id', async () => {
    const batcher = new AddBatcher(queue);
    const id = `twice-${randomUUID()}`;
    const [a, b] = await Promise.all([batcher.add('run', { first: true }, { jobId: id }), batcher.add('run', { first: false }, { jobId: id })]);
    expect([a.id, b.id]).toEqual([id, id]);
    expect((await queue.getJob(id))?.data).toEqual({ first: true });
  });

  it('an add BullMQ refuses fails alone: the others of its turn are enqueued', async () => {
    const batcher = new AddBatcher(queue);
    const good = [`good-a-${randomUUID()}`, `good-b-${randomUUID()}`];
    const outcomes = await Promise.allSettled([
      batcher.add('run', { n: 1 }, { jobId: good[0]! }),
      // BullMQ's own validation refuses a priority above 2,097,152.
      batcher.add('run', { n: 2 }, { jobId: `bad-${randomUUID()}`, priority: 3_000_000 }),
      batcher.add('run', { n: 3 }, { jobId: good[1]! }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(String((outcomes[1] as PromiseRejectedResult).reason)).toMatch(/[Pp]riority/);
    expect((await Promise.all(good.map((id) => queue.getJob(id)))).map((job) => job?.data)).toEqual([{ n: 1 }, { n: 3 }]);
  });

  it('a lone add is sent in its own turn, not held for company', async () => {
    const batcher = new AddBatcher(queue);
    const id = `alone-${randomUUID()}`;
    const job = await batcher.add('run', { alone: true }, { jobId: id });
    expect(job.id).toBe(id);
    expect(await queue.getJobState(id)).toBe('waiting');
  });
});
