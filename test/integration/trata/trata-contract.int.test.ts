import got from 'got';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderUnavailableError } from '../../../src/providers/errors.ts';
import { TRATA_STATUSES, TrataConnector, TrataListQuery, TrataProspect, TrataProspectInput, TrataProspectList } from '../../../src/providers/trata/index.ts';
import { startTrataSimulator, type TrataSimulator } from '../../../src/simulators/trata/server.ts';
import { TRATA_SIM_STATUSES } from '../../../src/simulators/trata/validate.ts';
import { keysOf, SDK_LIST_PARAMS, SDK_PROSPECT_STATUS, SDK_SORT_ORDER, SdkProspectInput, SdkProspectOutput } from './sdk-types.ts';

// The request bodies of the seed documents (001: POST, 000: PUT), verbatim except the email, which the seed page
// shows obfuscated ("[email protected]") in 000.
const SEED_CREATE = {
  name: 'John Doe',
  email: 'john.doe@example.com',
  phoneNumber: '1234567890',
  externalReference: [{ providerName: 'Google Analytics', id: 'GA-123456', providerProps: 'abcdefg' }],
  status: 'NEW',
  prospectProps: 'software',
};
const SEED_UPDATE = { ...SEED_CREATE };
// The seeds' example answers, verbatim: 001's (a real record) and 000's (the schema's placeholders).
const SEED_CREATE_ANSWER = {
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
const SEED_UPDATE_ANSWER = {
  id: '<string>',
  externalReference: [{ providerName: 'Google Analytics', id: 'GA-123456', providerProps: 'abcdefg' }],
  status: '<string>',
  prospectProps: {},
  orgId: '<string>',
  name: '<string>',
  email: '<string>',
  phoneNumber: '<string>',
  createdBy: '<string>',
  createdAt: '2023-11-07T05:31:56Z',
  updatedBy: '<string>',
  updatedAt: '2023-11-07T05:31:56Z',
};

let sim: TrataSimulator;
const http = () => got.extend({ prefixUrl: sim.url, headers: { authorization: `Bearer ${sim.token}` }, responseType: 'json', throwHttpErrors: false });
const connect = (timeoutMs = 2_000) => new TrataConnector({ name: 'trata', provider: 'trata', baseUrl: sim.url, token: sim.token, timeoutMs, options: {} });
beforeAll(async () => {
  sim = await startTrataSimulator();
});
afterAll(() => sim.close());
beforeEach(() => sim.store.clear());

describe('Trata contract: the seed documents', () => {
  it('both example answers parse with the connector schema; zone-less timestamps read as UTC', () => {
    const created = TrataProspect.parse(SEED_CREATE_ANSWER);
    expect(created.createdAt).toBe('2024-11-11T05:09:14.979287Z');
    expect(Date.parse(created.createdAt!)).toBe(Date.UTC(2024, 10, 11, 5, 9, 14, 979));
    expect(TrataProspect.parse(SEED_UPDATE_ANSWER).externalReference).toEqual(SEED_UPDATE_ANSWER.externalReference);
    expect(SdkProspectOutput.safeParse(SEED_CREATE_ANSWER).success).toBe(true);
  });

  it('POST with seed 001\'s body and PUT with seed 000\'s answer as the seeds show: reference echoed, props {}', async () => {
    const created = await http().post('v1/prospects', { json: SEED_CREATE });
    expect(created.statusCode).toBe(200);
    const prospect = TrataProspect.parse(created.body);
    expect(prospect).toMatchObject({ name: 'John Doe', status: 'NEW', prospectProps: {}, externalReference: SEED_CREATE.externalReference });
    expect(prospect.id).toMatch(/^pro\.\d+\.[A-Z0-9]{8}$/);
    expect(Object.keys(created.body as object).sort()).toEqual(Object.keys(SEED_CREATE_ANSWER).concat('email').sort());

    const updated = await http().put(`v1/prospects/${prospect.id}`, { json: { ...SEED_UPDATE, status: 'GENERAL_ENQUIRY' } });
    expect(updated.statusCode).toBe(200);
    expect(Object.keys(updated.body as object).sort()).toEqual(Object.keys(SEED_UPDATE_ANSWER).sort());
    expect(updated.body).toMatchObject({ externalReference: SEED_UPDATE_ANSWER.externalReference, prospectProps: {}, status: 'GENERAL_ENQUIRY' });

    const list = await http().get('v1/prospects', { searchParams: { limit: 10 } });
    expect(TrataProspectList.parse(list.body)).toHaveLength(1);
  });

  it('the seed bodies go through the connector (prospectProps as the documented object) and come back readable', async () => {
    const connector = connect();
    const body = { ...SEED_CREATE, externalReference: [{ providerName: 'Google Analytics', id: 'GA-123456', providerProps: { code: 'abcdefg' } }], prospectProps: { segment: 'software' } };
    const { targetId } = await connector.create(TrataProspectInput.parse(body));
    await connector.update(targetId, { ...body, status: 'SCHEDULED_CALLBACK_WITH_BOT', name: 'Jane Doe' });
    const read = await connector.get(targetId);
    expect(read?.data).toMatchObject({ name: 'Jane Doe', status: 'SCHEDULED_CALLBACK_WITH_BOT', prospectProps: { segment: 'software' } });
    expect(SdkProspectOutput.safeParse((await http().get(`v1/prospects/${targetId}`)).body).success).toBe(true);
  });

  it('answers FastAPI-shaped 422s for bad queries and bodies', async () => {
    const bad = await http().get('v1/prospects', { searchParams: { sort_order: 'sideways' } });
    expect(bad.statusCode).toBe(422);
    expect(bad.body).toEqual({ detail: [expect.objectContaining({ loc: ['query', 'sort_order'], type: 'enum' })] });
    const missing = await http().post('v1/prospects', { json: { name: 'x' } });
    expect(missing.body).toEqual({ detail: [{ loc: ['body', 'status'], msg: 'Field required', type: 'missing' }] });
  });
});

describe("Trata contract: the published SDK's types (TrataHQ/ts-client-sdk api.ts)", () => {
  it('ProspectStatus is the enum of the connector and of the simulator', () => {
    expect([...TRATA_STATUSES]).toEqual([...SDK_PROSPECT_STATUS]);
    expect([...TRATA_SIM_STATUSES]).toEqual([...SDK_PROSPECT_STATUS]);
  });

  it('field names: ProspectInput is the connector write body, the list parameters are the connector query', () => {
    expect(keysOf(TrataProspectInput)).toEqual(keysOf(SdkProspectInput));
    expect(keysOf(TrataProspect)).toEqual(keysOf(SdkProspectOutput));
    expect(keysOf(TrataListQuery)).toEqual([...SDK_LIST_PARAMS].sort());
    for (const order of SDK_SORT_ORDER) expect(TrataListQuery.safeParse({ sort_order: order }).success).toBe(true);
  });

  it.each(SDK_PROSPECT_STATUS)('status %s: accepted by the connector schema and the simulator, answered as a ProspectOutput', async (status) => {
    expect(TrataProspectInput.safeParse({ status }).success).toBe(true);
    const created = await http().post('v1/prospects', { json: { status } });
    expect(created.statusCode).toBe(200);
    expect(SdkProspectOutput.parse(created.body)).toMatchObject({ status, externalReference: [], prospectProps: {} });
  });

  it('only status is required; every other ProspectInput field may be null, on POST and PUT', async () => {
    const nulls = { name: null, email: null, phoneNumber: null, externalReference: null, prospectProps: null };
    expect(TrataProspectInput.safeParse({ status: 'NEW', ...nulls }).success).toBe(true);
    expect(TrataProspectInput.safeParse({ name: 'x' }).success).toBe(false);
    const created = await http().post('v1/prospects', { json: { status: 'NEW', ...nulls } });
    expect(created.statusCode).toBe(200);
    const id = SdkProspectOutput.parse(created.body).id;
    const replaced = await http().put(`v1/prospects/${id}`, { json: { status: 'NOT_INTERESTED', ...nulls } });
    expect(SdkProspectOutput.parse(replaced.body)).toMatchObject({ status: 'NOT_INTERESTED', name: null });
    expect((await http().put(`v1/prospects/${id}`, { json: { name: 'x' } })).statusCode).toBe(422);
  });

  it('a full ProspectInput round-trips; every list, get and put answer is a ProspectOutput', async () => {
    const input = SdkProspectInput.parse({
      status: 'PRODUCT_ORDER_PLACED',
      name: 'Ada',
      email: 'ada@example.com',
      phoneNumber: '+441234',
      externalReference: [{ providerName: 'crm', id: '42', providerProps: { tier: 'gold' } }],
      prospectProps: { source: 'web' },
    });
    const created = SdkProspectOutput.parse((await http().post('v1/prospects', { json: input })).body);
    expect(created).toMatchObject(input);
    SdkProspectOutput.parse((await http().get(`v1/prospects/${created.id}`)).body);
    SdkProspectOutput.parse((await http().put(`v1/prospects/${created.id}`, { json: input })).body);
    const listed = (await http().get('v1/prospects', { searchParams: { search_by: 'email', search_value: 'ada@', sort_by: 'updatedAt', sort_order: 'desc', skip: 0, limit: 5, updated_after: '2020-01-01T00:00:00', updated_before: '2999-01-01T00:00:00Z', status: 'PRODUCT_ORDER_PLACED' } })).body;
    expect(asArray(listed).map((p) => SdkProspectOutput.parse(p).id)).toEqual([created.id]);
  });

  it('ExternalReference providerName and id are plain strings: an empty one another system wrote is read, listed and kept on update', async () => {
    // docs/ExternalReference.md: `providerName: string`, `id: string`, no length; seeds 000/001 state "Required
    // string length: 1 - 512" for name, email and phoneNumber only. So a ProspectOutput may carry `""` here.
    const theirs = { providerName: 'legacy-import', id: '' };
    expect(SdkProspectOutput.safeParse({ id: 'pro.1', externalReference: [theirs], status: 'NEW', prospectProps: {} }).success).toBe(true);
    const created = await http().post('v1/prospects', { json: { status: 'NEW', name: 'Ada', externalReference: [theirs] } });
    expect(created.statusCode).toBe(200);
    const id = SdkProspectOutput.parse(created.body).id;

    const connector = connect();
    expect((await connector.get(id))?.data).toMatchObject({ externalReference: [theirs] });
    expect((await connector.listPage(null)).records.map((r) => r.id)).toEqual([id]);
    await connector.update(id, { status: 'GENERAL_ENQUIRY', externalReference: [{ providerName: 'crm-bridge', id: 'x1' }] });
    expect(sim.store.get(id)?.externalReference).toEqual([theirs, { providerName: 'crm-bridge', id: 'x1' }]);
  });

  it('"Required string length: 1 - 512" counts characters, not UTF-16 units: 512 emoji accepted, 513 refused, by both', async () => {
    // Seeds 000/001: name, email, phoneNumber "Required string length: 1 - 512". An OpenAPI (JSON Schema) maxLength
    // counts characters (code points), as pydantic behind FastAPI's 422s does; an emoji is one character, two UTF-16
    // units. zod 4's .max() counts code points too, so the connector and the simulator agree with the docs.
    expect(TrataProspectInput.safeParse({ status: 'NEW', name: '😀'.repeat(512) }).success).toBe(true);
    expect(TrataProspectInput.safeParse({ status: 'NEW', name: '😀'.repeat(513) }).success).toBe(false);
    const ok = await http().post('v1/prospects', { json: { status: 'NEW', name: '😀'.repeat(512) } });
    expect(ok.statusCode).toBe(200);
    expect([...(SdkProspectOutput.parse(ok.body).name ?? '')]).toHaveLength(512);
    const tooLong = await http().post('v1/prospects', { json: { status: 'NEW', phoneNumber: '😀'.repeat(513) } });
    expect(tooLong.statusCode).toBe(422);
    expect(tooLong.body).toEqual({ detail: [expect.objectContaining({ loc: ['body', 'phoneNumber'], type: 'string_too_long' })] });
    expect((await http().post('v1/prospects', { json: { status: 'NEW', name: '' } })).body).toEqual({ detail: [expect.objectContaining({ loc: ['body', 'name'], type: 'string_too_short' })] });
  });

  it('a status outside ProspectStatus is refused by both', async () => {
    expect(TrataProspectInput.safeParse({ status: 'WON' }).success).toBe(false);
    expect((await http().post('v1/prospects', { json: { status: 'WON' } })).statusCode).toBe(422);
  });
});

function asArray(value: unknown): unknown[] {
  if (!Array.isArray(value)) throw new Error('expected a bare JSON array');
  return value;
}

describe('Trata connector under injected transport faults', () => {
  const connector = () => connect(300);

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
