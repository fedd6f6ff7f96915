import { afterAll, describe, expect, it } from 'vitest';
import { startTrataToPropexo } from '../../helpers/trata-to-propexo.ts';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

const PUT = 'PUT /crm/v1/prospects/:prospect_id';

/**
 * Found by `npm run chaos -- --cluster --records 5000 --seed 4242`: 5 Propexo records were counted "updated" and
 * never "created" by any run. A run that learns a create happened links the record (intent `linked:<run>`) and
 * completes it with an update; when that update's call fails (a reset connection) the retry finds the record linked
 * and sends an update, which counted as the create only when the target answered at once. Propexo's updates are
 * async (PENDING, confirmed later), so the confirmation counted an update and the create was never counted.
 */
describe('a Propexo create completed by an update that needed a retry', () => {
  it('counts as created in the run that linked it, not as updated', { timeout: 30_000 }, async () => {
    const sync = await startTrataToPropexo({ confirmTimeoutMs: 400, backoffMs: 200 });
    cleanups.push(() => sync.close());
    const { trata, propexo, t } = sync;
    const run = async () => (await sync.run()).summary;
    // The create is accepted and held at PENDING past the deadline (outcome unknown, counted failed), then applied.
    const { person, summary, codes } = await sync.createHeldThenApplied();
    expect(summary).toMatchObject({ counts: { created: 0, failed: 1 } });
    expect(codes).toEqual(['OUTCOME_UNKNOWN']);
    expect(propexo.store.all()).toHaveLength(1);

    // The next run finds the create done, links it, and sends the current body: that first PUT's connection is
    // reset, so the job's retry sends it again.
    trata.store.modify(person.id, { name: 'Ada Second' });
    propexo.faults.set({ resetRate: 1, methods: ['PUT'] });
    const lift = setInterval(() => {
      if (propexo.calls.count(PUT) > 0) propexo.faults.reset();
    }, 2);
    const second = await run().finally(() => clearInterval(lift));
    expect(propexo.calls.count(PUT), 'the first update was reset and sent again').toBe(2);
    expect(second).toMatchObject({ status: 'SUCCESS', counts: { created: 1, updated: 0, failed: 0 } });
    expect(propexo.store.all().map((p) => p.last_name)).toEqual(['Second']);

    // The runs' created counts add up to the records Propexo holds, and nothing is left to write.
    expect((await run()).counts).toMatchObject({ created: 0, updated: 0, failed: 0 });
  });

  it('counts as created when that update was given up on while PENDING and settles later', { timeout: 30_000 }, async () => {
    const sync = await startTrataToPropexo({ confirmTimeoutMs: 400 });
    cleanups.push(() => sync.close());
    const { trata, propexo, t } = sync;
    const run = async () => {
      const { summary, errors } = await sync.run();
      return { summary, codes: errors.map((e) => e.code) };
    };
    // The create is held PENDING past the deadline (outcome unknown), then applied.
    const { person, codes } = await sync.createHeldThenApplied();
    expect(codes).toEqual(['OUTCOME_UNKNOWN']);
    propexo.store.holdWrites = true;

    // The next run finds it, links it and sends the current body, which Propexo holds PENDING past the deadline.
    trata.store.modify(person.id, { name: 'Ada Second' });
    const second = await run();
    expect(second.codes).toEqual(['CONFIRM_TIMEOUT']);
    expect(second.summary.counts).toMatchObject({ created: 0, updated: 0, failed: 1 });

    // Once that update settled, the next run sends the body again: the create is still to be counted, and is.
    propexo.store.holdWrites = false;
    expect(propexo.store.releaseHeld()).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    const third = await run();
    expect(third.summary).toMatchObject({ status: 'SUCCESS', counts: { created: 1, updated: 0, failed: 0 } });
    expect(propexo.store.all().map((p) => p.last_name)).toEqual(['Second']);
    expect((await run()).summary.counts).toMatchObject({ created: 0, updated: 0, failed: 0 });
  });
});
