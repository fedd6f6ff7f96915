import { describe, expect, it } from 'vitest';
import { ProviderValidationError } from '../../../src/providers/errors.ts';
import { toCreateBody, toUpdateBody } from '../../../src/providers/propexo/index.ts';

describe('propexo write body → endpoint body', () => {
  it('create: fills integration_id from the connection, keeps the body’s own, drops lease_id', () => {
    expect(toCreateBody({ first_name: 'A', lease_id: 'l' }, { integrationId: 'int_c' })).toEqual({ first_name: 'A', integration_id: 'int_c' });
    expect(toCreateBody({ integration_id: 'int_b' }, { integrationId: 'int_c' })).toEqual({ integration_id: 'int_b' });
  });

  it('update: fills lease_id, drops create-only fields', () => {
    const body = { first_name: 'A', integration_id: 'i', community_id: 'c', middle_name: 'M', attribution_id: 'a', first_contact_type: 'WEB' };
    expect(toUpdateBody(body, { leaseId: 'lease_c' })).toEqual({ first_name: 'A', lease_id: 'lease_c' });
    expect(toUpdateBody({ lease_id: 'lease_b' }, { leaseId: 'lease_c' })).toEqual({ lease_id: 'lease_b' });
  });

  it('refuses, naming the field, what Propexo would refuse', () => {
    const cases: Array<[() => unknown, string]> = [
      [() => toCreateBody({}, {}), 'integration_id'],
      [() => toUpdateBody({}, {}), 'lease_id'],
      [() => toCreateBody({ lease_term_in_months: 24 }, { integrationId: 'i' }), 'lease_term_in_months'],
      [() => toUpdateBody({ zip: '1'.repeat(13) }, { leaseId: 'l' }), 'zip'],
      [() => toUpdateBody({ nickname: 'x' }, { leaseId: 'l' }), 'nickname'],
    ];
    for (const [call, field] of cases) {
      let error: unknown;
      try {
        call();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(ProviderValidationError);
      expect((error as ProviderValidationError).fields).toEqual([field]);
      expect((error as ProviderValidationError).status).toBeNull();
    }
  });
});
