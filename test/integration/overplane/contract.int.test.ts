/**
 * Contract: the seed doc's own example requests, sent to the simulator, answer bodies that the connector's response
 * schemas accept, with the documented shapes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  OverplaneDeleted,
  OverplaneLead,
  OverplaneLeadCreate,
  OverplaneLeadList,
  OverplaneProspect,
  OverplaneProspectCreate,
  OverplaneProspectLead,
  OverplaneProspectLeadCreate,
  OverplaneProspectList,
  OverplaneProspectOpportunity,
  OverplaneProspectOpportunityCreate,
  OverplaneProspectUpdate,
  overplaneRows,
} from '../../../src/providers/overplane/index.ts';
import { startOverplaneSimulator, type RunningOverplaneSimulator } from '../../../src/simulators/overplane/index.ts';
import { SEED_CREATE_BODY, SEED_LEAD, SEED_PATCH_BODY, SEED_PROSPECT, SEED_PROSPECT_LEAD, SEED_PROSPECT_OPPORTUNITY, lineItemBody, recordBody } from '../../unit/overplane/seed-examples.ts';

let sim: RunningOverplaneSimulator;
beforeAll(async () => {
  sim = await startOverplaneSimulator();
});
afterAll(async () => {
  await sim.close();
});

/** A plain fetch, outside the connector, so the test sees exactly what goes over the wire. */
async function call(method: string, path: string, body?: unknown): Promise<{ status: number; json: unknown }> {
  const response = await fetch(`${sim.baseUrl}/${path}`, {
    method,
    headers: { authorization: `Bearer ${sim.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: response.status, json: await response.json() };
}

describe('overplane contract: seed doc examples against the simulator', () => {
  it('prospect endpoints', async () => {
    // The doc's request bodies are accepted by our request schemas, so we can send them.
    OverplaneProspectCreate.parse(SEED_CREATE_BODY);
    OverplaneProspectUpdate.parse(SEED_PATCH_BODY);

    const created = await call('POST', 'prospect', SEED_CREATE_BODY);
    expect(created.status).toBe(200);
    const prospect = OverplaneProspect.parse(created.json);
    expect(Object.keys(prospect).sort()).toEqual(Object.keys(SEED_PROSPECT).sort());
    expect(prospect.company).toBe('Example Corp');

    const patched = OverplaneProspect.parse((await call('PATCH', `prospect/${prospect.id}`, SEED_PATCH_BODY)).json);
    expect(patched).toMatchObject(SEED_PATCH_BODY);
    expect(OverplaneProspect.parse((await call('GET', `prospect/${prospect.id}`)).json)).toEqual(patched);

    const list = OverplaneProspectList.parse((await call('GET', 'prospect')).json);
    expect(list).toMatchObject({ has_more: false, total: 1 });

    // A full prospect body (the doc's object minus what the server assigns) is accepted too.
    const { id: _id, created_at: _c, updated_at: _u, ...full } = SEED_PROSPECT;
    expect(OverplaneProspect.parse((await call('POST', 'prospect', OverplaneProspectCreate.parse(full))).json)).toMatchObject(full);

    expect(OverplaneDeleted.parse((await call('DELETE', `prospect/${prospect.id}`)).json)).toEqual({ id: prospect.id, deleted: true });
  });

  it('the lead resource: the documented Lead object as a body, answered with every documented field', async () => {
    const body = OverplaneLeadCreate.parse(recordBody(SEED_LEAD));
    const created = await call('POST', 'lead', body);
    expect(created.status).toBe(200);
    const lead = OverplaneLead.parse(created.json);
    expect(lead.id).toMatch(/^lead_/);
    expect(Object.keys(lead).sort()).toEqual(Object.keys(SEED_LEAD).sort());
    expect(lead).toMatchObject(body);
    // Documented defaults when left out.
    expect(OverplaneLead.parse((await call('POST', 'lead', {})).json)).toMatchObject({ lead_owner: '__user', status: 'Lead', unsubscribed: false, blog_subscriber: false, disabled: false });
    expect(OverplaneLead.parse((await call('PATCH', `lead/${lead.id}`, { status: 'Replied' })).json).status).toBe('Replied');
    expect(OverplaneLeadList.parse((await call('GET', 'lead?limit=1')).json)).toMatchObject({ has_more: true, total: 2 });
    expect(OverplaneDeleted.parse((await call('DELETE', `lead/${lead.id}`)).json)).toEqual({ id: lead.id, deleted: true });
  });

  it('line-item endpoints: the documented row objects (idx included) as bodies, `lead` linking a Lead', async () => {
    const parent = OverplaneProspect.parse((await call('POST', 'prospect', SEED_CREATE_BODY)).json);
    const person = OverplaneLead.parse((await call('POST', 'lead', { lead_name: SEED_PROSPECT_LEAD.lead_name })).json);
    const leadBody = OverplaneProspectLeadCreate.parse({ ...lineItemBody(SEED_PROSPECT_LEAD, parent.id), lead: person.id });
    const lead = OverplaneProspectLead.parse((await call('POST', 'prospect-lead', leadBody)).json);
    expect(Object.keys(lead).sort()).toEqual(Object.keys(SEED_PROSPECT_LEAD).sort());
    expect(lead).toMatchObject({ ...leadBody, idx: 1 });
    // The doc's own row, linking its own `lead_example`, names no Lead: refused (assumption 9).
    expect(await call('POST', 'prospect-lead', lineItemBody(SEED_PROSPECT_LEAD, parent.id))).toMatchObject({ status: 400, json: { error: { param: 'lead' } } });

    const oppBody = OverplaneProspectOpportunityCreate.parse(lineItemBody(SEED_PROSPECT_OPPORTUNITY, parent.id));
    const opp = OverplaneProspectOpportunity.parse((await call('POST', 'prospect-opportunity', oppBody)).json);
    expect(Object.keys(opp).sort()).toEqual(Object.keys(SEED_PROSPECT_OPPORTUNITY).sort());
    expect(opp.idx).toBe(1);

    expect(overplaneRows(OverplaneProspectLead).parse((await call('GET', `prospect-lead?parent_id=${parent.id}`)).json)).toHaveLength(1);
    expect(OverplaneProspectLead.parse((await call('PATCH', `prospect-lead/${lead.id}`, { status: 'Converted', idx: 4 })).json)).toMatchObject({ status: 'Converted', idx: 4 });
    // Reorder: body assumed (undocumented).
    expect(overplaneRows(OverplaneProspectOpportunity).parse((await call('POST', 'prospect-opportunity/reorder', { parent_id: parent.id, order: [opp.id] })).json)).toHaveLength(1);
    expect(OverplaneDeleted.parse((await call('DELETE', `prospect-opportunity/${opp.id}`)).json).deleted).toBe(true);
  });

  it('errors have the assumed Stripe shape', async () => {
    const invalid = await call('POST', 'prospect', { industry: 'x' });
    expect(invalid).toEqual({ status: 400, json: { error: { message: expect.any(String), type: 'invalid_request_error', param: 'company' } } });
    const badJson = await fetch(`${sim.baseUrl}/prospect`, { method: 'POST', headers: { authorization: `Bearer ${sim.token}`, 'content-type': 'application/json' }, body: '{oops' });
    expect(badJson.status).toBe(400);
    expect(await badJson.json()).toMatchObject({ error: { type: 'invalid_request_error' } });
    expect(await call('GET', 'prospect/prospect_missing')).toMatchObject({ status: 404, json: { error: { type: 'invalid_request_error' } } });
    const noRoute = await call('GET', 'nothing-here');
    expect(noRoute).toMatchObject({ status: 404, json: { error: { message: expect.any(String) } } });
  });
});
