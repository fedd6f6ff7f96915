import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPowerChordSimulator, type PowerChordSimulator } from '../../../src/simulators/powerchord/server.ts';
import { startTrataSimulator, type TrataSimulator } from '../../../src/simulators/trata/server.ts';
import { simulatorConnection } from '../../helpers/connections.ts';
import { createTestEngine, type TestEngine } from '../../helpers/engine.ts';

let trata: TrataSimulator;
let powerchord: PowerChordSimulator;
let t: TestEngine;
const PUSH_CONCURRENCY = 6;

beforeAll(async () => {
  trata = await startTrataSimulator();
  powerchord = await startPowerChordSimulator();
  const connections = new Map([simulatorConnection('trata', trata), simulatorConnection('powerchord', powerchord)]);
  // Batches bigger than the concurrency: a job's own records must queue behind the limit too.
  t = await createTestEngine({ connections, settings: { pageSize: 50, batchSize: 10 }, workers: { pushConcurrency: PUSH_CONCURRENCY } });
});
afterAll(async () => {
  await t.close();
  await trata.close();
  await powerchord.close();
});

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
