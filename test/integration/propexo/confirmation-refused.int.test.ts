import { afterAll, describe, expect, it } from 'vitest';
import { startTrataToPropexo } from '../../helpers/trata-to-propexo.ts';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/**
 * Seen in `npm run chaos -- --cluster --records 5000 --seed 6110 --faults auth-revoked`: Propexo accepted 3,345
 * creates of a run, then refused the token while the run asked their write-status, and the run reported them
 * "not sent" (CONNECTION_FAILED). They were sent: a create's outcome is then unknown (the next run asks its status),
 * and an update may still be applied later, over a newer one, unless the record's next update waits for it.
 */
describe('a Propexo write accepted, whose write-status is then refused (401)', () => {
  it('a create ends OUTCOME_UNKNOWN naming its write; the next run finds it and counts it created', { timeout: 30_000 }, async () => {
    const sync = await startTrataToPropexo({ confirmTimeoutMs: 5_000 });
    cleanups.push(() => sync.close());
    const { trata, propexo, run } = sync;
    trata.store.create({ status: 'NEW', name: 'Ada Lovelace', email: 'ada@example.com', prospectProps: { leaseId: 'lease-ada' } });

    propexo.store.holdWrites = true;
    propexo.faults.set({ authRevoked: true, methods: ['GET'] });
    const first = await run();
    propexo.faults.reset();
    expect(first.errors.map((e) => e.code)).toEqual(['OUTCOME_UNKNOWN']);
    expect(first.errors[0]?.reason).toMatch(/^outcome unknown: propexo write \S+ \(a create\) could not be confirmed \(.*401/);

    propexo.store.holdWrites = false;
    expect(propexo.store.releaseHeld()).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await run()).summary).toMatchObject({ status: 'SUCCESS', counts: { created: 1, failed: 0 } });
    expect(propexo.store.all()).toHaveLength(1);
  });

  it('an update holds the record’s next update until it settled, so the newest body lands last', { timeout: 30_000 }, async () => {
    const sync = await startTrataToPropexo({ confirmTimeoutMs: 5_000 });
    cleanups.push(() => sync.close());
    const { trata, propexo, run } = sync;
    const person = await sync.adaCreated();

    // v2 is accepted and held PENDING; its write-status is refused.
    propexo.store.holdWrites = true;
    propexo.faults.set({ authRevoked: true, methods: ['GET'] });
    trata.store.modify(person.id, { name: 'Ada Second' });
    const second = await run();
    propexo.faults.reset();
    expect(second.errors.map((e) => e.code)).toEqual(['CONFIRM_TIMEOUT']);
    expect(second.errors[0]?.reason).toMatch(/\(an update\) could not be confirmed \(.*401/);

    await sync.expectNewestLandsLast(person);
  });
});
