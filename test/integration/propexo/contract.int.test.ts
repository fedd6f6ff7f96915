import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  PropexoCreateBody,
  PropexoErrorBody,
  PropexoProspect,
  PropexoProspectAnswer,
  PropexoProspectList,
  PropexoRetryWriteAnswer,
  PropexoUpdateBody,
  PropexoWriteAnswer,
  PropexoWriteStatusAnswer,
} from '../../../src/providers/propexo/index.ts';
import { startPropexoSimulator, type PropexoSimulator } from '../../../src/simulators/propexo/index.ts';

/**
 * Contract: every field of seed 003 (Update Prospect), with a documented-valid value, sent over plain HTTP to the
 * simulator; every answer is read with the connector's own response schemas.
 */
const SEED_003_UPDATE = {
  lease_id: 'lease_abc',
  email_1: 'prospect@example.com',
  phone_1: '+15125550100',
  phone_2: '+15125550101',
  first_name: 'Maya',
  last_name: 'Lin',
  move_in_date: '2026-03-01',
  rent_minimum_in_cents: 150_000,
  rent_maximum_in_cents: 220_000,
  notes: 'Asked about parking.',
  pets: ['SMALL_DOG', 'LARGE_DOG', 'CAT'],
  agent_id: 'agent_1',
  number_of_occupants: 2,
  lease_term_in_months: 24,
  desired_num_bedrooms: [2, 3],
  address_1: 'x'.repeat(40),
  address_2: 'Apt 4',
  city: 'y'.repeat(30),
  state: 'TX',
  zip: '787010000000',
  country: 'US',
  preferred_contact_method: 'EMAIL',
  subscribe: true,
  prospect_source: 'Website',
};

const CREATE = {
  integration_id: 'int_1',
  community_id: 'comm_1',
  middle_name: 'Q',
  attribution_id: 'attr_1',
  first_contact_type: 'WEB',
  ...Object.fromEntries(Object.entries(SEED_003_UPDATE).filter(([key]) => key !== 'lease_id')),
  move_in_date: '2026-03-01T15:00:00Z',
  lease_term_in_months: 18,
};

let sim: PropexoSimulator;

beforeAll(async () => {
  sim = await startPropexoSimulator({ writeDelayMs: 20, rateLimit: { budget: 100_000 } });
});
afterAll(async () => {
  await sim.close();
});

async function call<S extends z.ZodType>(schema: S, method: string, path: string, body?: unknown, token = sim.token) {
  const response = await fetch(`${sim.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  // Every authenticated answer carries the budget (an unauthenticated one spends none).
  if (token === sim.token) expect(response.headers.get('x-ratelimit-remaining')).toMatch(/^\d+$/);
  return { status: response.status, body: schema.parse(await response.json()) as z.infer<S> };
}

async function settled(jobId: string) {
  for (;;) {
    const { body } = await call(PropexoWriteStatusAnswer, 'GET', `/v1/admin/write-status/${jobId}`);
    if (body.write_status !== 'PENDING') return body;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('propexo contract (seed 003 fields, connector response schemas)', () => {
  it('the documented request bodies are valid for our own request schemas', () => {
    expect(PropexoUpdateBody.parse(SEED_003_UPDATE)).toEqual(SEED_003_UPDATE);
    expect(PropexoCreateBody.parse(CREATE)).toEqual(CREATE);
    // Every field of the seed doc is a field of the update schema, and no more.
    expect(Object.keys(PropexoUpdateBody.shape).sort()).toEqual(Object.keys(SEED_003_UPDATE).sort());
  });

  it('create → write answer → write-status → get → list', async () => {
    const write = await call(PropexoWriteAnswer, 'POST', '/crm/v1/prospects', CREATE);
    expect(write.status).toBe(200);
    const status = await settled(write.body.jobId);
    expect(status).toMatchObject({ write_status: 'SUCCESS', errors: [] });
    const id = status.created_record_id!;

    const got = await call(PropexoProspectAnswer, 'GET', `/crm/v1/prospects/${id}`);
    expect(got.body).toMatchObject({ ...CREATE, id });
    expect(PropexoProspect.parse(got.body).created_at).toMatch(/Z$/);

    const list = await call(PropexoProspectList, 'GET', '/crm/v1/prospects?offset=0&limit=250&order-by=updated_at:desc');
    expect(list.body.meta).toMatchObject({ offset: 0, limit: 250, hasMore: false, total: 1 });
    expect(list.body.records.map((r) => r.id)).toEqual([id]);
  });

  it('update with every seed-003 field, then FAILURE and retry-write', async () => {
    const [seeded] = sim.store.seed([{ notes: 'Earlier note.' }]);
    const write = await call(PropexoWriteAnswer, 'PUT', `/crm/v1/prospects/${seeded!.id}`, SEED_003_UPDATE);
    expect(await settled(write.body.jobId)).toEqual({ write_status: 'SUCCESS', errors: [], created_record_id: null });
    const got = await call(PropexoProspectAnswer, 'GET', `/crm/v1/prospects/${seeded!.id}`);
    expect(got.body.notes).toBe('Earlier note.\nAsked about parking.');

    sim.store.forceNextWrite('FAILURE');
    const failing = await call(PropexoWriteAnswer, 'PUT', `/crm/v1/prospects/${seeded!.id}`, { lease_id: 'lease_abc', city: 'Austin' });
    const failed = await settled(failing.body.jobId);
    expect(failed.write_status).toBe('FAILURE');
    expect(failed.errors.length).toBeGreaterThan(0);
    const retry = await call(PropexoRetryWriteAnswer, 'POST', `/v1/admin/retry-write/${failing.body.jobId}`);
    expect(retry.body.success).toBe(true);
    expect(retry.body.job_id).not.toBe(failing.body.jobId);
    expect((await settled(retry.body.job_id!)).write_status).toBe('SUCCESS');
  });

  it('errors answer the documented error body', async () => {
    const invalid = await call(PropexoErrorBody, 'POST', '/crm/v1/prospects', { ...CREATE, zip: '1'.repeat(13) });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toMatchObject({ code: 'invalid_request', details: { issues: [{ path: ['zip'] }] } });
    expect((await call(PropexoErrorBody, 'GET', '/crm/v1/prospects/cnothere')).status).toBe(404);
    expect((await call(PropexoErrorBody, 'GET', '/v1/admin/write-status/cnothere')).status).toBe(404);
    expect((await call(PropexoErrorBody, 'GET', '/crm/v1/prospects', undefined, 'bad')).status).toBe(401);
    expect((await call(PropexoErrorBody, 'GET', '/crm/v1/prospects?limit=251')).status).toBe(400);
  });
});
