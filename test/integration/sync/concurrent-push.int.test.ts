import { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushQueueName } from '../../../src/queues/contracts.ts';
import { processPush } from '../../../src/sync/push-processor.ts';
import { pushScope } from '../../../src/sync/record-links.ts';
import { startTrataToPowerChord, type TrataToPowerChord } from '../../helpers/trata-to-powerchord.ts';

let setup: TrataToPowerChord;

beforeAll(async () => {
  setup = await startTrataToPowerChord({ settings: { pageSize: 50, batchSize: 10 } });
});
afterAll(() => setup.close());

/**
 * A push job whose lock lapsed while its worker still ran it (a stalled worker, a Redis node away long enough that
 * the lock could not be renewed) is taken over by another worker: two executions of one job at once. Seen in
 * `npm run chaos -- --cluster`: 39 duplicates in 3,000 records, each created twice about 3 s apart.
 */
describe('two executions of one push job at once', () => {
  it('create each record once: the create intent is a claim only one execution gets', { timeout: 30_000 }, async () => {
    const { trata, powerchord, t } = setup;
    const queue = t.engine.ctx.queues.queue(pushQueueName('powerchord'));
    // The pushes wait, so that the test runs one job twice by hand.
    await queue.pause();
    trata.store.seed(10);
    await t.engine.enqueueRun('trata-to-powerchord');
    let jobs: Job[] = [];
    for (const deadline = Date.now() + 15_000; jobs.length === 0 && Date.now() < deadline; ) {
      jobs = await queue.getJobs(['wait', 'prioritized']);
      if (jobs.length === 0) await new Promise((r) => setTimeout(r, 50));
    }
    expect(jobs).toHaveLength(1);
    const id = jobs[0]!.id!;
    // Each answer takes a while: both executions have read the records' state before either creates.
    powerchord.faults.set({ latencyMs: 50 });
    const [a, b] = await Promise.all([Job.fromId(queue, id), Job.fromId(queue, id)]);
    const outcomes = await Promise.allSettled([processPush(t.engine.ctx, a!, undefined), processPush(t.engine.ctx, b!, undefined)]);
    powerchord.faults.reset();

    expect(powerchord.store.size, 'leads at PowerChord').toBe(10);
    // The execution that lost a claim retries those records (an attempt spent), it does not create them.
    const retried = outcomes.filter((o) => o.status === 'rejected');
    for (const o of retried) expect(String((o as PromiseRejectedResult).reason)).toMatch(/hit a transient error: another execution of this push/);
    // Its retry finds every record linked: nothing is created again.
    const retry = await Job.fromId(queue, id);
    await processPush(t.engine.ctx, retry!, undefined);
    expect(powerchord.store.size).toBe(10);
    const sync = t.syncs.get('trata-to-powerchord')!;
    const states = await t.engine.ctx.links.pushStates(pushScope(sync, sync.targets[0]!), trata.store.all().map((p) => p.id));
    expect(states.every((s) => s.targetId !== null && s.intent === null)).toBe(true);
  });

  it('over an intent of the same run, two claims that read it cannot both win', async () => {
    const { t } = setup;
    const sync = t.syncs.get('trata-to-powerchord')!;
    const scope = pushScope(sync, sync.targets[0]!);
    const links = t.engine.ctx.links;
    expect(await links.recordIntent(scope, 'rec-same-run', 'run-1', null)).toBe(true);
    // Both executions read `run-1` (this run's own interrupted create), looked the record up, found nothing.
    const claims = await Promise.all([links.recordIntent(scope, 'rec-same-run', 'run-1', 'run-1'), links.recordIntent(scope, 'rec-same-run', 'run-1', 'run-1')]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    // Readers still see the run.
    expect((await links.pushStates(scope, ['rec-same-run']))[0]?.intent).toBe('run-1');
    // A linked record is never claimed again.
    await links.linkCreated(scope, 'rec-linked', 'lead-1', 'run-1');
    expect(await links.recordIntent(scope, 'rec-linked', 'run-2', null)).toBe(false);
  });
});
