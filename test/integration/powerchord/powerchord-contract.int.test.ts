import got from 'got';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PowerChordConnector, PowerChordLead, PowerChordLeadCreated, PowerChordLoginAnswer, PowerChordOAuthClient, jwtExpiresAt } from '../../../src/providers/powerchord/index.ts';
import { startPowerChordSimulator, type PowerChordSimulator } from '../../../src/simulators/powerchord/server.ts';
import { powerChordConnection } from '../../helpers/powerchord.ts';

// Seed 004 ("Updating a Lead"), verbatim: the three request bodies and the example answer.
const SEED_STATUS_UPDATE = { Status: 'contacted' };
const SEED_UPDATE = { ExternalID: 'some-id-here', Content: { name: 'Mr Test', email: 'test@testing.com' } };
const SEED_CURL_UPDATE = { Status: 'open', ExternalID: 'some-id-here', Content: { name: 'Mr Test', email: 'test@testing.com' } };
const SEED_ANSWER = {
  ID: 'e8af54d2-3dcc-4443-8cb7-2ad0520b4d7b',
  ReadOnly: false,
  CreatedAt: '2024-05-07T12:05:09.05647Z',
  UpdatedAt: '2024-05-21T13:33:37.245006Z',
  OwnerID: '00000000-641c-58ae-64a9-3200016dde67',
  Content: { email: 'qatesting@pc.com', message: 'QA Testing message: à, è, ì, ò, ù - À, È, Ì, Ò, Ù', name: 'John Smith', phone: '8675309', postalCode: '90210' },
  Impressions: 0,
  IsTestLead: false,
  Location: { Name: '', Address: '' },
  RequestMeta: {
    ContentType: 'application/json',
    Host: 'leads.powerchord.com',
    IP: '10.230.15.220',
    Locale: 'fr',
    URL: 'https://leads.powerchord.com/v1/64120b6902845f00018eb802',
    UserAgent: 'PostmanRuntime/7.38.0',
  },
  Source: 'lead-collector',
  Status: 'contacted',
  Stage: 'lead',
  TypeKey: 'contact-us',
  TypeLabel: 'contact-us',
  Views: 0,
  ExternalID: '',
  DisplayName: 'John Smith',
};

// "Creating a lead for a specific organization", example request, verbatim but for the placeholder.
const DOC_CREATE = {
  organizationID: 'org-1',
  content: { name: 'John Smith', email: 'john.smith@aol.com', phone: '(555) 867-5309', postalCode: '90210' },
  typeKey: 'getintouch-example',
  typeLabel: 'Get in touch',
};

/** The keys of an object and of the objects inside it, as `a`, `a.b`: the shape an answer must have. */
function shape(value: unknown, prefix = ''): string[] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return [];
  return Object.entries(value).flatMap(([key, inner]) => (key === 'Content' ? [`${prefix}${key}`] : [`${prefix}${key}`, ...shape(inner, `${prefix}${key}.`)]));
}

let sim: PowerChordSimulator;
const api = (region: 'us' | 'eu' = 'us', token: string | null = sim.token) =>
  got.extend({ prefixUrl: sim.regions[region].api.url, headers: token ? { authorization: `Bearer ${token}` } : {}, responseType: 'json', throwHttpErrors: false });
const leads = (region: 'us' | 'eu' = 'us', token: string | null = sim.token) =>
  got.extend({ prefixUrl: sim.regions[region].leads.url, headers: token ? { authorization: `Bearer ${token}` } : {}, responseType: 'json', throwHttpErrors: false });

beforeAll(async () => {
  sim = await startPowerChordSimulator();
});
afterAll(() => sim.close());
beforeEach(() => sim.calls.reset());

describe('PowerChord contract: the documented examples against the simulator', () => {
  it('the seed answer parses with the connector schema', () => {
    expect(PowerChordLead.parse(SEED_ANSWER)).toMatchObject({ ID: SEED_ANSWER.ID, Status: 'contacted', Content: SEED_ANSWER.Content });
  });

  it('creates the documented example on the leads host (201 {leadID, assignedOrganizationID}), then takes each seed PATCH body on the API host', async () => {
    const created = await leads().post(`v1/${sim.trunkId}`, { json: DOC_CREATE });
    expect(created.statusCode).toBe(201);
    const { leadID, assignedOrganizationID } = PowerChordLeadCreated.parse(created.body);
    expect(assignedOrganizationID).toBe('org-1');
    expect(sim.store.get(leadID)).toMatchObject({ Status: 'open', TypeKey: 'getintouch-example', TypeLabel: 'Get in touch' }); // status "Defaults to open"

    for (const body of [SEED_STATUS_UPDATE, SEED_UPDATE, SEED_CURL_UPDATE]) {
      const answer = await api().patch(`v3/lead/${leadID}`, { json: body });
      expect(answer.statusCode).toBe(200);
      PowerChordLead.parse(answer.body);
      // Every field of the documented answer, and no other.
      expect(shape(answer.body).sort()).toEqual(shape(SEED_ANSWER).sort());
    }
    expect(sim.store.get(leadID)).toMatchObject({
      Status: 'open',
      ExternalID: 'some-id-here',
      Content: { name: 'Mr Test', phone: '(555) 867-5309', email: 'test@testing.com', postalCode: '90210' },
      DisplayName: 'Mr Test',
    });
  });

  it('refuses a create without typeKey or typeLabel ("Required."), naming the field', async () => {
    for (const missing of ['typeKey', 'typeLabel'] as const) {
      const { [missing]: _dropped, ...body } = DOC_CREATE;
      const answer = await leads().post(`v1/${sim.trunkId}`, { json: body });
      expect(answer.statusCode).toBe(400);
      expect(answer.body).toMatchObject({ error: 'bad_request', fields: [missing], message: `${missing}: ${missing} is required` });
    }
  });

  it('answers a create with bad auth 403 Not Authorized', async () => {
    for (const token of ['not-a-token', null]) {
      const answer = await leads('us', token).post(`v1/${sim.trunkId}`, { json: DOC_CREATE, responseType: 'text' });
      expect(answer.statusCode).toBe(403);
      expect(answer.body).toBe('Not Authorized');
    }
  });

  it('refuses fields that cannot be updated, and a create with no organization', async () => {
    const created = PowerChordLeadCreated.parse((await leads().post(`v1/${sim.trunkId}`, { json: DOC_CREATE })).body);
    const refused = await api().patch(`v3/lead/${created.leadID}`, { json: { Stage: 'won' } });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toMatchObject({ error: 'bad_request', message: expect.stringContaining('Stage') });
    const { organizationID: _org, ...orphan } = DOC_CREATE;
    const answer = await leads().post(`v1/${sim.trunkId}`, { json: orphan });
    expect(answer.statusCode).toBe(400);
    expect(answer.body).toMatchObject({ fields: ['organizationID'] });
  });

  it('serves each host its own routes: a create sent to the API host, or an update to the leads host, is 404', async () => {
    expect((await api().post(`v1/${sim.trunkId}`, { json: DOC_CREATE })).statusCode).toBe(404);
    expect((await leads().patch('v3/lead/x', { json: SEED_STATUS_UPDATE })).statusCode).toBe(404);
  });
});

describe('PowerChord contract: the Authentication page against the simulator', () => {
  it('login {email, password} answers {Token}, a JWT that expires; with it, POST /v3/oauth2/client makes an OAuth client', async () => {
    const login = await api('us', null).post('v3/oauth2/login', { json: { email: sim.serviceAccount.email, password: sim.serviceAccount.password } });
    expect(login.statusCode).toBe(200);
    const { Token } = PowerChordLoginAnswer.parse(login.body);
    expect(Token.split('.')).toHaveLength(3);
    expect(jwtExpiresAt(Token)).toBeGreaterThan(Date.now());

    const client = await api('us', Token).post('v3/oauth2/client');
    expect(client.statusCode).toBe(200);
    PowerChordOAuthClient.parse(client.body);
    // The page's example curl sends no body; the simulator needs none. Without the login token, no client.
    expect((await api('us', null).post('v3/oauth2/client')).statusCode).toBe(401);
    // The temporary JWT works on the lead API (*assumed*).
    expect((await leads('us', Token).post(`v1/${sim.trunkId}`, { json: DOC_CREATE })).statusCode).toBe(201);
  });

  it('each region has its own OAuth service: an EU login works at the EU endpoint, and a US token is refused there', async () => {
    const us = PowerChordLoginAnswer.parse((await api('us', null).post('v3/oauth2/login', { json: sim.serviceAccount })).body);
    const eu = await api('eu', null).post('v3/oauth2/login', { json: sim.serviceAccount });
    expect(eu.statusCode).toBe(200);
    expect((await leads('eu', us.Token).post(`v1/${sim.trunkId}`, { json: DOC_CREATE })).statusCode).toBe(403);
    expect((await leads('eu', PowerChordLoginAnswer.parse(eu.body).Token).post(`v1/${sim.trunkId}`, { json: DOC_CREATE })).statusCode).toBe(201);
  });

  it('a wrong password gets no token', async () => {
    const answer = await api('us', null).post('v3/oauth2/login', { json: { email: sim.serviceAccount.email, password: 'nope' } });
    expect(answer.statusCode).toBe(401);
    expect(JSON.stringify(answer.body)).not.toContain('Token');
  });
});

describe('PowerChord contract: the documented examples through the connector', () => {
  it('logs in as documented, creates the documented lead, and sends the seed updates', async () => {
    sim.store.clear();
    const connector = new PowerChordConnector({
      ...powerChordConnection(sim, { auth: 'login' }),
      options: { ...powerChordConnection(sim, { auth: 'login' }).options, typeKey: DOC_CREATE.typeKey, typeLabel: DOC_CREATE.typeLabel },
    });
    const { targetId } = await connector.create({ Content: DOC_CREATE.content });
    expect(sim.store.get(targetId!)).toMatchObject({ OwnerID: 'org-sim', Content: DOC_CREATE.content, TypeKey: 'getintouch-example', TypeLabel: 'Get in touch', Status: 'open' });
    for (const body of [SEED_STATUS_UPDATE, SEED_UPDATE, SEED_CURL_UPDATE]) await connector.update(targetId!, body);
    expect(sim.store.get(targetId!)).toMatchObject({ Status: 'open', ExternalID: 'some-id-here', Content: { ...DOC_CREATE.content, ...SEED_UPDATE.Content } });
    expect(sim.regions.us.api.calls.all()).toEqual({ 'POST /v3/oauth2/login': 1, 'PATCH /v3/lead/:leadID': 3 });
  });
});
