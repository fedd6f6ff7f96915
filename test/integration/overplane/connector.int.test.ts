import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PartialCreateError, ProviderNotFoundError } from '../../../src/providers/errors.ts';
import { OverplaneConnector, OverplaneRecord, overplane } from '../../../src/providers/overplane/index.ts';
import type { Cursor, SourceRecord } from '../../../src/providers/types.ts';
import { startOverplaneSimulator, type RunningOverplaneSimulator } from '../../../src/simulators/overplane/index.ts';
import { rejection, simConnection } from './helpers.ts';

let sim: RunningOverplaneSimulator;
let connector: OverplaneConnector;

beforeAll(async () => {
  sim = await startOverplaneSimulator({ seed: 11 });
  connector = overplane.connect(simConnection(sim)) as OverplaneConnector;
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.store.clear();
  sim.store.afterList = null;
  sim.faults.reset();
  sim.calls.reset();
});

async function scan(pageSize: number): Promise<{ records: SourceRecord[]; pages: number }> {
  const records: SourceRecord[] = [];
  let cursor: Cursor = null;
  let pages = 0;
  for (;;) {
    const page = await connector.listPage(cursor, { pageSize });
    pages++;
    records.push(...page.records);
    // The cursor is persisted between jobs: it must survive JSON.
    cursor = JSON.parse(JSON.stringify(page.next)) as Cursor;
    if (page.done) return { records, pages };
    if (pages > 1000) throw new Error('scan did not end');
  }
}

describe('overplane connector: full scan', () => {
  it('reads every prospect with its prospect-lead rows, in the record schema', async () => {
    sim.store.seed(12);
    const { records, pages } = await scan(5);
    expect(pages).toBe(4); // 5 + 5 + 2, then the head check
    expect(records.map((r) => r.id)).toEqual(sim.store.all().map((p) => p.id));
    for (const record of records) {
      const data = OverplaneRecord.parse(record.data);
      expect(data.leads).toHaveLength(1);
      expect(data.leads[0]).toMatchObject({ idx: 1, prospect_id: record.id, lead_name: expect.stringMatching(/^Person /) });
      expect(record.updatedAt).toBe(new Date(Date.parse(data.updated_at!)).toISOString());
    }
  });

  it('over 3+ pages with records created mid-scan: none missed, none read twice', async () => {
    sim.store.seed(40);
    const created: string[] = [];
    let lists = 0;
    sim.store.afterList = () => {
      // After each of the first three list answers, two new prospects arrive at the head of the list.
      if (++lists <= 3) created.push(...sim.store.seed([{ company: `New ${lists}a` }, { company: `New ${lists}b` }]).map((p) => p.id));
    };
    const { records, pages } = await scan(10);
    expect(pages).toBeGreaterThanOrEqual(4);
    const ids = records.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(ids)).toEqual(new Set(sim.store.all().map((p) => p.id)));
    expect(ids).toEqual(expect.arrayContaining(created));
    expect(ids).toHaveLength(46);
  });

  it('a prospect deleted between the list and its leads call is left out, not an error', async () => {
    const [victim] = sim.store.seed(3);
    sim.store.afterList = () => {
      if (sim.store.get(victim!.id)) sim.store.deleteProspect(victim!.id);
    };
    const { records } = await scan(10);
    expect(records.map((r) => r.id)).not.toContain(victim!.id);
    expect(records).toHaveLength(2);
  });

  it('get answers the record with leads, or null', async () => {
    const [p] = sim.store.seed(1);
    expect((await connector.get(p!.id))?.data).toMatchObject({ company: 'Company 0001', leads: [{ lead: expect.stringMatching(/^lead_/), lead_name: 'Person 0001' }] });
    expect(await connector.get('prospect_missing')).toBeNull();
  });
});

describe('overplane connector: writes', () => {
  const person = { company: 'Acme', industry: 'Tools', lead: { lead_name: 'Ann Lee', email: 'ann@acme.test', mobile_no: '+15550101', status: 'Open' } };
  const rowsOf = (id: string) => sim.store.lines('prospect-lead', id);

  it('create: a prospect, a Lead record, and the prospect-lead row linking it', async () => {
    const result = await connector.create(person);
    expect(result.kind).toBe('done');
    const id = (result as { targetId: string }).targetId;
    expect(sim.store.get(id)).toMatchObject({ company: 'Acme', industry: 'Tools' });
    const [row] = rowsOf(id);
    expect(row).toMatchObject({ idx: 1, lead: expect.stringMatching(/^lead_/), lead_name: 'Ann Lee', email: 'ann@acme.test', status: 'Open' });
    expect(sim.store.getLead(String(row!['lead']))).toMatchObject({ lead_name: 'Ann Lee', email_id: 'ann@acme.test', mobile_no: '+15550101', status: 'Open', company_name: 'Acme' });
    expect(sim.store.leads()).toHaveLength(1);
  });

  it("another provider's id is never put in `lead`: the write schema refuses it before any call", async () => {
    await expect(connector.create({ company: 'Acme', lead: { lead: 'pro.1731301754.OZSMSU1S', lead_name: 'Ann' } })).rejects.toThrow(/lead/);
    expect(sim.calls.count()).toBe(0);
  });

  it('create: the prospect-lead failing after the prospect exists → PartialCreateError with the prospect id', async () => {
    sim.faults.set({ routes: ['POST /api/crm/prospect-lead'], errorRate: 1, errorStatuses: [503] });
    const error = await rejection(connector.create(person));
    expect(error).toBeInstanceOf(PartialCreateError);
    const targetId = (error as PartialCreateError).targetId;
    expect(sim.store.get(targetId)).not.toBeNull();
    expect((error as PartialCreateError).retryable).toBe(true);

    // The engine's retry is an update of the remembered id: the person is added then, with no second prospect.
    sim.faults.reset();
    await connector.update(targetId, person);
    expect(sim.store.all()).toHaveLength(1);
    expect(rowsOf(targetId)).toHaveLength(1);
  });

  it('update: patches the prospect, the first row and its linked Lead, leaving unsent fields and other rows', async () => {
    const { targetId } = (await connector.create({ ...person, website: 'acme.test' })) as { targetId: string };
    const second = sim.store.createLead({ lead_name: 'Second' });
    sim.store.createLine('prospect-lead', { prospect_id: targetId, lead: second.id });
    await connector.update(targetId, { company: 'Acme Inc', lead: { email: 'ann@acme.example' } });
    expect(sim.store.get(targetId)).toMatchObject({ company: 'Acme Inc', industry: 'Tools', website: 'acme.test' });
    const rows = rowsOf(targetId);
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ lead_name: 'Ann Lee', email: 'ann@acme.example' });
    expect(sim.store.getLead(String(rows[0]!['lead']))).toMatchObject({ lead_name: 'Ann Lee', email_id: 'ann@acme.example', company_name: 'Acme Inc' });
    expect(rows[1]).toMatchObject({ lead: second.id });
    expect(sim.store.leads()).toHaveLength(2); // no new Lead
  });

  it("update: a row whose Lead was deleted in Overplane gets a new Lead and is re-linked", async () => {
    const { targetId } = (await connector.create(person)) as { targetId: string };
    const before = String(rowsOf(targetId)[0]!['lead']);
    sim.store.deleteLead(before);
    await connector.update(targetId, person);
    const after = String(rowsOf(targetId)[0]!['lead']);
    expect(after).not.toBe(before);
    expect(sim.store.getLead(after)).toMatchObject({ lead_name: 'Ann Lee' });
  });

  it('update: adds the person when the prospect has no row', async () => {
    const { targetId } = (await connector.create({ company: 'Solo' })) as { targetId: string };
    expect(rowsOf(targetId)).toEqual([]);
    await connector.update(targetId, person);
    expect(rowsOf(targetId)).toMatchObject([{ lead: expect.stringMatching(/^lead_/), lead_name: 'Ann Lee' }]);
  });

  it('a mapped idx is written to the row', async () => {
    const { targetId } = (await connector.create({ company: 'Acme', lead: { lead_name: 'Ann', idx: 3 } })) as { targetId: string };
    expect(rowsOf(targetId)).toMatchObject([{ idx: 3 }]);
  });

  it('delete removes the prospect and its rows', async () => {
    const { targetId } = (await connector.create(person)) as { targetId: string };
    await connector.delete(targetId);
    expect(sim.store.get(targetId)).toBeNull();
    expect(rowsOf(targetId)).toEqual([]);
  });

  it('a body the write schema refuses is never sent', async () => {
    await expect(connector.create({ industry: 'Tools' })).rejects.toThrow(/company/);
    expect(sim.calls.count()).toBe(0);
  });

  it('updating a prospect that is gone → ProviderNotFoundError, nothing created', async () => {
    expect(await rejection(connector.update('prospect_missing', person))).toBeInstanceOf(ProviderNotFoundError);
    expect(sim.store.all()).toEqual([]);
    expect(sim.store.leads()).toEqual([]);
  });
});
