import got from 'got';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PowerChordLead, PowerChordLeadCreated } from '../../../src/providers/powerchord/index.ts';
import { startPowerChordSimulator, type PowerChordSimulator } from '../../../src/simulators/powerchord/server.ts';

// The seed document's (004) example bodies, verbatim.
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
  Source: 'lead-collector',
  Status: 'contacted',
  Stage: 'lead',
  TypeKey: 'contact-us',
  TypeLabel: 'contact-us',
  Views: 0,
  ExternalID: '',
  DisplayName: 'John Smith',
};

let sim: PowerChordSimulator;
const http = () => got.extend({ prefixUrl: sim.url, headers: { authorization: `Bearer ${sim.token}` }, responseType: 'json', throwHttpErrors: false });
beforeAll(async () => {
  sim = await startPowerChordSimulator();
});
afterAll(() => sim.close());

describe('PowerChord contract: the seed document against the simulator', () => {
  it('the seed answer parses with the connector schema', () => {
    expect(PowerChordLead.parse(SEED_ANSWER)).toMatchObject({ ID: SEED_ANSWER.ID, Status: 'contacted', Content: SEED_ANSWER.Content });
  });

  it('creates on the leads host (201 {leadID}), then takes each seed PATCH body, merging Content', async () => {
    const created = await http().post(`v1/${sim.trunkId}`, { json: { organizationID: 'org-1', content: { name: 'John Smith', phone: '8675309' }, typeKey: 'contact-us' } });
    expect(created.statusCode).toBe(201);
    const { leadID } = PowerChordLeadCreated.parse(created.body);
    expect(sim.store.get(leadID)?.Status).toBe('open'); // the documented default

    for (const body of [SEED_STATUS_UPDATE, SEED_UPDATE, SEED_CURL_UPDATE]) {
      const answer = await http().patch(`v3/lead/${leadID}`, { json: body });
      expect(answer.statusCode).toBe(200);
      PowerChordLead.parse(answer.body);
    }
    expect(sim.store.get(leadID)).toMatchObject({
      Status: 'open',
      ExternalID: 'some-id-here',
      Content: { name: 'Mr Test', phone: '8675309', email: 'test@testing.com' },
      DisplayName: 'Mr Test',
    });
  });

  it('refuses fields that cannot be updated, and a create with no organization', async () => {
    const created = PowerChordLeadCreated.parse((await http().post(`v1/${sim.trunkId}`, { json: { organizationID: 'org-1', content: {} } })).body);
    const refused = await http().patch(`v3/lead/${created.leadID}`, { json: { Stage: 'won' } });
    expect(refused.statusCode).toBe(400);
    expect(refused.body).toMatchObject({ error: 'bad_request', message: expect.stringContaining('Stage') });
    const orphan = await http().post(`v1/${sim.trunkId}`, { json: { content: {} } });
    expect(orphan.statusCode).toBe(400);
    expect(orphan.body).toMatchObject({ fields: ['organizationID'] });
  });
});
