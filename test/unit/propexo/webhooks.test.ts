import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { readPropexoDelivery, verifyPropexoSignature } from '../../../src/providers/propexo/webhooks.ts';
import { prospectNewWebhook, prospectUpdateWebhook, syncCompleteWebhook, writeFailureWebhook } from '../../../src/simulators/propexo/webhooks.ts';
import {
  DATA_NEW_EVENTS,
  DATA_UPDATE_LEASES_SIMPLIFIED,
  DATA_UPDATE_OPENAPI,
  DATA_UPDATE_RESIDENTS,
  FIRST_SYNC_COMPLETE,
  JOB_FAILURE,
  SYNC_COMPLETE_FLAT,
  WRITE_OPERATION_FAILURE,
  WRITE_OPERATION_FAILURE_CRM,
  asProspects,
} from './documented-examples.ts';

const SECRET = 'whsec_test';
const verify = (body: string, signature: string) => createHmac('sha256', SECRET).update(body).digest('hex') === signature;

describe('the simulator’s webhook sender (documented shapes)', () => {
  it('signs the raw body with HMAC-SHA256 hex in propexo-signature', () => {
    const delivery = prospectNewWebhook(SECRET, { id: 'c1', first_name: 'A' });
    expect(verify(delivery.body, delivery.headers['propexo-signature'])).toBe(true);
    expect(verify(`${delivery.body} `, delivery.headers['propexo-signature'])).toBe(false);
    expect(verifyPropexoSignature(SECRET, Buffer.from(delivery.body), delivery.headers['propexo-signature'])).toBe(true);
    expect(verifyPropexoSignature(SECRET, Buffer.from(delivery.body), 'zz')).toBe(false);
  });

  it('DATA_NEW is flat, with the same keys as the documented example', () => {
    const sent = JSON.parse(prospectNewWebhook(SECRET, { id: 'c1', first_name: 'A' }).body) as Record<string, unknown>;
    expect(Object.keys(sent).sort()).toEqual(Object.keys(JSON.parse(DATA_NEW_EVENTS) as object).sort());
    expect(sent).toMatchObject({ event: 'DATA_NEW', object: 'prospects', record_id: 'c1', meta: { object: 'prospects' }, payload: { id: 'c1', first_name: 'A' } });
  });

  it('DATA_UPDATE carries diff {new, previous} of the changed fields only', () => {
    const sent = JSON.parse(prospectUpdateWebhook(SECRET, { id: 'c1', city: 'Austin', zip: '1' }, { id: 'c1', city: 'Dallas', zip: '1' }).body) as Record<string, unknown>;
    expect(sent).toMatchObject({ event: 'DATA_UPDATE', record_id: 'c1', diff: { new: { city: 'Dallas' }, previous: { city: 'Austin' } } });
    expect(sent).not.toHaveProperty('payload');
  });

  it('WRITE_OPERATION_FAILURE and SYNC_COMPLETE are wrapped like the documented examples', () => {
    const failure = JSON.parse(writeFailureWebhook(SECRET, 'job_1', ['boom']).body) as { data: object };
    expect(Object.keys(failure.data).sort()).toEqual(Object.keys((JSON.parse(WRITE_OPERATION_FAILURE) as { data: object }).data).sort());
    expect(failure).toMatchObject({ trigger: 'WRITE_OPERATION_FAILURE', data: { root_job_id: 'job_1', write_status: 'FAILURE', errors: ['boom'] } });
    expect(JSON.parse(syncCompleteWebhook(SECRET).body)).toMatchObject({ trigger: 'SYNC_COMPLETE', data: { event: 'SYNC_COMPLETE', is_sync_finished: true } });
  });
});

describe('reading deliveries: every documented example', () => {
  const read = (text: string) => readPropexoDelivery(JSON.parse(text));

  it.each([
    ['DATA_NEW (flat, Webhook Details)', DATA_NEW_EVENTS, { kind: 'record', event: 'DATA_NEW', object: 'events', prospect: false, recordId: 'record_id_redacted', integrationId: 'integration_id_redacted' }],
    ['DATA_UPDATE (data.event, System Overview)', DATA_UPDATE_RESIDENTS, { kind: 'record', event: 'DATA_UPDATE', object: 'residents', prospect: false, recordId: 'cly301zs1000109jv26hx7hii' }],
    ['DATA_UPDATE (no event, how.mdx)', DATA_UPDATE_LEASES_SIMPLIFIED, { kind: 'record', event: 'DATA_UPDATE', object: 'leases', prospect: false, recordId: 'cuid_1234567890' }],
    ['DATA_UPDATE (trigger + data + meta, OpenAPI)', DATA_UPDATE_OPENAPI, { kind: 'record', event: 'DATA_UPDATE', object: 'accounting-entities', prospect: false, recordId: 'string' }],
    ['DATA_NEW of prospects', asProspects(DATA_NEW_EVENTS), { kind: 'record', event: 'DATA_NEW', object: 'prospects', prospect: true, recordId: 'record_id_redacted', integrationId: 'integration_id_redacted' }],
    ['DATA_UPDATE of prospects', asProspects(DATA_UPDATE_OPENAPI), { kind: 'record', event: 'DATA_UPDATE', object: 'prospects', prospect: true, recordId: 'string' }],
    ['WRITE_OPERATION_FAILURE', WRITE_OPERATION_FAILURE, { kind: 'write-failure', rootJobId: 'ROOT_OPERATION_ID_002', writeStatus: 'PARTIAL_SUCCESS' }],
    ['WRITE_OPERATION_FAILURE (CRM reference)', WRITE_OPERATION_FAILURE_CRM, { kind: 'write-failure', rootJobId: 'string' }],
    ['SYNC_COMPLETE (flat, no event)', SYNC_COMPLETE_FLAT, { kind: 'other', event: 'UNKNOWN' }],
    ['FIRST_SYNC_COMPLETE', FIRST_SYNC_COMPLETE, { kind: 'other', event: 'FIRST_SYNC_COMPLETE' }],
    ['JOB_FAILURE', JOB_FAILURE, { kind: 'other', event: 'JOB_FAILURE' }],
  ])('%s', (_name, text, expected) => {
    const result = read(text);
    expect(result.ok).toBe(true);
    expect(result.ok && result.delivery).toMatchObject(expected);
  });

  it('the CRM prospect model names (assumed) and the older `prospect`', () => {
    for (const object of ['prospects', 'crm_prospects', 'crm-prospects', 'prospect', 'Prospects']) {
      const result = readPropexoDelivery({ event: 'DATA_NEW', object, record_id: 'c1', payload: {} });
      expect(result.ok && result.delivery).toMatchObject({ prospect: true, recordId: 'c1' });
    }
  });

  it('refuses what cannot be acted on, naming the field', () => {
    const fields = (body: unknown) => {
      const result = readPropexoDelivery(body);
      return result.ok ? [] : result.issues.map((i) => i.field);
    };
    expect(fields({ trigger: 'DATA_UPDATE', data: { object: 'prospects' } })).toEqual(['body.data.record_id', 'body.data.id']);
    expect(fields({ event: 'DATA_NEW', object: 'prospects' })).toEqual(['body.record_id', 'body.id']);
    expect(fields({ data: {} })).toEqual(['body.trigger']);
    expect(fields({ trigger: 'WRITE_OPERATION_FAILURE', data: {} })).toEqual(['body.data.root_job_id']);
    expect(fields({ event: 'DATA_NEW', record_id: 'x' })).toEqual(['body.object']);
    expect(fields({ event: 'DATA_NEW', object: 'prospects', record_id: 'x'.repeat(300) })).toEqual(['body.record_id']);
    expect(fields([])).toEqual(['body']);
  });
});
