import type { Job } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { pushQueueName } from '../../../src/queues/contracts.ts';
import { abandonBatch } from '../../../src/sync/push-processor.ts';
import { startTrataToPropexo } from '../../helpers/trata-to-propexo.ts';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/**
 * The sibling of confirmation-refused.int.test.ts: a Propexo update accepted (PENDING), whose write-status then
 * answers 5xx until the push job's attempts run out. It was sent all the same, so it must end like one still
 * PENDING at the deadline (CONFIRM_TIMEOUT, the record's next update held until it settled), not as a record whose
 * transient errors merely exhausted its attempts, whose next update is sent at once and can be overwritten by it.
 */
describe('a Propexo update accepted, whose write-status answers 5xx until the attempts run out', () => {
  it('holds the record’s next update until it settled, so the newest body lands last', { timeout: 30_000 }, async () => {
    const sync = await startTrataToPropexo({ confirmTimeoutMs: 10_000, attempts: 2, backoffMs: 20 });
    cleanups.push(() => sync.close());
    const { trata, propexo, run } = sync;
    const person = await sync.adaCreated();

    // v2 is accepted and held PENDING; every write-status answers 503.
    propexo.store.holdWrites = true;
    propexo.faults.set({ errorRate: 1, errorStatuses: [503], methods: ['GET'] });
    trata.store.modify(person.id, { name: 'Ada Second' });
    const second = await run();
    propexo.faults.reset();
    expect(second.errors.map((e) => e.code)).toEqual(['CONFIRM_TIMEOUT']);
    expect(second.errors[0]?.reason).toMatch(/\(an update\) could not be confirmed \(.*503/);

    await sync.expectNewestLandsLast(person);
  });
});

describe('a Propexo push job that failed for good while its update was PENDING', () => {
  it('holds the record’s next update until that write settled, so the newest body lands last', { timeout: 30_000 }, async () => {
    const sync = await startTrataToPropexo({ confirmTimeoutMs: 10_000 });
    cleanups.push(() => sync.close());
    const { trata, propexo, t, run } = sync;
    const person = await sync.adaCreated();

    // v2 is accepted and held PENDING: its push job parks itself, waiting for the write to settle.
    propexo.store.holdWrites = true;
    trata.store.modify(person.id, { name: 'Ada Second' });
    const runId = await t.engine.enqueueRun('trata-to-propexo');
    const queue = t.engine.queues.queue(pushQueueName('propexo'));
    let parked: Job | undefined;
    for (const deadline = Date.now() + 10_000; !parked && Date.now() < deadline; await new Promise((r) => setTimeout(r, 25))) {
      const delayed = await queue.getJobs(['delayed']);
      parked = delayed.find((job) => (job.data as { runId: string; records: Array<{ pendingJobId?: string }> }).runId === runId && job.data.records[0]?.pendingJobId);
    }
    expect(parked, 'the push job parked with its pending update').toBeDefined();
    // Then it fails for good (an unexpected error on its last attempt, or stalled too often) and is settled, as the
    // worker (or the run watchdog) settles a failed push job.
    await parked!.remove();
    await abandonBatch(t.engine.ctx, parked!, 'job stalled more than allowable limit');
    const second = await t.waitForRun(runId, 10_000);
    expect(second.counts).toMatchObject({ failed: 1 });

    await sync.expectNewestLandsLast(person);
  });
});
