import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderValidationError } from '../../../src/providers/errors.ts';
import type { PropexoCreateBody, PropexoUpdateBody } from '../../../src/providers/propexo/index.ts';
import { startPropexoSimulator, type PropexoSimulator } from '../../../src/simulators/propexo/index.ts';
import { connectTo } from './connect.ts';

// Invalid bodies go through the raw client (no local checks), so it is the simulator that rejects them.
let sim: PropexoSimulator;
let prospectId: string;

beforeAll(async () => {
  sim = await startPropexoSimulator({ writeDelayMs: 10, rateLimit: { budget: 100_000 } });
  prospectId = sim.store.seed([{ first_name: 'Target' }])[0]!.id;
});
afterAll(async () => {
  await sim.close();
});

async function rejection(call: Promise<unknown>): Promise<ProviderValidationError> {
  const error = await call.catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ProviderValidationError);
  const validation = error as ProviderValidationError;
  expect(validation.status).toBe(400);
  expect(validation.body).toMatchObject({ error: { code: 'invalid_request' } });
  return validation;
}

const createCases: Array<[string, Record<string, unknown>, string]> = [
  ['address_1 over 40 characters', { address_1: 'x'.repeat(41) }, 'address_1'],
  ['address_2 over 40 characters', { address_2: 'x'.repeat(41) }, 'address_2'],
  ['city over 30 characters', { city: 'x'.repeat(31) }, 'city'],
  ['state over 4 characters', { state: 'TEXAS' }, 'state'],
  ['zip over 12 characters', { zip: '1234567890123' }, 'zip'],
  ['country over 2 characters', { country: 'USA' }, 'country'],
  ['rent_minimum_in_cents of 0', { rent_minimum_in_cents: 0 }, 'rent_minimum_in_cents'],
  ['rent_maximum_in_cents not an integer', { rent_maximum_in_cents: 10.5 }, 'rent_maximum_in_cents'],
  ['lease_term_in_months of 0', { lease_term_in_months: 0 }, 'lease_term_in_months'],
  ['lease_term_in_months of 19 (create allows 1–18)', { lease_term_in_months: 19 }, 'lease_term_in_months'],
  ['a pet outside the enum', { pets: ['CAT', 'PARROT'] }, 'pets.1'],
  ['preferred_contact_method outside the (assumed) enum', { preferred_contact_method: 'FAX' }, 'preferred_contact_method'],
  ['move_in_date that is not a date', { move_in_date: 'next week' }, 'move_in_date'],
  ['a field create does not take', { lease_id: 'lease_1' }, 'lease_id'],
];

describe('the simulator rejects what Propexo would, surfaced as ProviderValidationError naming the field', () => {
  it.each(createCases)('create: %s', async (_name, fields, field) => {
    const body = { integration_id: 'int_1', ...fields } as PropexoCreateBody;
    const error = await rejection(connectTo(sim).client.create(body));
    expect(error.fields).toContain(field);
    expect(error.message).toContain(field);
  });

  it('create: integration_id is required', async () => {
    const error = await rejection(connectTo(sim).client.create({ first_name: 'x' } as PropexoCreateBody));
    expect(error.fields).toEqual(['integration_id']);
  });

  it('update: lease_id is required', async () => {
    const error = await rejection(connectTo(sim).client.update(prospectId, { first_name: 'x' } as PropexoUpdateBody));
    expect(error.fields).toEqual(['lease_id']);
  });

  it('update: lease_term_in_months of 24 is fine (only >= 1 on update), 0 is not', async () => {
    await expect(connectTo(sim).client.update(prospectId, { lease_id: 'l', lease_term_in_months: 24 })).resolves.toHaveProperty('jobId');
    const error = await rejection(connectTo(sim).client.update(prospectId, { lease_id: 'l', lease_term_in_months: 0 }));
    expect(error.fields).toEqual(['lease_term_in_months']);
  });

  it('update: create-only fields are rejected', async () => {
    const error = await rejection(connectTo(sim).client.update(prospectId, { lease_id: 'l', middle_name: 'Q' } as PropexoUpdateBody));
    expect(error.fields).toEqual(['middle_name']);
  });

  it('update: several bad fields are all named', async () => {
    const body = { lease_id: 'l', city: 'x'.repeat(31), rent_minimum_in_cents: -5, pets: ['DRAGON'] } as unknown as PropexoUpdateBody;
    const error = await rejection(connectTo(sim).client.update(prospectId, body));
    expect(error.fields).toEqual(expect.arrayContaining(['city', 'rent_minimum_in_cents', 'pets.0']));
  });
});

describe('the connector refuses before calling Propexo', () => {
  it('a create without integration_id (none in the body or the connection)', async () => {
    const connector = connectTo(sim, { integrationId: '' });
    const before = sim.calls.count();
    const error = await connector.create({ first_name: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderValidationError);
    expect((error as ProviderValidationError).fields).toEqual(['integration_id']);
    expect(sim.calls.count()).toBe(before);
  });

  it('an update without lease_id (none in the body or the connection)', async () => {
    const before = sim.calls.count();
    const error = await connectTo(sim).update(prospectId, { first_name: 'x' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderValidationError);
    expect((error as ProviderValidationError).fields).toEqual(['lease_id']);
    expect((error as Error).message).toMatch(/lease_id/);
    expect(sim.calls.count()).toBe(before);
  });

  it('a create whose lease term only the update allows', async () => {
    const before = sim.calls.count();
    const error = await connectTo(sim).create({ lease_term_in_months: 24 }).catch((e: unknown) => e);
    expect((error as ProviderValidationError).fields).toEqual(['lease_term_in_months']);
    expect(sim.calls.count()).toBe(before);
  });
});
