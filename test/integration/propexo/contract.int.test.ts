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
import { GET_BY_ID_ENVELOPE, PAGINATION_LIMIT_EXAMPLE, PAGINATION_OFFSET_EXAMPLE, RETRY_WRITE_200, RETRY_WRITE_400, SEED_003_UPDATE } from '../../unit/propexo/documented-examples.ts';
import { connectTo, settle } from './connect.ts';

/**
 * Contract: the documents' own examples — every field of seed 003 (Update Prospect) with a documented-valid value,
 * the API reference's query parameters and answers, its error example — sent over plain HTTP to the simulator
 * (which validates with its own schemas, src/simulators/propexo/validate.ts) and read back with the connector's
 * response schemas; then the same through the connector itself.
 */
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

  it('the Pagination page’s examples read as pages (no `total`; hasMore true, then false)', () => {
    expect(PropexoProspectList.parse(PAGINATION_LIMIT_EXAMPLE).meta).toMatchObject({ offset: 0, limit: 10, hasMore: true });
    expect(PropexoProspectList.parse(PAGINATION_OFFSET_EXAMPLE)).toEqual({ meta: PAGINATION_OFFSET_EXAMPLE.meta, records: [] });
  });

  it('a get by ID answers Propexo’s documented by-ID envelope, {meta, results: {...}} (API reference, "Get a lead by ID")', async () => {
    // The connector reads the documented envelope itself.
    expect(PropexoProspectAnswer.parse(GET_BY_ID_ENVELOPE)).toEqual(GET_BY_ID_ENVELOPE.results);
    // The simulator answers it: the same top-level keys as the documented example, the record under `results`.
    const [seeded] = sim.store.seed([{ first_name: 'John' }]);
    const response = await fetch(`${sim.url}/crm/v1/prospects/${seeded!.id}`, { headers: { authorization: `Bearer ${sim.token}` } });
    const body = (await response.json()) as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(Object.keys(GET_BY_ID_ENVELOPE).sort());
    expect(body['results']).toMatchObject({ id: seeded!.id, first_name: 'John' });
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
    const retry = await call(PropexoRetryWriteAnswer, 'POST', `/v1/admin/retry-write/${failing.body.jobId}`, {});
    expect(Object.keys(retry.body).sort()).toEqual(Object.keys(RETRY_WRITE_200).sort());
    expect(retry.body.success).toBe(true);
    expect(retry.body.job_id).not.toBe(failing.body.jobId);
    expect((await settled(retry.body.job_id!)).write_status).toBe('SUCCESS');
  });

  it('errors answer the documented error body, zod issues under details.details', async () => {
    const invalid = await call(PropexoErrorBody, 'POST', '/crm/v1/prospects', { ...CREATE, zip: '1'.repeat(13) });
    expect(invalid.status).toBe(400);
    expect(invalid.body.error).toMatchObject({ code: 'invalid_request', details: { details: { issues: [{ path: ['zip'] }], name: 'ZodError' } } });
    // The API reference's own 400 example, reproduced byte for byte by the same mistake.
    const [seeded] = sim.store.seed([{ first_name: 'F' }]);
    sim.store.forceNextWrite('FAILURE');
    const failing = await call(PropexoWriteAnswer, 'PUT', `/crm/v1/prospects/${seeded!.id}`, { lease_id: 'l' });
    await settled(failing.body.jobId);
    const extraKey = await call(PropexoErrorBody, 'POST', `/v1/admin/retry-write/${failing.body.jobId}`, { foo: 1 });
    expect(extraKey.status).toBe(400);
    expect(extraKey.body).toEqual(RETRY_WRITE_400);
    expect((await call(PropexoErrorBody, 'GET', '/crm/v1/prospects/cnothere')).status).toBe(404);
    // The OpenAPI documents 200 and 400 only for the admin routes: an unknown job is a 400.
    expect((await call(PropexoErrorBody, 'GET', '/v1/admin/write-status/cnothere')).status).toBe(400);
    expect((await call(PropexoErrorBody, 'POST', '/v1/admin/retry-write/cnothere', {})).status).toBe(400);
    expect((await call(PropexoErrorBody, 'GET', '/crm/v1/prospects', undefined, 'bad')).status).toBe(401);
    expect((await call(PropexoErrorBody, 'GET', '/crm/v1/prospects?limit=251')).status).toBe(400);
    expect((await call(PropexoErrorBody, 'GET', '/crm/v1/prospects?updated_at_gte=yesterday')).status).toBe(400);
  });

  it('the list’s documented query: updated_at_gte / _lte inclusive, order-by with several keys, created_at:desc by default', async () => {
    sim.store.clear();
    const at = (minute: number) => `2026-01-01T00:0${minute}:00.000Z`;
    sim.store.seed([
      { id: 'ca', created_at: at(1), updated_at: at(5) },
      { id: 'cb', created_at: at(2), updated_at: at(3) },
      { id: 'cc', created_at: at(3), updated_at: at(3) },
      { id: 'cd', created_at: at(4), updated_at: at(1) },
    ]);
    const ids = async (query: string) => (await call(PropexoProspectList, 'GET', `/crm/v1/prospects/?${query}`)).body.records.map((r) => r.id);
    expect(await ids('')).toEqual(['cd', 'cc', 'cb', 'ca']);
    expect(await ids(`updated_at_gte=${at(3)}&order-by=updated_at:asc,id:desc`)).toEqual(['cc', 'cb', 'ca']);
    expect(await ids(`updated_at_gte=${at(3)}&updated_at_lte=${at(3)}&order-by=id`)).toEqual(['cb', 'cc']);
    const page = await call(PropexoProspectList, 'GET', `/crm/v1/prospects?order-by=updated_at:asc,id:asc&offset=1&limit=2`);
    expect(page.body.meta).toMatchObject({ offset: 1, limit: 2, hasMore: true, total: 4, orderBy: [{ field: 'updated_at', direction: 'asc' }, { field: 'id', direction: 'asc' }] });
    expect(page.body.records.map((r) => r.id)).toEqual(['cb', 'cc']);
  });
});

describe('the same documents through the connector', () => {
  it('seed 003’s update body goes through the connector as it is, lease_id and all', async () => {
    const [seeded] = sim.store.seed([{ first_name: 'Before' }]);
    const connector = connectTo(sim);
    const result = await connector.update(seeded!.id, SEED_003_UPDATE);
    expect((await settle(connector, (result as { jobId: string }).jobId)).status).toBe('SUCCESS');
    const { notes: _notes, ...rest } = SEED_003_UPDATE;
    expect(sim.store.get(seeded!.id)).toMatchObject(rest);
  });

  it('the documented 400 is a ProviderValidationError naming the unrecognized key', async () => {
    const connector = connectTo(sim);
    const error = await connector.client.create({ ...CREATE, foo: 1 } as unknown as Parameters<typeof connector.client.create>[0]).catch((e: unknown) => e);
    expect((error as { fields: string[] }).fields).toEqual(['foo']);
    expect((error as Error).message).toContain("Unrecognized key(s) in object: 'foo'");
  });

  it('write-status of an unknown job is a ProviderValidationError (400), not "not found"', async () => {
    const error = await connectTo(sim).writeStatus('cnothere').catch((e: unknown) => e);
    expect((error as { status: number }).status).toBe(400);
    expect((error as { code: string }).code).toBe('ERR_PROVIDER_VALIDATION');
  });
});
