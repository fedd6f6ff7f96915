import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TrataConnector } from '../../../src/providers/trata/index.ts';
import { startTrataSimulator, type TrataSimulator } from '../../../src/simulators/trata/server.ts';

// Trata's PUT replaces the prospect (the simulator clears what a PUT leaves out), so an update reads the prospect,
// merges our mapped fields in and writes the whole: what other systems wrote there survives.

let sim: TrataSimulator;
let connector: TrataConnector;

beforeAll(async () => {
  sim = await startTrataSimulator();
  connector = new TrataConnector({ name: 'trata', provider: 'trata', baseUrl: sim.url, token: sim.token, timeoutMs: 2_000, options: {} });
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.store.clear();
  sim.calls.reset();
});

describe('Trata update: read, merge, write', () => {
  it('keeps the references and props someone else wrote, and merges ours by providerName + id and key by key', async () => {
    const prospect = sim.store.create({
      status: 'NEW',
      name: 'Ann Lee',
      email: 'ann@example.com',
      phoneNumber: '+14155550100',
      externalReference: [
        { providerName: 'hubspot', id: 'H-1', providerProps: { owner: 'sam' } },
        { providerName: 'overplane', id: 'prospect_1', providerProps: { region: 'eu' } },
      ],
      prospectProps: { score: 7, company: 'Old Co' },
    });

    // What the overplane-to-trata mapping sends: no email, one reference, some props.
    await connector.update(prospect.id, {
      status: 'GENERAL_ENQUIRY',
      name: 'Ann Lee-Smith',
      externalReference: [{ providerName: 'overplane', id: 'prospect_1', providerProps: { synced: true } }, { providerName: 'overplane', id: 'prospect_2' }],
      prospectProps: { company: 'Acme', industry: 'Tools' },
    });

    const stored = sim.store.get(prospect.id)!;
    expect(stored).toMatchObject({ status: 'GENERAL_ENQUIRY', name: 'Ann Lee-Smith', email: 'ann@example.com', phoneNumber: '+14155550100' });
    expect(stored.externalReference).toEqual([
      { providerName: 'hubspot', id: 'H-1', providerProps: { owner: 'sam' } },
      { providerName: 'overplane', id: 'prospect_1', providerProps: { region: 'eu', synced: true } },
      { providerName: 'overplane', id: 'prospect_2' },
    ]);
    expect(stored.prospectProps).toEqual({ score: 7, company: 'Acme', industry: 'Tools' });
    expect(sim.calls.count('GET /v1/prospects/:prospect_id')).toBe(1);
    expect(sim.calls.count('PUT /v1/prospects/:prospect_id')).toBe(1);
  });

  it('a second identical update changes nothing of what others wrote', async () => {
    const prospect = sim.store.create({ status: 'NEW', externalReference: [{ providerName: 'hubspot', id: 'H-1' }], prospectProps: { score: 1 } });
    const body = { status: 'NEW', externalReference: [{ providerName: 'overplane', id: 'p' }], prospectProps: { company: 'A' } };
    await connector.update(prospect.id, body);
    await connector.update(prospect.id, body);
    const stored = sim.store.get(prospect.id)!;
    expect(stored.externalReference).toEqual([{ providerName: 'hubspot', id: 'H-1' }, { providerName: 'overplane', id: 'p' }]);
    expect(stored.prospectProps).toEqual({ score: 1, company: 'A' });
  });

  it('an update of a prospect deleted meanwhile is a not-found error, with no PUT sent', async () => {
    const error = await connector.update('pro.1.MISSING0', { status: 'NEW' }).catch((e: unknown) => e);
    expect((error as Error).name).toBe('ProviderNotFoundError');
    expect(sim.calls.count('PUT /v1/prospects/:prospect_id')).toBe(0);
  });
});
