import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { prospectNewWebhook, prospectUpdateWebhook, writeFailureWebhook } from '../../../src/simulators/propexo/webhooks.ts';

const SECRET = 'whsec_test';
const verify = (body: string, signature: string) => createHmac('sha256', SECRET).update(body).digest('hex') === signature;

describe('propexo webhook builder', () => {
  it('signs the raw body with HMAC-SHA256 hex in propexo-signature', () => {
    const delivery = prospectNewWebhook(SECRET, { id: 'c1', first_name: 'A' });
    expect(verify(delivery.body, delivery.headers['propexo-signature'])).toBe(true);
    expect(verify(`${delivery.body} `, delivery.headers['propexo-signature'])).toBe(false);
    expect(JSON.parse(delivery.body)).toEqual({ trigger: 'DATA_NEW', data: { object: 'prospect', id: 'c1', record: { id: 'c1', first_name: 'A' } } });
  });

  it('DATA_UPDATE carries the diff of changed fields only', () => {
    const delivery = prospectUpdateWebhook(SECRET, { id: 'c1', city: 'Austin', zip: '1' }, { id: 'c1', city: 'Dallas', zip: '1' });
    expect(delivery.payload).toMatchObject({ trigger: 'DATA_UPDATE', data: { diff: { city: { old: 'Austin', new: 'Dallas' } } } });
    expect(Object.keys((delivery.payload.data as { diff: object }).diff)).toEqual(['city']);
  });

  it('WRITE_OPERATION_FAILURE has {root_job_id, write_status, errors}', () => {
    const delivery = writeFailureWebhook(SECRET, 'job_1', ['boom']);
    expect(JSON.parse(delivery.body)).toEqual({ trigger: 'WRITE_OPERATION_FAILURE', data: { root_job_id: 'job_1', write_status: 'FAILURE', errors: ['boom'] } });
    expect(verify(delivery.body, delivery.headers['propexo-signature'])).toBe(true);
  });
});
