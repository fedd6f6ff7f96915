import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PowerChordSimulator } from '../../../src/simulators/powerchord/server.ts';
import type { TrataSimulator } from '../../../src/simulators/trata/server.ts';
import type { TestEngine } from '../../helpers/engine.ts';
import { startTrataToPowerChord, type TrataToPowerChord } from '../../helpers/trata-to-powerchord.ts';

const SYNC = 'trata-to-powerchord';
let trata: TrataSimulator;
let powerchord: PowerChordSimulator;
let t: TestEngine;
let setup: TrataToPowerChord;

beforeAll(async () => {
  setup = await startTrataToPowerChord({ settings: { pageSize: 10, batchSize: 5, lookbackMs: 0 } });
  ({ trata, powerchord, t } = setup);
});
afterAll(() => setup.close());

const listed = async () => (await t.engine.ledger.currentErrors(SYNC)).errors;

describe('the errors listed are the records a retry takes, and they leave the list once they succeed', () => {
  it('a rejected record is listed under its target connection, retried on demand (not by every run), and cleared once it maps', async () => {
    const [bad, ...good] = trata.store.seed(3);
    // Trata's status is free text; the shipped mapping rejects one it does not know rather than guess.
    trata.store.modify(bad!.id, { status: 'ON_HOLD' });
    const first = await t.waitForRun(await t.engine.enqueueRun(SYNC));
    expect(first).toMatchObject({ status: 'PARTIAL_SUCCESS', counts: expect.objectContaining({ pulled: 3, created: 2, rejected: 1, failed: 0 }) });
    expect(await listed()).toEqual([expect.objectContaining({ sourceId: bad!.id, target: 'powerchord', code: 'REJECTED', path: 'Status', runId: first.runId })]);

    // The retry phase at the end of a run does not fetch it again (the same data would be rejected again); only a
    // listing that happens to read it again (Trata's cursor overlaps its newest instant) maps it again.
    trata.calls.reset();
    await t.waitForRun(await t.engine.enqueueRun(SYNC));
    expect(trata.calls.count('GET /v1/prospects/:prospect_id')).toBe(0);
    expect(await listed()).toHaveLength(1);

    // Retrying takes what is listed: re-read and re-mapped (still rejected: the data did not change).
    const again = await t.waitForRun((await t.engine.retryFailed(SYNC))!);
    expect(again).toMatchObject({ trigger: 'retry', counts: expect.objectContaining({ pulled: 1, rejected: 1 }) });
    expect(await listed()).toEqual([expect.objectContaining({ sourceId: bad!.id, runId: again.runId })]);

    // Fixed at the source: the retry writes it and the list is empty.
    trata.store.modify(bad!.id, { status: 'NEW' });
    const fixed = await t.waitForRun((await t.engine.retryFailed(SYNC))!);
    expect(fixed).toMatchObject({ status: 'SUCCESS', counts: expect.objectContaining({ pulled: 1, created: 1, rejected: 0 }) });
    expect(await listed()).toEqual([]);
    expect(await t.engine.retryFailed(SYNC)).toBeNull();
    expect(powerchord.store.byExternalId(bad!.id)).toHaveLength(1);
    expect(good).toHaveLength(2);
  });

  it('a record rejected after it was sent is cleared when it maps again to what the target holds', async () => {
    const [record] = trata.store.seed(1);
    await t.waitForRun(await t.engine.enqueueRun(SYNC));
    trata.store.modify(record!.id, { status: 'ON_HOLD' });
    const rejected = await t.waitForRun(await t.engine.enqueueRun(SYNC));
    expect(rejected.counts).toMatchObject({ rejected: 1 });
    expect((await listed()).map((e) => e.sourceId)).toContain(record!.id);

    trata.store.modify(record!.id, { status: 'NEW' });
    const back = await t.waitForRun(await t.engine.enqueueRun(SYNC));
    // Nothing to write: the body is what PowerChord already holds (the listing may re-read older records too).
    expect(back).toMatchObject({ status: 'SUCCESS', counts: expect.objectContaining({ created: 0, updated: 0, rejected: 0 }) });
    expect(back.counts.unchanged).toBe(back.counts.pulled);
    expect((await listed()).map((e) => e.sourceId)).not.toContain(record!.id);
  });

  it('a record a target refused is listed under the target connection until a later run writes it', async () => {
    const [refused] = trata.store.seed(1);
    powerchord.faults.set({ errorRate: 1, errorStatuses: [400], routes: ['POST /v1/:trunkID'] });
    const failed = await t.waitForRun(await t.engine.enqueueRun(SYNC));
    powerchord.faults.reset();
    expect(failed.counts).toMatchObject({ failed: 1 });
    expect(await listed()).toEqual([expect.objectContaining({ sourceId: refused!.id, target: 'powerchord', code: 'ERR_PROVIDER_VALIDATION' })]);
    // The next run's retry phase brings it (a refusal may be transient), and it leaves the list.
    const next = await t.waitForRun(await t.engine.enqueueRun(SYNC));
    expect(next.counts).toMatchObject({ created: 1, failed: 0 });
    expect(await listed()).toEqual([]);
  });
});
