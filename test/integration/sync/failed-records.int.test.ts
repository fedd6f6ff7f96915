import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PowerChordSimulator } from '../../../src/simulators/powerchord/server.ts';
import type { TrataSimulator } from '../../../src/simulators/trata/server.ts';
import type { TestEngine } from '../../helpers/engine.ts';
import { startTrataToPowerChord, type TrataToPowerChord } from '../../helpers/trata-to-powerchord.ts';

let trata: TrataSimulator;
let powerchord: PowerChordSimulator;
let t: TestEngine;

let setup: TrataToPowerChord;

beforeAll(async () => {
  setup = await startTrataToPowerChord({ settings: { pageSize: 10, batchSize: 5, lookbackMs: 0 } });
  ({ trata, powerchord, t } = setup);
});
afterAll(() => setup.close());

describe('failed records are not lost', () => {
  it('a record the target refuses is a record-level failure with its reason, retried by the next run even though the cursor moved on', async () => {
    const [refused, ...others] = trata.store.seed(6);
    // PowerChord refuses every create of this run with a 400 (a validation answer: never retried within the run).
    powerchord.faults.set({ errorRate: 1, errorStatuses: [400], routes: ['POST /v1/:trunkID'] });
    const first = await t.waitForRun(await t.engine.enqueueRun('trata-to-powerchord'));
    powerchord.faults.reset();
    expect(first.status).toBe('FAILURE');
    expect(first.counts).toMatchObject({ pulled: 6, failed: 6, created: 0 });
    const { errors } = await t.engine.ledger.errors(first.runId);
    expect(errors[0]).toMatchObject({ target: 'powerchord', code: 'ERR_PROVIDER_VALIDATION', reason: expect.stringContaining('answered 400') });

    // Nothing changed at the source, and the cursor is past these records: the retry phase still brings them.
    const second = await t.waitForRun(await t.engine.enqueueRun('trata-to-powerchord'));
    expect(second.status).toBe('SUCCESS');
    expect(second.counts).toMatchObject({ created: 6, failed: 0 });
    for (const prospect of [refused!, ...others]) expect(powerchord.store.byExternalId(prospect.id)).toHaveLength(1);

    // And once they are through, there is nothing left to retry.
    expect(await t.engine.retryFailed('trata-to-powerchord')).toBeNull();
  });

  it('retries on demand', async () => {
    trata.store.seed(2);
    powerchord.faults.set({ errorRate: 1, errorStatuses: [400], routes: ['POST /v1/:trunkID'] });
    const failed = await t.waitForRun(await t.engine.enqueueRun('trata-to-powerchord'));
    powerchord.faults.reset();
    expect(failed.counts.failed).toBe(2);
    const retryId = await t.engine.retryFailed('trata-to-powerchord');
    expect(retryId).not.toBeNull();
    const retried = await t.waitForRun(retryId!);
    expect(retried).toMatchObject({ status: 'SUCCESS', trigger: 'retry', counts: expect.objectContaining({ pulled: 2, created: 2 }) });
  });
});
