import { afterAll, describe, expect, it } from 'vitest';
import { startTrataToPropexo } from '../../helpers/trata-to-propexo.ts';

const cleanups: Array<() => Promise<void>> = [];
afterAll(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

/**
 * Found by `npm run chaos -- --records 1000 --seed 7`: an update Propexo held at PENDING past our confirmation
 * deadline was applied after a newer update of the same record, and Propexo kept the older body while our state
 * said the newest was sent (no re-sync corrects that). Propexo's docs do not say that one record's queued writes
 * are applied in order.
 */
describe('an update given up on while PENDING', () => {
  it('holds the next update of that record until it settled, so the newest body lands last', { timeout: 30_000 }, async () => {
    const sync = await startTrataToPropexo({ confirmTimeoutMs: 400 });
    cleanups.push(() => sync.close());
    const { trata, propexo, t, run } = sync;
    const lastName = () => propexo.store.all().find((p) => p.email_1 === 'ada@example.com')?.last_name;
    const person = trata.store.create({ status: 'NEW', name: 'Ada Lovelace', email: 'ada@example.com', prospectProps: { leaseId: 'lease-ada' } });
    expect((await run()).summary).toMatchObject({ counts: { created: 1 } });

    // v2 is accepted and held at PENDING past the deadline: the record fails, naming the write.
    propexo.store.holdWrites = true;
    trata.store.modify(person.id, { name: 'Ada Second' });
    const second = await run();
    expect(second.errors.map((e) => e.code)).toEqual(['CONFIRM_TIMEOUT']);

    // v3 while v2 is still PENDING at Propexo (which applies new writes at once again): not sent.
    propexo.store.holdWrites = false;
    trata.store.modify(person.id, { name: 'Ada Third' });
    const third = await run();
    expect(third.errors.map((e) => e.reason).join()).toMatch(/an earlier update of this record .* is still PENDING/);
    expect(lastName(), 'v3 was not written over a pending v2').toBe('Lovelace');

    // v2 is applied now, late; the next run sends v3 after it.
    expect(propexo.store.releaseHeld()).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(lastName()).toBe('Second');
    const fourth = await run();
    expect(fourth.summary).toMatchObject({ counts: { updated: 1, failed: 0 } });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(lastName(), 'the newest body landed last').toBe('Third');
    // And nothing is left to write.
    expect((await run()).summary).toMatchObject({ counts: { updated: 0, created: 0, failed: 0 } });
  });
});
