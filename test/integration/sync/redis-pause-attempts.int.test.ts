import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { SYNC_QUEUE } from '../../../src/queues/contracts.ts';
import { queuePrefix } from '../../../src/queues/factory.ts';
import { until } from '../../helpers/worker-process.ts';
import { startWorkerOnOwnRedis } from '../../helpers/worker-on-own-redis.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/**
 * Chaos finding: each Redis pause failed the page jobs running at that moment ("Stream isn't writeable"), each
 * failure spent an attempt with exponential backoff, and a few pauses pushed one run minutes past the others (a run
 * could even fail for good). Our own store being away must cost no attempt meant for a provider.
 */
describe('Redis paused and killed mid-run', () => {
  it('spends no job attempt on the outages, and the run ends SUCCESS', { timeout: 120_000 }, async () => {
    // Enough that the run is still writing when the last outage ends (asserted below) and still pulling pages (it
    // pulls as its pushes drain: pages ran at the same moments of the outages with 2,000 records as with 3,000).
    const RECORDS = 2_000;
    const setup = await startWorkerOnOwnRedis({ name: 'redis-pauses', records: RECORDS, latencyMs: 20, env: { PULL_PAGE_SIZE: '100', PUSH_BATCH_SIZE: '5', JOB_LOCK_MS: '30000' } });
    cleanups.push(() => setup.close());
    const { redisServer, powerchord, prefix } = setup;

    await until(() => powerchord.store.size >= 200, 60_000, 'the first creates');
    // Paused twice, then killed and restarted on its AOF: the two ways Redis goes away under a worker.
    for (const outage of ['pause', 'pause', 'kill'] as const) {
      if (outage === 'pause') await redisServer.pause();
      else await redisServer.kill9();
      await new Promise((r) => setTimeout(r, 2_000));
      if (outage === 'pause') await redisServer.resume();
      else await redisServer.restart();
      // Some writing between outages, so that each finds the run in another state; after the last, the run's end
      // is awaited below.
      if (outage === 'pause') await new Promise((r) => setTimeout(r, 1_500));
    }
    expect(powerchord.store.size, 'creates done when the last outage ended').toBeLessThan(RECORDS);
    // The latency kept pushes in flight through the outages; what is written after them needs it no more.
    powerchord.faults.set({ latencyMs: 0 });

    const { redis, run } = await setup.endedRun('trata-to-powerchord', 90_000);
    expect(run.status).toBe('SUCCESS');
    expect(powerchord.store.size).toBe(RECORDS);

    const queue = new Queue(SYNC_QUEUE, { connection: redis, prefix: queuePrefix(prefix, SYNC_QUEUE) });
    cleanups.push(() => queue.close());
    const pushes = new Queue('push-powerchord', { connection: redis, prefix: queuePrefix(prefix, 'push-powerchord') });
    cleanups.push(() => pushes.close());
    const pages = (await queue.getJobs(['completed'])).filter((job) => job.name === 'page');
    const batches = await pushes.getJobs(['completed'], 0, 1_000);
    expect(pages.length).toBeGreaterThan(RECORDS / 100 - 1);
    // BullMQ counts the attempt that completed the job: 1 each, none spent on a failure.
    expect(pages.map((job) => job.attemptsMade).filter((n) => n !== 1), 'attempts spent by page jobs').toEqual([]);
    expect(batches.map((job) => job.attemptsMade).filter((n) => n !== 1), 'attempts spent by push jobs').toEqual([]);
  });
});
