import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PowerChordSimulator } from '../../../src/simulators/powerchord/server.ts';
import type { TrataSimulator } from '../../../src/simulators/trata/server.ts';
import type { TestEngine } from '../../helpers/engine.ts';
import { startTrataToPowerChord, type TrataToPowerChord } from '../../helpers/trata-to-powerchord.ts';

let trata: TrataSimulator;
let powerchord: PowerChordSimulator;
let t: TestEngine;
const PUSH_CONCURRENCY = 6;

let setup: TrataToPowerChord;

beforeAll(async () => {
  // Batches bigger than the concurrency: a job's own records must queue behind the limit too.
  setup = await startTrataToPowerChord({ settings: { pageSize: 50, batchSize: 10 }, workers: { pushConcurrency: PUSH_CONCURRENCY } });
  ({ trata, powerchord, t } = setup);
});
afterAll(() => setup.close());

describe('push concurrency: records (and so calls) in flight per process', () => {
  it('never has more calls in flight at the target than PUSH_CONCURRENCY, and uses all of it', async () => {
    trata.store.seed(120);
    // Slow answers make every call overlap with the ones around it.
    powerchord.faults.set({ latencyMs: 15 });
    powerchord.calls.reset();
    const run = await t.waitForRun(await t.engine.enqueueRun('trata-to-powerchord'));
    powerchord.faults.reset();

    expect(run.status).toBe('SUCCESS');
    expect(run.counts).toMatchObject({ pulled: 120, created: 120 });
    expect(powerchord.store.size).toBe(120);
    expect(powerchord.calls.maxInFlight()).toBeLessThanOrEqual(PUSH_CONCURRENCY);
    expect(powerchord.calls.maxInFlight()).toBe(PUSH_CONCURRENCY);
  });
});
