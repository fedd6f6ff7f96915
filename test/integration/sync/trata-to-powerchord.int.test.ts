import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PowerChordSimulator } from '../../../src/simulators/powerchord/server.ts';
import type { TrataSimulator } from '../../../src/simulators/trata/server.ts';
import type { TestEngine } from '../../helpers/engine.ts';
import { startTrataToPowerChord, type TrataToPowerChord } from '../../helpers/trata-to-powerchord.ts';
import { TRATA_TO_POWERCHORD_STATUS } from '../../helpers/status-table.ts';

let trata: TrataSimulator;
let powerchord: PowerChordSimulator;
let t: TestEngine;

let setup: TrataToPowerChord;

beforeAll(async () => {
  // Small pages and batches, so that even this small sync crosses several pages and push jobs.
  setup = await startTrataToPowerChord({ settings: { pageSize: 7, batchSize: 4 } });
  ({ trata, powerchord, t } = setup);
});
afterAll(() => setup.close());

describe('Trata → PowerChord, end to end through Redis and the simulators', () => {
  it('creates every prospect as a lead with the mapped Status and Content, then sends only what changed', async () => {
    const seeded = trata.store.seed(24); // three of each of the 8 statuses

    const first = await t.waitForRun(await t.engine.enqueueRun('trata-to-powerchord'));
    expect(first.status).toBe('SUCCESS');
    expect(first.counts).toMatchObject({ pulled: 24, created: 24, updated: 0, rejected: 0, failed: 0 });
    expect(powerchord.store.size).toBe(24);
    for (const prospect of seeded) {
      const [lead] = powerchord.store.byExternalId(prospect.id);
      expect(lead, `lead for ${prospect.id}`).toBeDefined();
      expect(lead!.Status).toBe(TRATA_TO_POWERCHORD_STATUS[prospect.status]);
      expect(lead!.Content).toEqual({
        name: prospect.name,
        email: prospect.email,
        phone: `+1415555${prospect.phoneNumber!.slice(-4)}`,
      });
    }

    // Three prospects change at the source: exactly three PATCHes, no create.
    powerchord.calls.reset();
    for (const prospect of seeded.slice(0, 3)) trata.store.modify(prospect.id, { name: `${prospect.name} (renamed)` });
    const second = await t.waitForRun(await t.engine.enqueueRun('trata-to-powerchord'));
    expect(second.status).toBe('SUCCESS');
    expect(powerchord.calls.all()).toEqual({ 'PATCH /v3/lead/:leadID': 3 });
    expect(second.counts).toMatchObject({ updated: 3, created: 0 });
    expect(powerchord.store.byExternalId(seeded[0]!.id)[0]!.Content['name']).toBe(`${seeded[0]!.name} (renamed)`);

    // Nothing changed: nothing is sent.
    powerchord.calls.reset();
    const third = await t.waitForRun(await t.engine.enqueueRun('trata-to-powerchord'));
    expect(third.status).toBe('SUCCESS');
    expect(powerchord.calls.count()).toBe(0);
    expect(third.counts.created + third.counts.updated).toBe(0);
  });

  it('rejects an invalid record with a reason and a path, and syncs the rest (PARTIAL_SUCCESS)', async () => {
    const good = trata.store.seed(2);
    // A status Trata's own API would not accept today, but a record may still carry (older data, a new enum value).
    const bad = trata.store.create({ status: 'ARCHIVED', name: 'Odd One', email: 'odd@example.com' });
    const run = await t.waitForRun(await t.engine.enqueueRun('trata-to-powerchord'));
    expect(run.status).toBe('PARTIAL_SUCCESS');
    expect(run.counts.rejected).toBe(1);
    for (const prospect of good) expect(powerchord.store.byExternalId(prospect.id)).toHaveLength(1);
    expect(powerchord.store.byExternalId(bad.id)).toHaveLength(0);
    const { errors } = await t.engine.ledger.errors(run.runId);
    expect(errors).toEqual([expect.objectContaining({ sourceId: bad.id, path: 'Status', reason: expect.stringContaining('ARCHIVED') })]);
    trata.store.delete(bad.id);
  });

  it('answers a run id at once and keeps one run of a sync active at a time', async () => {
    const [a, b] = await Promise.all([t.engine.enqueueRun('trata-to-powerchord'), t.engine.enqueueRun('trata-to-powerchord')]);
    expect(a).not.toBe(b);
    const [runA, runB] = await Promise.all([t.waitForRun(a), t.waitForRun(b)]);
    expect([runA.status, runB.status]).toEqual(['SUCCESS', 'SUCCESS']);
    // Serialised: the second started after the first finished.
    const [first, second] = [runA, runB].sort((x, y) => Date.parse(x.finishedAt!) - Date.parse(y.finishedAt!));
    expect(Date.parse(second!.createdAt)).toBeLessThanOrEqual(Date.parse(first!.finishedAt!));
  });
});
