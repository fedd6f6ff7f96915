import { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushQueueName } from '../../../src/queues/contracts.ts';
import { placeOf } from '../../../src/sync/keys.ts';
import { processPush } from '../../../src/sync/push-processor.ts';
import { pushScope } from '../../../src/sync/record-links.ts';
import { startTrataToPowerChord, type TrataToPowerChord } from '../../helpers/trata-to-powerchord.ts';

let setup: TrataToPowerChord;

beforeAll(async () => {
  setup = await startTrataToPowerChord({ settings: { pageSize: 50, batchSize: 10 } });
});
afterAll(() => setup.close());

/**
 * Redis replicates asynchronously: a failover (Sentinel, a managed cluster's replica promoted) can lose writes the old
 * primary acknowledged. A new record's link, written when its create answered, is such a write; the worker that wrote
 * it keeps running and marks the record sent at the end of the job, on the new primary. `sent` must then carry the
 * link with it: a record "sent" but unlinked is created again (a duplicate) the next time its source changes.
 */
describe('a link lost after its create answered (a failover to a replica that had not received it)', () => {
  it('is written again with the sent state: the record is updated later, not created twice', { timeout: 20_000 }, async () => {
    const { trata, powerchord, t } = setup;
    const sync = t.syncs.get('trata-to-powerchord')!;
    const scope = pushScope(sync, sync.targets[0]!);
    const queue = t.engine.ctx.queues.queue(pushQueueName('powerchord'));
    await queue.pause();
    const seeded = trata.store.seed(3);
    const runId = await t.engine.enqueueRun('trata-to-powerchord');
    let jobs: Job[] = [];
    for (const deadline = Date.now() + 10_000; jobs.length === 0 && Date.now() < deadline; ) {
      jobs = await queue.getJobs(['wait', 'prioritized']);
      if (jobs.length === 0) await new Promise((r) => setTimeout(r, 20));
    }
    expect(jobs).toHaveLength(1);

    // Each answer takes a while, so the batch is still writing its other records when the first one is linked.
    powerchord.faults.set({ latencyMs: 150 });
    const first = seeded[0]!.id;
    const pushed = processPush(t.engine.ctx, (await Job.fromId(queue, jobs[0]!.id!))!, undefined);
    for (const deadline = Date.now() + 5_000; Date.now() < deadline; ) {
      if ((await t.engine.ctx.links.pushStates(scope, [first]))[0]?.targetId) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    // The failover: the link and its intent go back to what the new primary had received (the create's claim).
    const { partition, bucket } = placeOf(first);
    const keys = t.engine.ctx.keys.records(scope.sourceConnection, scope.targetConnection, partition);
    expect(await t.engine.ctx.redis.hdel(keys.crosswalk(bucket), first)).toBe(1);
    await t.engine.ctx.redis.hset(keys.intent(bucket), first, runId);
    await pushed;
    powerchord.faults.reset();
    expect(powerchord.store.size).toBe(3);

    const states = await t.engine.ctx.links.pushStates(scope, [first]);
    expect(states[0]?.sent, 'marked sent').not.toBeNull();
    expect(states[0]?.targetId, 'linked with its sent state').not.toBeNull();

    // The next edit of the record is an update of the lead made above, not a second lead.
    trata.store.modify(first, { name: 'Renamed Once' });
    await queue.resume();
    const next = await t.waitForRun(await t.engine.enqueueRun('trata-to-powerchord'));
    expect(next.status).toBe('SUCCESS');
    expect(powerchord.store.size, 'leads at PowerChord').toBe(3);
  });
});
