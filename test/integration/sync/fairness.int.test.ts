/**
 * Fair scheduling between connections (issue #15): one tenant's first sync of 5,000 records must not hold up
 * another tenant's run of 20. Two Trata and two PowerChord simulators, one per tenant; the small run starts once
 * the big one's backlog is queued, and must end while only a small part of that backlog has been written (it is
 * not queued behind it). What this asserts is order, not speed: the figures are the benchmark's
 * (`npm run bench -- --fairness`).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPowerChordSimulator, type PowerChordSimulator } from '../../../src/simulators/powerchord/server.ts';
import { startTrataSimulator, type TrataSimulator } from '../../../src/simulators/trata/server.ts';
import type { SyncDefinition } from '../../../src/sync/definition.ts';
import { simulatorConnection } from '../../helpers/connections.ts';
import { createTestEngine, type TestEngine } from '../../helpers/engine.ts';
import { powerChordConnection } from '../../helpers/powerchord.ts';
import { until } from '../../helpers/worker-process.ts';

const BIG = 5_000;
const SMALL = 20;

let sims: { trata: Record<'big' | 'small', TrataSimulator>; powerchord: Record<'big' | 'small', PowerChordSimulator> };
let t: TestEngine;

beforeAll(async () => {
  const [trataBig, trataSmall, powerchordBig, powerchordSmall] = await Promise.all([
    startTrataSimulator({ token: 'trata-big-token' }),
    startTrataSimulator({ token: 'trata-small-token' }),
    startPowerChordSimulator({ token: 'powerchord-big-token' }),
    startPowerChordSimulator({ token: 'powerchord-small-token' }),
  ]);
  sims = { trata: { big: trataBig, small: trataSmall }, powerchord: { big: powerchordBig, small: powerchordSmall } };
  sims.trata.big.store.seed(BIG);
  // The big target answers a little slowly, so that its backlog lasts some seconds on any machine.
  sims.powerchord.big.faults.set({ latencyMs: 4, methods: ['POST', 'PATCH'] });
  const connections = new Map([
    simulatorConnection('trata', sims.trata.big, { name: 'trata-big' }),
    simulatorConnection('trata', sims.trata.small, { name: 'trata-small' }),
  ].map(([, config]) => [config.name, config] as const));
  for (const tenant of ['big', 'small'] as const) connections.set(`powerchord-${tenant}`, powerChordConnection(sims.powerchord[tenant], { name: `powerchord-${tenant}` }));
  t = await createTestEngine({
    connections,
    syncs: (loaded) => {
      const shipped = loaded.get('trata-to-powerchord')!;
      const syncs = new Map<string, SyncDefinition>();
      for (const tenant of ['big', 'small'] as const) {
        syncs.set(tenant, {
          ...shipped,
          name: tenant,
          schedule: null,
          source: { provider: 'trata', connection: `trata-${tenant}` },
          targets: shipped.targets.map((target) => ({ ...target, connection: `powerchord-${tenant}` })),
        });
      }
      return syncs;
    },
    settings: { pageSize: 500, batchSize: 25 },
  });
});

afterAll(async () => {
  await t?.close();
  await Promise.all([...Object.values(sims?.trata ?? {}), ...Object.values(sims?.powerchord ?? {})].map((sim) => sim.close()));
});

describe('fair scheduling between connections', () => {
  it('a 20-record run of one tenant is not queued behind another tenant\'s 5,000-record backlog', async () => {
    const bigLeads = () => sims.powerchord.big.store.size;
    const bigRun = t.engine.enqueueRun('big');
    // The big run's pushes are flowing, and most of its records are still to be written.
    await until(() => bigLeads() >= 200, 30_000, 'the big run to start writing');
    sims.trata.small.store.seed(SMALL);
    const atStart = bigLeads();
    const small = await t.waitForRun(await t.engine.enqueueRun('small'));
    const atEnd = bigLeads();

    expect(small).toMatchObject({ status: 'SUCCESS', counts: { pulled: SMALL, created: SMALL, failed: 0 } });
    expect(sims.powerchord.small.store.size).toBe(SMALL);
    // Behind the backlog, the small run would have waited for (nearly) all of it: BIG - atStart records.
    expect(atEnd - atStart, `big leads written during the small run (backlog at its start: ${BIG - atStart})`).toBeLessThan((BIG - atStart) / 5);
    expect((await t.engine.ledger.get(await bigRun))?.status).toBe('PENDING');

    const big = await t.waitForRun(await bigRun, 60_000);
    expect(big).toMatchObject({ status: 'SUCCESS', counts: { created: BIG, failed: 0 } });
    // Nothing of one tenant reached the other.
    expect(sims.powerchord.big.store.size).toBe(BIG);
    expect(sims.powerchord.small.store.size).toBe(SMALL);
  });
});
