import got from 'got';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrataConnector, TrataProspect, TrataProspectList } from '../../../src/providers/trata/index.ts';
import { ProviderUnavailableError } from '../../../src/providers/errors.ts';
import { startTrataSimulator, type TrataSimulator } from '../../../src/simulators/trata/server.ts';

// The request bodies of the seed documents (000: PUT, 001: POST), verbatim.
const SEED_CREATE = {
  name: 'John Doe',
  email: 'john.doe@example.com',
  phoneNumber: '1234567890',
  externalReference: [{ providerName: 'Google Analytics', id: 'GA-123456', providerProps: 'abcdefg' }],
  status: 'NEW',
  prospectProps: 'software',
};
const SEED_UPDATE = { ...SEED_CREATE, email: 'john.doe@example.com' };
// The seed's example answer (001), verbatim.
const SEED_ANSWER = {
  id: 'pro.1731301754.OZSMSU1S',
  orgId: 'org.1726902940.GZChqlpU',
  name: 'Hari',
  phoneNumber: '96260-12778',
  externalReference: [],
  status: 'SERVICE_ORDER_PLACED',
  prospectProps: {},
  createdBy: 'trata-system',
  createdAt: '2024-11-11T05:09:14.979287',
  updatedBy: 'trata-system',
  updatedAt: '2024-11-11T05:09:14.979289',
};

let sim: TrataSimulator;
const http = () => got.extend({ prefixUrl: sim.url, headers: { authorization: `Bearer ${sim.token}` }, responseType: 'json', throwHttpErrors: false });
beforeAll(async () => {
  sim = await startTrataSimulator();
});
afterAll(() => sim.close());

describe('Trata contract: the seed documents against the simulator', () => {
  it('the seed answer parses with the connector schema, its zone-less timestamps read as UTC', () => {
    const parsed = TrataProspect.parse(SEED_ANSWER);
    expect(parsed.createdAt).toBe('2024-11-11T05:09:14.979287Z');
    expect(Date.parse(parsed.createdAt!)).toBe(Date.UTC(2024, 10, 11, 5, 9, 14, 979));
  });

  it('POST /v1/prospects with the seed body answers a prospect the connector schema accepts', async () => {
    const created = await http().post('v1/prospects', { json: SEED_CREATE });
    expect(created.statusCode).toBe(200);
    const prospect = TrataProspect.parse(created.body);
    expect(prospect).toMatchObject({ name: 'John Doe', status: 'NEW', prospectProps: {}, externalReference: SEED_CREATE.externalReference });
    expect(prospect.id).toMatch(/^pro\.\d+\.[A-Z0-9]{8}$/);

    const updated = await http().put(`v1/prospects/${prospect.id}`, { json: { ...SEED_UPDATE, status: 'GENERAL_ENQUIRY' } });
    expect(updated.statusCode).toBe(200);
    expect(TrataProspect.parse(updated.body).status).toBe('GENERAL_ENQUIRY');

    const list = await http().get('v1/prospects', { searchParams: { limit: 10 } });
    expect(TrataProspectList.parse(list.body)).toHaveLength(1);
  });

  it('answers FastAPI-shaped 422s for bad queries and bodies', async () => {
    const bad = await http().get('v1/prospects', { searchParams: { sort_order: 'sideways' } });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toEqual({ detail: [expect.objectContaining({ loc: ['query', 'sort_order'], type: 'enum' })] });
    const missing = await http().post('v1/prospects', { json: { name: 'x' } });
    expect(missing.body).toEqual({ detail: [{ loc: ['body', 'status'], msg: 'Field required', type: 'missing' }] });
  });
});

describe('Trata connector under injected transport faults', () => {
  const connector = () => new TrataConnector({ name: 'trata', provider: 'trata', baseUrl: sim.url, token: sim.token, timeoutMs: 300, options: {} });

  it('a hung connection times out as a retryable error whose create outcome is unknown', async () => {
    sim.faults.set({ hangRate: 1 });
    const error = (await connector().create({ status: 'NEW' }).catch((e: unknown) => e)) as ProviderUnavailableError;
    sim.faults.reset();
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error.retryable).toBe(true);
    expect(error.outcomeUnknown).toBe(true);
  });

  it('a connection reset mid-response is a retryable error whose create outcome is unknown', async () => {
    sim.faults.set({ resetRate: 1 });
    const error = (await connector().create({ status: 'NEW' }).catch((e: unknown) => e)) as ProviderUnavailableError;
    sim.faults.reset();
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(error.message).toMatch(/^trata POST \/v1\/prospects failed: (E[A-Z]+|UND_ERR_SOCKET)$/);
    expect(error.outcomeUnknown).toBe(true);
  });

  it('a reset after the write happened leaves the record created: exactly the case the create intent guards', async () => {
    sim.faults.set({ resetAfterProcessingRate: 1 });
    const before = sim.store.size;
    const error = await connector().create({ status: 'NEW', name: 'Lost Answer' }).catch((e: unknown) => e);
    sim.faults.reset();
    expect(error).toBeInstanceOf(ProviderUnavailableError);
    expect(sim.store.size).toBe(before + 1);
  });
});
