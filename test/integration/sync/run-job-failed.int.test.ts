import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_QUEUE } from '../../../src/queues/contracts.ts';
import type { TrataSimulator } from '../../../src/simulators/trata/server.ts';
import type { TestEngine } from '../../helpers/engine.ts';
import { startTrataToPowerChord, type TrataToPowerChord } from '../../helpers/trata-to-powerchord.ts';

const SYNC = 'trata-to-powerchord';
let trata: TrataSimulator;
let t: TestEngine;
let setup: TrataToPowerChord;

beforeAll(async () => {
  setup = await startTrataToPowerChord({ settings: { pageSize: 10, batchSize: 5, lookbackMs: 0, attempts: 1, backoffMs: 10 } });
  ({ trata, t } = setup);
});
afterAll(() => setup.close());

const runJob = (runId: string) => t.engine.queues.queue(SYNC_QUEUE).getJob(runId);

describe('bull-board shows how a run ended', () => {
  it('a run that ended FAILURE moves its run job to failed, with the reason', async () => {
    // First, on an empty source: every record read is rejected, nothing is written.
    for (const record of trata.store.seed(2)) trata.store.modify(record.id, { status: 'ON_HOLD' });
    const run = await t.waitForRun(await t.engine.enqueueRun(SYNC));
    expect(run.status).toBe('FAILURE');
    // The move may trail the ledger by the job's own completion.
    await expect.poll(async () => (await runJob(run.runId))!.getState(), { timeout: 5_000 }).toBe('failed');
    const job = (await runJob(run.runId))!;
    expect(job.failedReason).toMatch(/^run FAILURE: nothing written \(\d+ rejected, 0 failed\)/);
    const failed = await t.engine.queues.queue(SYNC_QUEUE).getFailed();
    expect(failed.map((j) => j.id)).toContain(run.runId);
  });

  it('a run that ended SUCCESS leaves its run job completed', async () => {
    trata.store.clear();
    trata.store.seed(2);
    const run = await t.waitForRun(await t.engine.enqueueRun(SYNC));
    expect(run.status).toBe('SUCCESS');
    expect(await (await runJob(run.runId))!.getState()).toBe('completed');
  });

  it("a run's record errors are in its run job's log (bull-board's Logs tab); a clean run's job has none", async () => {
    trata.store.clear();
    const [bad] = trata.store.seed(2);
    trata.store.modify(bad!.id, { status: 'ON_HOLD' });
    const run = await t.waitForRun(await t.engine.enqueueRun(SYNC));
    expect(run.status).toBe('PARTIAL_SUCCESS');
    const queue = t.engine.queues.queue(SYNC_QUEUE);
    // Written as the run ends, which may trail the ledger's status by a moment.
    await expect.poll(async () => (await queue.getJobLogs(run.runId)).logs, { timeout: 5_000 }).toEqual([
      'run PARTIAL_SUCCESS: 1 rejected, 0 failed',
      expect.stringMatching(new RegExp(`^REJECTED ${bad!.id.replaceAll('.', '\\.')} → \\S+ at Status: no status mapping for "ON_HOLD" \\(value "ON_HOLD"\\)$`)),
    ]);

    trata.store.modify(bad!.id, { status: 'NEW' });
    const fixed = await t.waitForRun(await t.engine.enqueueRun(SYNC));
    expect(fixed.status).toBe('SUCCESS');
    expect((await queue.getJobLogs(fixed.runId)).count).toBe(0);
  });

  it('a run whose source failed shows the source failure as the job\'s reason', async () => {
    trata.faults.set({ errorRate: 1, errorStatuses: [500], routes: ['GET /v1/prospects'] });
    try {
      const run = await t.waitForRun(await t.engine.enqueueRun(SYNC));
      expect(run.status).toBe('FAILURE');
      await expect.poll(async () => (await runJob(run.runId))!.getState(), { timeout: 5_000 }).toBe('failed');
      expect((await runJob(run.runId))!.failedReason).toMatch(/^run FAILURE: reading the source failed/);
    } finally {
      trata.faults.reset();
    }
  });
});
