import got from 'got';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PartialCreateError, ProviderAuthError, ProviderNotFoundError, ProviderValidationError } from '../../../src/providers/errors.ts';
import { PowerChordConnector, RenewingToken } from '../../../src/providers/powerchord/index.ts';
import type { ConnectionConfig } from '../../../src/providers/types.ts';
import { startPowerChordSimulator, type PowerChordSimulator } from '../../../src/simulators/powerchord/server.ts';
import { powerChordConnection, type PowerChordConnectionOptions } from '../../helpers/powerchord.ts';

let sim: PowerChordSimulator;

const connect = (options: PowerChordConnectionOptions = {}, patch: Partial<ConnectionConfig> = {}) =>
  new PowerChordConnector({ ...powerChordConnection(sim, { timeoutMs: 2_000, ...options }), ...patch });
const logins = (region: 'us' | 'eu' = 'us') => sim.regions[region].api.calls.count('POST /v3/oauth2/login');

beforeAll(async () => {
  sim = await startPowerChordSimulator();
});
afterAll(() => sim.close());
beforeEach(() => {
  for (const region of ['us', 'eu'] as const) {
    sim.regions[region].store.clear();
    sim.regions[region].auth.tokenLifetimeMs = 3_600_000;
  }
  sim.calls.reset();
  sim.faults.reset();
});

describe('PowerChord connector against the simulator', () => {
  it('creates on the leads host with a lower-case body, then sets ExternalID with a capitalised PATCH on the API host', async () => {
    const result = await connect().create({ Status: 'contacted', ExternalID: 'pro.1.ABC', Content: { name: 'Mr Test', email: 'test@testing.com' } });
    expect(result.kind).toBe('done');
    const lead = sim.store.get(result.targetId!)!;
    expect(lead).toMatchObject({ Status: 'contacted', ExternalID: 'pro.1.ABC', Content: { name: 'Mr Test', email: 'test@testing.com' }, DisplayName: 'Mr Test', TypeKey: 'contact-us', TypeLabel: 'Contact Us' });
    expect(sim.regions.us.leads.calls.all()).toEqual({ 'POST /v1/:trunkID': 1 });
    expect(sim.regions.us.api.calls.all()).toEqual({ 'PATCH /v3/lead/:leadID': 1 });
  });

  it('merges Content key by key on update', async () => {
    const connector = connect();
    const targetId = (await connector.create({ Content: { name: 'John Smith', phone: '8675309' } })).targetId!;
    await connector.update(targetId, { Status: 'inProgress', Content: { email: 'qatesting@pc.com', phone: '5550100' } });
    expect(sim.store.get(targetId)).toMatchObject({ Status: 'inProgress', Content: { name: 'John Smith', phone: '5550100', email: 'qatesting@pc.com' } });
  });

  it('keeps regions apart: an EU connection (logging in, creating, updating) touches only the EU hosts', async () => {
    const connector = connect({ region: 'eu', auth: 'login' });
    const { targetId } = await connector.create({ ExternalID: 'eu-1', Content: { name: 'EU Lead' } });
    await connector.update(targetId!, { Status: 'contacted' });
    expect(sim.regions.eu.store.size).toBe(1);
    expect(sim.regions.us.store.size).toBe(0);
    expect(sim.callsByHost()).toEqual({ 'us-api': 0, 'us-leads': 0, 'eu-api': 3, 'eu-leads': 1 });
  });

  it('rejects a status outside the documented keys, naming the field', async () => {
    const connector = connect();
    const targetId = (await connector.create({ Content: {} })).targetId!;
    const error = await connector.client.updateLead(targetId, { Status: 'won' as never }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderValidationError);
    expect((error as ProviderValidationError).fields).toEqual(['Status']);
  });

  it('answers 404 for an unknown lead; a bad static token is an auth error (403 Not Authorized on create, 401 on update), never echoing the token', async () => {
    await expect(connect().update('00000000-0000-0000-0000-000000000000', { Status: 'open' })).rejects.toBeInstanceOf(ProviderNotFoundError);
    const created = (await connect({}, { token: 'bad-s3cret' }).create({ Content: {} }).catch((e: unknown) => e)) as ProviderAuthError;
    expect(created).toBeInstanceOf(ProviderAuthError);
    expect(created.status).toBe(403);
    expect(created.message).toBe('powerchord POST /v1/trunk-sim answered 403: Not Authorized');
    const updated = (await connect({}, { token: 'bad-s3cret' }).update('x', { Status: 'open' }).catch((e: unknown) => e)) as ProviderAuthError;
    expect(updated).toBeInstanceOf(ProviderAuthError);
    expect(updated.status).toBe(401);
    for (const error of [created, updated]) expect(JSON.stringify({ ...error, message: error.message, stack: error.stack })).not.toContain('s3cret');
    expect(sim.store.size).toBe(0);
  });

  it('reports a create whose follow-up PATCH failed with the new lead id, so a retry does not create again', async () => {
    sim.faults.set({ errorRate: 1, errorStatuses: [503], routes: ['PATCH /v3/lead/:leadID'] });
    const error = (await connect().create({ ExternalID: 'x', Content: {} }).catch((e: unknown) => e)) as PartialCreateError;
    expect(error).toBeInstanceOf(PartialCreateError);
    expect(sim.store.get(error.targetId)).toBeDefined();
    expect(error.retryable).toBe(true);
  });

  it('sends the connection typeKey and typeLabel on every create; a create without them is refused before it is sent', async () => {
    const connector = connect({}, { options: { ...powerChordConnection(sim).options, typeKey: 'getintouch-example', typeLabel: 'Get in touch' } });
    const { targetId } = await connector.create({ Content: { name: 'John Smith' } });
    expect(sim.store.get(targetId!)).toMatchObject({ TypeKey: 'getintouch-example', TypeLabel: 'Get in touch' });
    await expect(connector.client.createLead(sim.trunkId, { organizationID: 'org-1', content: {} } as never)).rejects.toThrow(/typeKey/);
    expect(sim.regions.us.leads.calls.count()).toBe(1);
  });
});

describe('PowerChord authentication (service account login, OAuth client)', () => {
  it('logs in once for many concurrent calls, and every call carries the issued token', async () => {
    const connector = connect({ auth: 'login' });
    await Promise.all(Array.from({ length: 20 }, (_, i) => connector.create({ Content: { name: `Lead ${i}` } })));
    expect(sim.store.size).toBe(20);
    expect(logins()).toBe(1);
    expect(sim.calls.status(401) + sim.calls.status(403)).toBe(0);
  });

  it('renews a token before it expires: a second call after the lifetime logs in again without being refused', async () => {
    sim.regions.us.auth.tokenLifetimeMs = 400;
    const connector = connect({ auth: 'login' });
    await connector.create({ Content: { name: 'first' } });
    await new Promise((resolve) => setTimeout(resolve, 450));
    await connector.create({ Content: { name: 'second' } });
    expect(logins()).toBe(2);
    expect(sim.calls.status(401) + sim.calls.status(403)).toBe(0);
    expect((connector.tokens as RenewingToken).fetches).toBe(2);
  });

  it('a refused token (revoked) is renewed once, by one login for all the calls it failed, and the calls succeed', async () => {
    const connector = connect({ auth: 'login' });
    const { targetId } = await connector.create({ Content: { name: 'before' } });
    sim.regions.us.auth.revokeAll();
    await Promise.all([
      ...Array.from({ length: 8 }, (_, i) => connector.create({ Content: { name: `after ${i}` } })),
      connector.update(targetId!, { Status: 'onHold' }),
    ]);
    expect(sim.store.size).toBe(9);
    expect(sim.store.get(targetId!)?.Status).toBe('onHold');
    expect(logins()).toBe(2);
    // The leads host refused with 403, the API host with 401: both renewed.
    expect(sim.calls.status(403)).toBeGreaterThan(0);
    expect(sim.calls.status(401)).toBe(1);
  });

  it('a wrong password is an auth error that names neither the password nor the email', async () => {
    const connector = connect({}, { options: { ...powerChordConnection(sim, { auth: 'login' }).options, password: 'wrong-s3cret' } });
    const error = (await connector.create({ Content: {} }).catch((e: unknown) => e)) as ProviderAuthError;
    expect(error).toBeInstanceOf(ProviderAuthError);
    expect(error.retryable).toBe(false);
    expect(error.message).toBe("powerchord POST /v3/oauth2/login answered 401: the service account's email or password was refused");
    expect(JSON.stringify({ ...error, stack: error.stack })).not.toMatch(/s3cret|service-account@/);
    expect(sim.regions.us.leads.calls.count()).toBe(0);
  });

  it('an OAuth client (made by the documented login + POST /v3/oauth2/client) gets its tokens by the client-credentials grant', async () => {
    const api = got.extend({ prefixUrl: sim.regions.us.api.url, responseType: 'json' });
    const { Token } = (await api.post('v3/oauth2/login', { json: sim.serviceAccount }).json()) as { Token: string };
    const client = (await api.post('v3/oauth2/client', { headers: { authorization: `Bearer ${Token}` } }).json()) as { ClientID: string; ClientSecret: string };
    sim.calls.reset();
    sim.regions.us.auth.tokenLifetimeMs = 300;
    const connector = connect({ auth: { clientId: client.ClientID, clientSecret: client.ClientSecret } });
    await connector.create({ Content: { name: 'one' } });
    await new Promise((resolve) => setTimeout(resolve, 350));
    await connector.create({ Content: { name: 'two' } });
    expect(sim.regions.us.api.calls.all()).toEqual({ 'POST /v3/oauth2/token': 2 });
    expect(sim.store.size).toBe(2);
  });
});
