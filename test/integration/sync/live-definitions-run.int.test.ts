/**
 * A run in progress finishes on the definitions it started with: a reload while its pages are being read changes
 * nothing for it (its page and push jobs carry the version's hash); the next run uses the reloaded ones.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseMapping } from '../../../src/mapping/load.ts';
import { SYNC_QUEUE } from '../../../src/queues/contracts.ts';
import { childJobId } from '../../../src/sync/context.ts';
import type { SyncDefinition } from '../../../src/sync/definition.ts';
import { until } from '../../helpers/worker-process.ts';
import { startTrataToPowerChord, type TrataToPowerChord } from '../../helpers/trata-to-powerchord.ts';

const SYNC = 'trata-to-powerchord';
let setup: TrataToPowerChord;

beforeAll(async () => {
  setup = await startTrataToPowerChord({ settings: { pageSize: 1, lookbackMs: 0 } });
});
afterAll(() => setup?.close());

describe('a reload while a run is in progress', () => {
  it('leaves the run on the version it started with; the next run uses the new one', async () => {
    const { trata, powerchord, t } = setup;
    const records = trata.store.seed(3).map((r) => trata.store.modify(r.id, { status: 'NOT_INTERESTED' })!);
    // The reloaded mapping no longer knows NOT_INTERESTED: under it, each of these records is rejected.
    const text = readFileSync(`mappings/${SYNC}.yaml`, 'utf8').replace(/^\s+NOT_INTERESTED: closedNotInterested\n/m, '');
    const rejecting = parseMapping(text, `mappings/${SYNC}.yaml`);
    const before = t.engine.syncs.get(SYNC)!;
    const after: SyncDefinition = { ...before, targets: before.targets.map((target) => ({ ...target, mapping: rejecting })) };
    const startedOn = t.engine.definitionsHash;

    // Each page (one record) takes 300 ms to read: the reload lands while the run reads its first page.
    trata.faults.set({ latencyMs: 300 });
    const runId = await t.engine.enqueueRun(SYNC);
    const firstPage = () => t.engine.queues.queue(SYNC_QUEUE).getJob(childJobId(runId, 'p0'));
    await until(async () => (await firstPage()) !== undefined, 5_000, 'the run to start');
    expect((await firstPage())?.data).toMatchObject({ definitions: startedOn });
    t.engine.switchDefinitions({ hash: 'reloaded', syncs: new Map([...t.engine.syncs, [SYNC, after]]) });

    const run = await t.waitForRun(runId);
    trata.faults.reset();
    expect(run).toMatchObject({ status: 'SUCCESS', counts: expect.objectContaining({ pulled: 3, created: 3, rejected: 0 }) });
    for (const record of records) expect(powerchord.store.byExternalId(record.id)).toEqual([expect.objectContaining({ Status: 'closedNotInterested' })]);

    const next = await t.waitForRun(await t.engine.enqueueRun(SYNC, { full: true }));
    expect(next).toMatchObject({ counts: expect.objectContaining({ pulled: 3, rejected: 3 }) });
  });
});
