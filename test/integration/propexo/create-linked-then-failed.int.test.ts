import { afterAll, describe, expect, it } from 'vitest';
import { startTrataToPropexo, type TrataToPropexo } from '../../helpers/trata-to-propexo.ts';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/**
 * Found by `npm run chaos -- --cluster --records 5000 --seed 6110 --faults auth-revoked`: 129 Propexo records were
 * counted "updated" and never "created". Run 1's creates were accepted (PENDING) when Propexo began refusing the
 * token, so it failed them. Run 2 asked their write-status (SUCCESS), linked them (`linked:<run 2>`) and sent their
 * current body, which Propexo refused (401): run 2 failed them too, uncounted. Run 4 found them linked by another
 * run and counted its update as an update, so no run counted those creates.
 */
async function linkedByAFailedRun(sync: TrataToPropexo, failTheUpdate: () => void): Promise<void> {
  const { trata, propexo } = sync;
  const run = async () => {
    const { summary, errors } = await sync.run();
    return { summary, codes: errors.map((e) => e.code) };
  };
  // Run 1: the create is accepted and held PENDING past the deadline (outcome unknown), then applied.
  const { person, codes } = await sync.createHeldThenApplied();
  expect(codes).toEqual(['OUTCOME_UNKNOWN']);

  // Run 2 finds the create done (write-status), links the record and sends its current body: that update fails.
  trata.store.modify(person.id, { name: 'Ada Second' });
  failTheUpdate();
  const second = await run();
  propexo.faults.reset();
  expect(second.summary.counts).toMatchObject({ created: 0, updated: 0, failed: 1 });

  // Run 3 sends the body again: the create is still to be counted, and it is.
  const third = await run();
  expect(third.summary).toMatchObject({ status: 'SUCCESS', counts: { created: 1, updated: 0, failed: 0 } });
  expect(propexo.store.all().map((p) => p.last_name)).toEqual(['Second']);
  expect((await run()).summary.counts).toMatchObject({ created: 0, updated: 0, failed: 0 });
}

describe('a Propexo create linked by a run whose update of it then failed', () => {
  it('is counted as created by the run that next sends the record (update refused: 401)', { timeout: 30_000 }, async () => {
    const sync = await startTrataToPropexo({ confirmTimeoutMs: 400 });
    cleanups.push(() => sync.close());
    // Write-status (GET) still answers; the update (PUT) is refused, as when a token is revoked between the two.
    await linkedByAFailedRun(sync, () => sync.propexo.faults.set({ authRevoked: true, methods: ['PUT'] }));
  });

  it('is counted as created by the run that next sends the record (update accepted, then FAILURE)', { timeout: 30_000 }, async () => {
    const sync = await startTrataToPropexo({ confirmTimeoutMs: 400 });
    cleanups.push(() => sync.close());
    // The failed update's confirmation cleared the record's intent, and with it that its create was uncounted. Two
    // writes fail: the run pushes the record twice (a change, and a retry of run 1's failed record).
    await linkedByAFailedRun(sync, () => sync.propexo.store.forceNextWrite('FAILURE', 2));
  });
});

describe('a sync whose Propexo target is mode: create (never updates)', () => {
  it('counts a create confirmed by a later run as created there, and sends no update', { timeout: 30_000 }, async () => {
    const sync = await startTrataToPropexo({ confirmTimeoutMs: 400 }, { mode: 'create' });
    cleanups.push(() => sync.close());
    const { trata, propexo } = sync;
    // Run 1: the create is accepted and held PENDING past the deadline (outcome unknown), then applied.
    const { person, codes } = await sync.createHeldThenApplied();
    expect(codes).toEqual(['OUTCOME_UNKNOWN']);

    // Run 2 learns the create happened (write-status): it counts it, and mode: create sends no update of it.
    trata.store.modify(person.id, { name: 'Ada Second' });
    const second = await sync.run();
    expect(second.summary).toMatchObject({ status: 'SUCCESS', counts: { created: 1, updated: 0, failed: 0 } });
    expect(propexo.calls.count('PUT /crm/v1/prospects/:prospect_id'), 'updates sent under mode: create').toBe(0);
    expect(propexo.store.all()).toHaveLength(1);
    // Counted once: the next run has nothing to count.
    trata.store.modify(person.id, { name: 'Ada Third' });
    expect((await sync.run()).summary.counts).toMatchObject({ created: 0, updated: 0, failed: 0 });
  });
});
