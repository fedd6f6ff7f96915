import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  OverplaneDeleted,
  OverplaneLead,
  OverplaneLeadCreate,
  OverplaneProspect,
  OverplaneProspectCreate,
  OverplaneProspectLead,
  OverplaneProspectLeadCreate,
  OverplaneProspectList,
  OverplaneProspectOpportunity,
  OverplaneProspectUpdate,
  OverplaneReorder,
  OverplaneWrite,
  describeOverplaneError,
  overplane,
  overplaneRows,
} from '../../../src/providers/overplane/index.ts';
import { SEED_CREATE_BODY, SEED_DELETED, SEED_LEAD, SEED_LIST, SEED_PATCH_BODY, SEED_PROSPECT, SEED_PROSPECT_LEAD, SEED_PROSPECT_OPPORTUNITY, lineItemBody, recordBody } from './seed-examples.ts';

const issuePaths = (result: { success: boolean; error?: z.ZodError }) => result.error?.issues.map((i) => i.path.join('.')) ?? [];

describe('overplane schemas: the seed doc examples', () => {
  it('parses every documented answer with the response schemas', () => {
    expect(OverplaneProspect.parse(SEED_PROSPECT)).toEqual(SEED_PROSPECT);
    expect(OverplaneProspectList.parse(SEED_LIST).data).toHaveLength(1);
    expect(OverplaneDeleted.parse(SEED_DELETED)).toEqual(SEED_DELETED);
    expect(OverplaneProspectLead.parse(SEED_PROSPECT_LEAD)).toEqual(SEED_PROSPECT_LEAD);
    expect(OverplaneProspectOpportunity.parse(SEED_PROSPECT_OPPORTUNITY)).toEqual(SEED_PROSPECT_OPPORTUNITY);
    expect(OverplaneLead.parse(SEED_LEAD)).toEqual(SEED_LEAD);
  });

  it('accepts the documented request bodies', () => {
    expect(OverplaneProspectCreate.parse(SEED_CREATE_BODY)).toEqual(SEED_CREATE_BODY);
    expect(OverplaneProspectUpdate.parse(SEED_PATCH_BODY)).toEqual(SEED_PATCH_BODY);
    expect(OverplaneProspectLeadCreate.safeParse(lineItemBody(SEED_PROSPECT_LEAD, 'prospect_x')).success).toBe(true);
    expect(OverplaneLeadCreate.parse(recordBody(SEED_LEAD))).toEqual(recordBody(SEED_LEAD));
  });

  it('tolerates unknown and null fields in answers, as a provider may add them', () => {
    const answer = { ...SEED_PROSPECT, fax: null, brand_new_field: 1 };
    expect(OverplaneProspect.parse(answer)).toMatchObject({ fax: null, brand_new_field: 1 });
  });

  it('reads line-item lists as the envelope or a bare array', () => {
    const rows = overplaneRows(OverplaneProspectLead);
    expect(rows.parse({ data: [SEED_PROSPECT_LEAD], has_more: false, total: 1 })).toHaveLength(1);
    expect(rows.parse([SEED_PROSPECT_LEAD])).toHaveLength(1);
  });
});

describe('overplane schemas: what we send is what the provider accepts', () => {
  it('requires company on create, not on patch', () => {
    expect(issuePaths(OverplaneProspectCreate.safeParse({ industry: 'x' }))).toContain('company');
    expect(OverplaneProspectUpdate.safeParse({ industry: 'x' }).success).toBe(true);
  });

  it('refuses unknown fields and wrong types', () => {
    expect(OverplaneProspectCreate.safeParse({ company: 'A', email: 'a@b.c' }).success).toBe(false);
    expect(OverplaneProspectUpdate.safeParse({ colour: 'red' }).success).toBe(false);
    expect(issuePaths(OverplaneProspectCreate.safeParse({ company: 'A', annual_revenue: '10' }))).toEqual(['annual_revenue']);
    expect(issuePaths(OverplaneProspectCreate.safeParse({ company: 'A', no_of_employees: 10 }))).toEqual(['no_of_employees']);
  });

  it('requires prospect_id and lead on a prospect-lead, takes a writable integer idx, and a non-empty reorder', () => {
    expect(issuePaths(OverplaneProspectLeadCreate.safeParse({}))).toEqual(expect.arrayContaining(['prospect_id', 'lead']));
    expect(OverplaneProspectLeadCreate.safeParse({ prospect_id: 'p', lead: 'lead_1', idx: 3 }).success).toBe(true);
    expect(issuePaths(OverplaneProspectLeadCreate.safeParse({ prospect_id: 'p', lead: 'lead_1', idx: 1.5 }))).toEqual(['idx']);
    expect(OverplaneReorder.safeParse({ parent_id: 'p', order: [] }).success).toBe(false);
  });

  it('write body: the prospect plus an optional person; the `lead` link is the connector\'s, never a mapping\'s', () => {
    expect(OverplaneWrite.safeParse({ company: 'A', lead: { lead_name: 'Ann', idx: 1 } }).success).toBe(true);
    expect(OverplaneWrite.safeParse({ company: 'A' }).success).toBe(true);
    expect(issuePaths(OverplaneWrite.safeParse({ company: 'A', lead: { lead: 'pro.1.TRATA', lead_name: 'Ann' } }))).toEqual(['lead']);
    expect(OverplaneWrite.safeParse({ company: 'A', lead: { prospect_id: 'p' } }).success).toBe(false);
  });

  it('the Lead resource: documented fields and types, none required', () => {
    expect(OverplaneLeadCreate.safeParse({}).success).toBe(true);
    expect(issuePaths(OverplaneLeadCreate.safeParse({ unsubscribed: 'no', annual_revenue: '1', email: 'x' }))).toEqual(expect.arrayContaining(['unsubscribed', 'annual_revenue', '']));
  });
});

describe('overplane definition', () => {
  it('exposes leads as an array of objects so mapping paths like leads.0.email can be checked', () => {
    const shape = overplane.recordSchema?.shape ?? {};
    const leads = shape['leads'];
    expect(leads).toBeInstanceOf(z.ZodArray);
    const element = (leads as z.ZodArray<z.ZodObject>).element;
    expect(element).toBeInstanceOf(z.ZodObject);
    expect(Object.keys(element.shape)).toEqual(expect.arrayContaining(['lead', 'lead_name', 'email', 'mobile_no']));
  });

  it('declares a non-incremental, synchronous source and target with no search', () => {
    expect(overplane.capabilities).toMatchObject({ list: true, incremental: false, asyncWrites: false, searchBy: [] });
  });

  it('reads the Stripe-style error body, naming the field from `param`', () => {
    expect(describeOverplaneError({ error: { message: 'Missing required param: company', type: 'invalid_request_error', param: 'company' } })).toEqual({
      message: 'Missing required param: company',
      fields: ['company'],
    });
    expect(describeOverplaneError({ error: { message: 'Nope', type: 'api_error' } })).toEqual({ message: 'Nope', fields: [] });
    expect(describeOverplaneError('<html>')).toBeNull();
  });
});
