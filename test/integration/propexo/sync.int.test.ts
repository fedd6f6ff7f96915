import { afterEach, describe, expect, it } from 'vitest';
import type { ConnectionConfig } from '../../../src/providers/types.ts';
import { startPropexoSimulator, type PropexoSimulator } from '../../../src/simulators/propexo/index.ts';
import { startTrataSimulator, type TrataSimulator } from '../../../src/simulators/trata/server.ts';
import { simulatorConnection } from '../../helpers/connections.ts';
import { createTestEngine, type TestEngine } from '../../helpers/engine.ts';

/** Trata ⇄ Propexo through the real engine, the shipped mappings and both simulators. */
interface Setup {
  trata: TrataSimulator;
  propexo: PropexoSimulator;
  t: TestEngine;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  while (cleanups.length > 0) await cleanups.pop()!();
});

async function setup(sync: 'trata-to-propexo' | 'propexo-to-trata', propexoOptions: Record<string, string> = { integrationId: 'integration-1' }): Promise<Setup> {
  const trata = await startTrataSimulator();
  const propexo = await startPropexoSimulator({ writeDelayMs: 20, rateLimit: { budget: 100_000 } });
  const connections = new Map<string, ConnectionConfig>([
    simulatorConnection('trata', trata),
    // No connection-wide lease fallback: each update must carry the prospect's own lease.
    simulatorConnection('propexo', propexo, { options: propexoOptions }),
  ]);
  const t = await createTestEngine({ connections, syncs: (all) => new Map([[sync, all.get(sync)!]]), settings: { pageSize: 250 } });
  cleanups.push(
    () => trata.close(),
    () => propexo.close(),
    () => t.close(),
  );
  return { trata, propexo, t };
}

async function run({ t }: Setup, sync: string) {
  const summary = await t.waitForRun(await t.engine.enqueueRun(sync), 120_000);
  const { errors } = await t.engine.ledger.errors(summary.runId);
  return { summary, errors };
}

describe('Trata → Propexo writes each prospect’s own lease_id', () => {
  it('the mapping names the lease per record; an update without one is a record-level error naming lease_id', async () => {
    const s = await setup('trata-to-propexo');
    const people = [
      s.trata.store.create({ status: 'NEW', name: 'Ada Lovelace', email: 'ada@example.com', prospectProps: { leaseId: 'lease-ada' } }),
      s.trata.store.create({ status: 'NEW', name: 'Alan Turing', email: 'alan@example.com', prospectProps: { leaseId: 'lease-alan' } }),
      s.trata.store.create({ status: 'NEW', name: 'Grace Hopper', email: 'grace@example.com', prospectProps: {} }),
    ];
    const first = await run(s, 'trata-to-propexo');
    expect(first.summary).toMatchObject({ status: 'SUCCESS', counts: { created: 3 } });
    // Create takes no lease (documented): none is stored yet.
    expect(s.propexo.store.all().every((p) => p.lease_id === undefined)).toBe(true);

    for (const person of people) s.trata.store.modify(person.id, { name: `${person.name!} Jr` });
    const second = await run(s, 'trata-to-propexo');
    expect(second.summary).toMatchObject({ status: 'PARTIAL_SUCCESS', counts: { updated: 2, failed: 1 } });
    const byEmail = (email: string) => s.propexo.store.all().find((p) => p.email_1 === email)!;
    expect(byEmail('ada@example.com')).toMatchObject({ last_name: 'Lovelace Jr', lease_id: 'lease-ada' });
    expect(byEmail('alan@example.com')).toMatchObject({ last_name: 'Turing Jr', lease_id: 'lease-alan' });
    expect(byEmail('grace@example.com')).toMatchObject({ last_name: 'Hopper' });
    expect(second.errors).toEqual([expect.objectContaining({ sourceId: people[2]!.id, reason: expect.stringMatching(/lease_id/), path: 'lease_id' })]);
    // Each update named its own lease: two PUTs, no third one sent without a lease.
    expect(s.propexo.calls.count('PUT /crm/v1/prospects/:prospect_id')).toBe(2);
  });
});

describe('confirming Propexo writes', () => {
  it('an update keeps the known target id even when write-status names another created_record_id', async () => {
    const s = await setup('trata-to-propexo');
    const person = s.trata.store.create({ status: 'NEW', name: 'Ada Lovelace', email: 'ada@example.com', prospectProps: { leaseId: 'lease-ada' } });
    await run(s, 'trata-to-propexo');
    const created = s.propexo.store.all()[0]!;

    // The OpenAPI: created_record_id "could be related to a different model than expected".
    s.propexo.store.forceNextWrite({ status: 'SUCCESS', createdRecordId: 'cevent0000000000000000000' });
    s.trata.store.modify(person.id, { name: 'Ada King' });
    expect((await run(s, 'trata-to-propexo')).summary).toMatchObject({ status: 'SUCCESS', counts: { updated: 1 } });

    s.trata.store.modify(person.id, { name: 'Ada Byron' });
    expect((await run(s, 'trata-to-propexo')).summary).toMatchObject({ status: 'SUCCESS', counts: { updated: 1 } });
    const puts = s.propexo.store.jobs().filter((j) => j.kind === 'update').map((j) => j.prospectId);
    expect(puts).toEqual([created.id, created.id]);
    expect(s.propexo.store.get(created.id)).toMatchObject({ last_name: 'Byron', lease_id: 'lease-ada' });
  });

  it('a write that ended FAILURE is re-run through retry-write when the record is retried, not sent again', async () => {
    const s = await setup('trata-to-propexo');
    const person = s.trata.store.create({ status: 'NEW', name: 'Ada Lovelace', email: 'ada@example.com', prospectProps: { leaseId: 'lease-ada' } });
    await run(s, 'trata-to-propexo');
    s.propexo.store.forceNextWrite({ status: 'FAILURE', errors: ['PMS maintenance window'] });
    s.trata.store.modify(person.id, { name: 'Ada King' });
    const failed = await run(s, 'trata-to-propexo');
    expect(failed.summary).toMatchObject({ status: 'FAILURE', counts: { failed: 1 } });
    expect(failed.errors[0]).toMatchObject({ code: 'WRITE_FAILED', reason: expect.stringContaining('PMS maintenance window') });
    const failedJob = s.propexo.store.jobs().find((j) => j.status === 'FAILURE')!;

    const puts = s.propexo.calls.count('PUT /crm/v1/prospects/:prospect_id');
    const retried = await s.t.waitForRun((await s.t.engine.retryFailed('trata-to-propexo'))!, 60_000);
    expect(retried).toMatchObject({ status: 'SUCCESS', counts: { updated: 1 } });
    expect(s.propexo.calls.count('PUT /crm/v1/prospects/:prospect_id')).toBe(puts);
    expect(s.propexo.calls.count('POST /v1/admin/retry-write/:root_job_id')).toBe(1);
    expect(s.propexo.store.job(failedJob.id)?.retriedAs).toBeTruthy();
    expect(s.propexo.store.all()[0]).toMatchObject({ last_name: 'King' });
  });
});

describe('Propexo as a source: incremental pull', () => {
  it('an unchanged re-sync of 10,000 prospects makes a handful of list calls', async () => {
    const s = await setup('propexo-to-trata');
    const now = Date.now();
    const span = 30 * 24 * 3600_000;
    const total = 10_000;
    // Prospects changed over the last 30 days, as a live integration's are.
    s.propexo.store.seed(
      Array.from({ length: total }, (_, i) => {
        const at = new Date(now - span + Math.floor((i * span) / total)).toISOString();
        return { integration_id: 'integration-1', first_name: 'Renter', last_name: `No ${i}`, email_1: `renter${i}@example.com`, created_at: at, updated_at: at };
      }),
    );
    const first = await run(s, 'propexo-to-trata');
    expect(first.summary).toMatchObject({ status: 'SUCCESS', counts: { pulled: total, created: total } });
    const fullScan = s.propexo.calls.count('GET /crm/v1/prospects');

    s.propexo.calls.reset();
    const second = await run(s, 'propexo-to-trata');
    const listCalls = s.propexo.calls.count('GET /crm/v1/prospects');
    console.info(`propexo re-sync of ${total}: first run ${fullScan} list calls, unchanged re-run ${listCalls} list call(s), ${second.summary.counts.pulled} record(s) re-read`);
    expect(second.summary).toMatchObject({ status: 'SUCCESS', counts: { created: 0, updated: 0 } });
    expect(listCalls).toBeLessThanOrEqual(2);
    expect(second.summary.counts.pulled).toBeLessThanOrEqual(2);

    // A change since is picked up by the next incremental run, still without a scan.
    const [changed] = s.propexo.store.seed([{ integration_id: 'integration-1', first_name: 'Late', last_name: 'Comer', email_1: 'late@example.com' }]);
    s.propexo.calls.reset();
    const third = await run(s, 'propexo-to-trata');
    expect(third.summary.counts).toMatchObject({ created: 1 });
    expect(s.propexo.calls.count('GET /crm/v1/prospects')).toBeLessThanOrEqual(2);
    expect(s.trata.store.all().some((p) => p.email === changed!.email_1)).toBe(true);
  }, 180_000);
});
