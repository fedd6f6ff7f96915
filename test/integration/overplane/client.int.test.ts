import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  ProviderAuthError,
  ProviderNotFoundError,
  ProviderRateLimitedError,
  ProviderValidationError,
} from '../../../src/providers/errors.ts';
import { OverplaneClient, type OverplaneProspectCreate } from '../../../src/providers/overplane/index.ts';
import { startOverplaneSimulator, type RunningOverplaneSimulator } from '../../../src/simulators/overplane/index.ts';
import { rejection, simConnection } from './helpers.ts';

let sim: RunningOverplaneSimulator;
let client: OverplaneClient;

beforeAll(async () => {
  sim = await startOverplaneSimulator({ seed: 7 });
  client = new OverplaneClient(simConnection(sim));
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.store.clear();
  sim.faults.reset();
});

describe('overplane client: prospects', () => {
  it('create, get, list (newest first), patch (unsent fields kept), delete', async () => {
    const a = await client.create({ company: 'Acme', industry: 'Tools', annual_revenue: 1200.5, no_of_employees: '11-50' });
    expect(a.id).toMatch(/^prospect_[A-Za-z0-9]{14}$/);
    expect(a).toMatchObject({ company: 'Acme', industry: 'Tools', annual_revenue: 1200.5, website: null });
    const b = await client.create({ company: 'Beta' });

    expect(await client.get(a.id)).toEqual(a);
    const page = await client.list();
    expect(page).toMatchObject({ has_more: false, total: 2 });
    expect(page.data.map((p) => p.id)).toEqual([b.id, a.id]);
    expect((await client.list({ limit: 1, offset: 1 })).data.map((p) => p.id)).toEqual([a.id]);
    expect((await client.list({ limit: 1 })).has_more).toBe(true);

    const patched = await client.update(a.id, { website: 'acme.test' });
    expect(patched).toMatchObject({ company: 'Acme', industry: 'Tools', website: 'acme.test' });
    expect(Date.parse(patched.updated_at!)).toBeGreaterThan(Date.parse(a.updated_at!));

    expect(await client.delete(a.id)).toEqual({ id: a.id, deleted: true });
    expect(sim.store.get(a.id)).toBeNull();
  });

  it('lists 20 by default and at most 100', async () => {
    sim.store.seed(120);
    expect((await client.list()).data).toHaveLength(20);
    expect((await client.list({ limit: 100 })).data).toHaveLength(100);
    const error = await rejection(client.list({ limit: 101 }));
    expect(error).toBeInstanceOf(ProviderValidationError);
    expect((error as ProviderValidationError).fields).toEqual(['limit']);
  });
});

describe('overplane client: Lead records', () => {
  it('create (documented defaults), get, list, patch, delete', async () => {
    const lead = await client.leadRecords.create({ lead_name: 'Ann Lee', email_id: 'ann@acme.test', mobile_no: '+15550100' });
    expect(lead.id).toMatch(/^lead_[A-Za-z0-9]{14}$/);
    expect(lead).toMatchObject({ lead_name: 'Ann Lee', email_id: 'ann@acme.test', status: 'Lead', lead_owner: '__user', unsubscribed: false, city: null });
    expect(await client.leadRecords.get(lead.id)).toEqual(lead);
    expect((await client.leadRecords.update(lead.id, { status: 'Replied' })).status).toBe('Replied');
    expect((await client.leadRecords.list()).data.map((l) => l.id)).toEqual([lead.id]);
    expect(await client.leadRecords.delete(lead.id)).toEqual({ id: lead.id, deleted: true });
    expect(await rejection(client.leadRecords.get(lead.id))).toBeInstanceOf(ProviderNotFoundError);
    const wrongType = await rejection(client.leadRecords.create({ unsubscribed: 'no' } as never));
    expect((wrongType as ProviderValidationError).fields).toEqual(['unsubscribed']);
  });
});

describe('overplane client: line items', () => {
  const newLead = async (lead_name: string) => (await client.leadRecords.create({ lead_name })).id;

  it('prospect-lead: create (idx in order), list by parent, patch, reorder, delete', async () => {
    const parent = await client.create({ company: 'Acme' });
    const first = await client.leads.create({ prospect_id: parent.id, lead: await newLead('Ann'), lead_name: 'Ann', email: 'ann@acme.test' });
    const second = await client.leads.create({ prospect_id: parent.id, lead: await newLead('Bob'), lead_name: 'Bob' });
    expect(first.id).toMatch(/^prospect-lead_/);
    expect([first.idx, second.idx]).toEqual([1, 2]);

    const patched = await client.leads.update(first.id, { mobile_no: '+15550100' });
    expect(patched).toMatchObject({ lead_name: 'Ann', email: 'ann@acme.test', mobile_no: '+15550100' });

    const reordered = await client.leads.reorder({ parent_id: parent.id, order: [second.id, first.id] });
    expect(reordered.map((r) => [r.id, r.idx])).toEqual([[second.id, 1], [first.id, 2]]);
    expect((await client.leads.list(parent.id)).map((r) => r.id)).toEqual([second.id, first.id]);

    expect(await client.leads.delete(second.id)).toEqual({ id: second.id, deleted: true });
    expect((await client.leads.list(parent.id)).map((r) => r.id)).toEqual([first.id]);
  });

  it('idx is writable on create and patch; rows list by idx', async () => {
    const parent = await client.create({ company: 'Acme' });
    const late = await client.leads.create({ prospect_id: parent.id, lead: await newLead('Late'), idx: 5 });
    const early = await client.leads.create({ prospect_id: parent.id, lead: await newLead('Early'), idx: 2 });
    const appended = await client.leads.create({ prospect_id: parent.id, lead: await newLead('Next') });
    expect([late.idx, early.idx, appended.idx]).toEqual([5, 2, 6]); // left out: largest + 1
    expect((await client.leads.list(parent.id)).map((r) => r.id)).toEqual([early.id, late.id, appended.id]);
    expect((await client.leads.update(late.id, { idx: 1 })).idx).toBe(1);
    expect((await client.leads.list(parent.id)).map((r) => r.id)).toEqual([late.id, early.id, appended.id]);
    const opportunity = await client.opportunities.create({ prospect_id: parent.id, opportunity: 'Renewal', idx: 7 });
    expect(opportunity.idx).toBe(7);
  });

  it('prospect-opportunity: create, list, patch, reorder, delete; deleting the prospect takes its rows', async () => {
    const parent = await client.create({ company: 'Acme' });
    const o1 = await client.opportunities.create({ prospect_id: parent.id, opportunity: 'Renewal', amount: 5000, currency: 'USD', probability: 40 });
    const o2 = await client.opportunities.create({ prospect_id: parent.id, opportunity: 'Upsell' });
    expect(o1).toMatchObject({ idx: 1, amount: 5000, stage: null });
    expect((await client.opportunities.update(o1.id, { stage: 'Proposal' })).stage).toBe('Proposal');
    expect((await client.opportunities.reorder({ parent_id: parent.id, order: [o2.id, o1.id] })).map((r) => r.idx)).toEqual([1, 2]);
    expect(await client.opportunities.list(parent.id)).toHaveLength(2);
    expect(await client.opportunities.delete(o2.id)).toEqual({ id: o2.id, deleted: true });

    await client.delete(parent.id);
    expect(sim.store.lines('prospect-opportunity', parent.id)).toEqual([]);
    expect(await rejection(client.opportunities.update(o1.id, { stage: 'Won' }))).toBeInstanceOf(ProviderNotFoundError);
  });
});

describe('overplane client: failures are typed errors', () => {
  /** Sends a body the types would refuse, as a buggy mapping might. */
  const raw = (body: Record<string, unknown>) => body as unknown as OverplaneProspectCreate;

  it.each([
    ['missing company', raw({ industry: 'Tools' }), 'company'],
    ['empty company', raw({ company: '' }), 'company'],
    ['unknown field', raw({ company: 'A', email: 'a@b.test' }), 'email'],
    ['number as string', raw({ company: 'A', annual_revenue: '1000' }), 'annual_revenue'],
    ['string as number', raw({ company: 'A', no_of_employees: 12 }), 'no_of_employees'],
    ['null field', raw({ company: 'A', fax: null }), 'fax'],
  ])('create with %s → ProviderValidationError naming the field', async (_name, body, field) => {
    const error = await rejection(client.create(body));
    expect(error).toBeInstanceOf(ProviderValidationError);
    expect((error as ProviderValidationError).fields).toEqual([field]);
    expect((error as ProviderValidationError).message).toContain(field);
    expect((error as ProviderValidationError).status).toBe(400);
    expect(sim.store.all()).toEqual([]);
  });

  it('line-item rules: lead and prospect_id required, lead and parent must exist, no re-parenting, reorder lists every row', async () => {
    const parent = await client.create({ company: 'Acme' });
    const lead = (await client.leadRecords.create({ lead_name: 'Ann' })).id;
    const row = await client.leads.create({ prospect_id: parent.id, lead });
    const cases: Array<[Promise<unknown>, string]> = [
      [client.leads.create({ prospect_id: parent.id } as never), 'lead'],
      [client.leads.create({ lead } as never), 'prospect_id'],
      [client.leads.create({ prospect_id: 'prospect_nope', lead }), 'prospect_id'],
      [client.leads.create({ prospect_id: parent.id, lead: 'pro.1731301754.OZSMSU1S' }), 'lead'],
      [client.leads.update(row.id, { lead: 'LEAD-2' }), 'lead'],
      [client.leads.create({ prospect_id: parent.id, lead, idx: 1.5 } as never), 'idx'],
      [client.leads.create({ prospect_id: parent.id, lead, idx: '2' } as never), 'idx'],
      [client.leads.update(row.id, { prospect_id: 'prospect_other' } as never), 'prospect_id'],
      [client.opportunities.create({ prospect_id: parent.id, amount: 'lots' } as never), 'amount'],
      [client.leads.reorder({ parent_id: parent.id, order: ['prospect-lead_unknown'] }), 'order'],
    ];
    for (const [promise, field] of cases) {
      const error = await rejection(promise);
      expect(error, field).toBeInstanceOf(ProviderValidationError);
      expect((error as ProviderValidationError).fields, field).toEqual([field]);
    }
  });

  it('a wrong token → ProviderAuthError (401), and the token is not in the message', async () => {
    const bad = new OverplaneClient(simConnection(sim, 'sk_test_wrong'));
    const error = await rejection(bad.list());
    expect(error).toBeInstanceOf(ProviderAuthError);
    expect((error as ProviderAuthError).status).toBe(401);
    expect((error as ProviderAuthError).body).toMatchObject({ error: { type: 'authentication_error' } });
    expect(String((error as Error).message)).not.toContain('sk_test_wrong');
  });

  it('unknown ids → ProviderNotFoundError (404)', async () => {
    for (const promise of [client.get('prospect_missing'), client.update('prospect_missing', { industry: 'x' }), client.delete('prospect_missing'), client.leads.list('prospect_missing'), client.leads.delete('prospect-lead_missing')]) {
      const error = await rejection(promise);
      expect(error).toBeInstanceOf(ProviderNotFoundError);
      expect((error as ProviderNotFoundError).status).toBe(404);
    }
  });

  it('429 → ProviderRateLimitedError with Retry-After', async () => {
    sim.faults.set({ rateLimitBurst: 1 });
    const error = await rejection(client.list());
    expect(error).toBeInstanceOf(ProviderRateLimitedError);
    expect((error as ProviderRateLimitedError).retryAfterMs).toBe(1000);
    expect((error as ProviderRateLimitedError).body).toMatchObject({ error: { type: 'rate_limit_error' } });
    expect((await client.list()).total).toBe(0);
  });
});
