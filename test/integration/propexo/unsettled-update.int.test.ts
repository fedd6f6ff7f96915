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
    const { run } = sync;
    const person = await sync.adaCreated();

    // v2 is accepted and held at PENDING past the deadline: the record fails, naming the write.
    await sync.updateHeld(person);

    await sync.expectNewestLandsLast(person);
    // And nothing is left to write.
    expect((await run()).summary).toMatchObject({ counts: { updated: 0, created: 0, failed: 0 } });
  });
});
