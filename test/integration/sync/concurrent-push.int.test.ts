import { Job } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushQueueName } from '../../../src/queues/contracts.ts';
import { processPush } from '../../../src/sync/push-processor.ts';
import { pushScope } from '../../../src/sync/record-links.ts';
import { startPropexoSimulator } from '../../../src/simulators/propexo/index.ts';
import { startTrataSimulator } from '../../../src/simulators/trata/server.ts';
import { simulatorConnection } from '../../helpers/connections.ts';
import { createTestEngine } from '../../helpers/engine.ts';
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

  it('Propexo: the execution that finds the accepted create of the other confirms it and counts a create of this run', { timeout: 30_000 }, async () => {
    const trata = await startTrataSimulator();
    const propexo = await startPropexoSimulator({ writeDelayMs: 10 });
    const t = await createTestEngine({ connections: new Map([simulatorConnection('trata', trata), simulatorConnection('propexo', propexo)]), settings: { batchSize: 5 } });
    try {
      const queue = t.engine.ctx.queues.queue(pushQueueName('propexo'));
      await queue.pause();
      trata.store.seed(5);
      const runId = await t.engine.enqueueRun('trata-to-propexo');
      let jobs: Job[] = [];
      for (const deadline = Date.now() + 15_000; jobs.length === 0 && Date.now() < deadline; ) {
        jobs = await queue.getJobs(['wait', 'prioritized']);
        if (jobs.length === 0) await new Promise((r) => setTimeout(r, 50));
      }
      const job = jobs[0]!;
      const sync = t.syncs.get('trata-to-propexo')!;
      const scope = pushScope(sync, sync.targets[0]!);
      // The first execution: its creates were accepted (async writes), and it recorded them; then its lock lapsed.
      const connector = t.engine.ctx.connectors.get('propexo');
      for (const record of job.data.records as Array<{ sourceId: string; body: Record<string, unknown> }>) {
        const write = await connector.create!(record.body, {});
        if (write.kind !== 'pending') throw new Error('expected an async write');
        await t.engine.ctx.links.recordPendingCreate(scope, record.sourceId, runId, write.jobId);
      }
      await new Promise((r) => setTimeout(r, 300)); // Propexo settles them
      // The second execution, from the job's original data: it asks their status, links them and sends the
      // current body, itself an async write to confirm: the job would be parked here (it holds no lock in this test).
      await expect(processPush(t.engine.ctx, (await Job.fromId(queue, job.id!))!, undefined)).rejects.toThrow(/not in the active state/);
      await new Promise((r) => setTimeout(r, 300));
      await processPush(t.engine.ctx, (await Job.fromId(queue, job.id!))!, undefined);
      expect(propexo.store.all()).toHaveLength(5);
      // Those were this run's creates (counted 5 updates and no create before: the ledger fell short of Propexo).
      expect((await t.engine.ledger.get(runId))?.counts).toMatchObject({ created: 5, updated: 0 });
    } finally {
      await t.close();
      await trata.close();
      await propexo.close();
    }
  });
});
