import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { PartialCreateError, ProviderAuthError, ProviderNotFoundError, ProviderValidationError } from '../../../src/providers/errors.ts';
import { PowerChordConnector } from '../../../src/providers/powerchord/index.ts';
import { startPowerChordSimulator, type PowerChordSimulator } from '../../../src/simulators/powerchord/server.ts';

let us: PowerChordSimulator;
let eu: PowerChordSimulator;

function connect(sim: PowerChordSimulator, region: 'us' | 'eu', token = sim.token) {
  return new PowerChordConnector({
    name: `powerchord-${region}`,
    provider: 'powerchord',
    baseUrl: sim.url,
    token,
    timeoutMs: 2_000,
    options: { region, trunkId: sim.trunkId, organizationId: 'org-1', leadsBaseUrl: sim.url },
  });
}

beforeAll(async () => {
  us = await startPowerChordSimulator({ region: 'us' });
  eu = await startPowerChordSimulator({ region: 'eu' });
});
afterAll(async () => {
  await us.close();
  await eu.close();
});
beforeEach(() => {
  for (const sim of [us, eu]) {
    sim.store.clear();
    sim.calls.reset();
    sim.faults.reset();
  }
});

describe('PowerChord connector against the simulator', () => {
  it('creates on the leads host with a lower-case body, then sets ExternalID with a capitalised PATCH', async () => {
    const result = await connect(us, 'us').create({ Status: 'contacted', ExternalID: 'pro.1.ABC', Content: { name: 'Mr Test', email: 'test@testing.com' } });
    expect(result.kind).toBe('done');
    const lead = us.store.get(result.targetId!)!;
    expect(lead).toMatchObject({ Status: 'contacted', ExternalID: 'pro.1.ABC', Content: { name: 'Mr Test', email: 'test@testing.com' }, DisplayName: 'Mr Test' });
    expect(us.calls.all()).toEqual({ 'POST /v1/:trunkID': 1, 'PATCH /v3/lead/:leadID': 1 });
  });

  it('merges Content key by key on update', async () => {
    const connector = connect(us, 'us');
    const targetId = (await connector.create({ Content: { name: 'John Smith', phone: '8675309' } })).targetId!;
    await connector.update(targetId, { Status: 'inProgress', Content: { email: 'qatesting@pc.com', phone: '5550100' } });
    expect(us.store.get(targetId)).toMatchObject({
      Status: 'inProgress',
      Content: { name: 'John Smith', phone: '5550100', email: 'qatesting@pc.com' },
    });
  });

  it('keeps regions apart: an EU connection writes only to the EU instance', async () => {
    await connect(eu, 'eu').create({ Content: { name: 'EU Lead' } });
    expect(eu.store.size).toBe(1);
    expect(us.store.size).toBe(0);
  });

  it('rejects a status outside the documented keys, naming the field', async () => {
    const connector = connect(us, 'us');
    const targetId = (await connector.create({ Content: {} })).targetId!;
    const error = await connector.client.updateLead(targetId, { Status: 'won' as never }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderValidationError);
    expect((error as ProviderValidationError).fields).toEqual(['Status']);
  });

  it('answers 404 for an unknown lead and 401 for a bad token', async () => {
    await expect(connect(us, 'us').update('00000000-0000-0000-0000-000000000000', { Status: 'open' })).rejects.toBeInstanceOf(ProviderNotFoundError);
    await expect(connect(us, 'us', 'bad').create({ Content: {} })).rejects.toBeInstanceOf(ProviderAuthError);
  });

  it('reports a create whose follow-up PATCH failed with the new lead id, so a retry does not create again', async () => {
    us.faults.set({ errorRate: 1, errorStatuses: [503], routes: ['PATCH /v3/lead/:leadID'] });
    const error = (await connect(us, 'us').create({ ExternalID: 'x', Content: {} }).catch((e: unknown) => e)) as PartialCreateError;
    expect(error).toBeInstanceOf(PartialCreateError);
    expect(us.store.get(error.targetId)).toBeDefined();
    expect(error.retryable).toBe(true);
  });
});
