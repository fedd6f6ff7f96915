import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../src/bootstrap/sandbox.ts';
import type { OverplaneStore } from '../../../src/simulators/overplane/index.ts';
import type { PowerChordStore } from '../../../src/simulators/powerchord/store.ts';
import type { PropexoStore } from '../../../src/simulators/propexo/index.ts';
import type { TrataStore } from '../../../src/simulators/trata/store.ts';
import { createTestEngine, type TestEngine } from '../../helpers/engine.ts';

const SEEDED = 12;
let sandbox: Sandbox;
let t: TestEngine;
let trata: TrataStore;
let propexo: PropexoStore;
let overplane: OverplaneStore;
let powerchord: PowerChordStore;

beforeAll(async () => {
  sandbox = await startSandbox({ providers: ['trata', 'overplane', 'propexo', 'powerchord'], records: SEEDED });
  trata = sandbox.simulators.get('trata')!.store as TrataStore;
  propexo = sandbox.simulators.get('propexo')!.store as PropexoStore;
  overplane = sandbox.simulators.get('overplane')!.store as OverplaneStore;
  powerchord = sandbox.simulators.get('powerchord')!.store as PowerChordStore;
  t = await createTestEngine({ connections: sandbox.connections, settings: { pageSize: 5, batchSize: 4 } });
});
afterAll(async () => {
  await t.close();
  await sandbox.close();
});

async function run(sync: string) {
  const summary = await t.waitForRun(await t.engine.enqueueRun(sync), 60_000);
  const { errors } = await t.engine.ledger.errors(summary.runId);
  expect(errors, `${sync} errors`).toEqual([]);
  expect(summary.status, sync).toBe('SUCCESS');
  return summary;
}

describe('every shipped job file syncs end to end (sandbox simulators, real Redis)', () => {
  it('ships exactly the syncs this test covers', () => {
    expect([...t.syncs.keys()].sort()).toEqual(['overplane-to-trata', 'propexo-to-trata', 'trata-to-overplane', 'trata-to-powerchord', 'trata-to-propexo']);
  });

  it('trata-to-powerchord: every prospect becomes a lead', async () => {
    const summary = await run('trata-to-powerchord');
    expect(summary.counts).toMatchObject({ pulled: SEEDED, created: SEEDED });
    expect(powerchord.size).toBe(SEEDED);
  });

  it('trata-to-propexo: every prospect is created in Propexo, confirmed through write-status', async () => {
    const summary = await run('trata-to-propexo');
    expect(summary.counts).toMatchObject({ pulled: SEEDED, created: SEEDED });
    const written = propexo.all().filter((p) => p.prospect_source === 'Trata');
    expect(written).toHaveLength(SEEDED);
    const first = trata.all()[0]!;
    expect(written.find((p) => p.email_1 === first.email)).toMatchObject({ first_name: 'Sample', last_name: first.name!.split(' ').slice(1).join(' ') });
  });

  it('trata-to-overplane: every person becomes a prospect plus a prospect-lead', async () => {
    const summary = await run('trata-to-overplane');
    expect(summary.counts).toMatchObject({ pulled: SEEDED, created: SEEDED });
    const first = trata.all()[0]!;
    const prospect = overplane.all().find((p) => p.company === first.name)!;
    expect(prospect).toBeDefined();
    // `lead` links the Overplane Lead record the connector made for the person, never the Trata id.
    const rows = overplane.lines('prospect-lead', prospect.id);
    expect(rows).toEqual([expect.objectContaining({ lead: expect.stringMatching(/^lead_/), lead_name: first.name, email: first.email })]);
    expect(overplane.getLead(String(rows[0]!['lead']))).toMatchObject({ lead_name: first.name, email_id: first.email });
  });

  it('propexo-to-trata: Propexo renters arrive in Trata, and what we wrote into Propexo is not sent back', async () => {
    const before = trata.size;
    const summary = await run('propexo-to-trata');
    expect(summary.counts).toMatchObject({ pulled: 2 * SEEDED, created: SEEDED, unchanged: SEEDED });
    expect(trata.size).toBe(before + SEEDED);
    const arrived = trata.all().filter((p) => p.externalReference.some((ref) => ref['providerName'] === 'propexo'));
    expect(arrived).toHaveLength(SEEDED);
  });

  it('overplane-to-trata: Overplane contacts arrive in Trata (full scan), without echoing what we wrote there', async () => {
    const before = trata.size;
    const summary = await run('overplane-to-trata');
    expect(summary.counts).toMatchObject({ pulled: 2 * SEEDED, created: SEEDED, unchanged: SEEDED });
    expect(trata.size).toBe(before + SEEDED);
  });

  it('records spread through every sync and settle: a third round writes nothing anywhere (no ping-pong)', async () => {
    const order = ['trata-to-powerchord', 'trata-to-propexo', 'trata-to-overplane', 'propexo-to-trata', 'overplane-to-trata'];
    // Round two carries records across two hops (Overplane → Trata → Propexo, ...).
    for (const sync of order) await run(sync);
    for (const sync of order) {
      const summary = await run(sync);
      expect(summary.counts.created + summary.counts.updated, sync).toBe(0);
    }
    // Every person exists once per provider: 12 seeded in each of the three sources.
    expect(trata.size).toBe(3 * SEEDED);
    expect(propexo.all()).toHaveLength(3 * SEEDED);
    expect(overplane.all()).toHaveLength(3 * SEEDED);
    expect(powerchord.size).toBe(3 * SEEDED);
  });
});
