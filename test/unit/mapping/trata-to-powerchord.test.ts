import { describe, expect, it } from 'vitest';
import { applyMapping, loadMappingFile } from '../../../src/mapping/index.ts';

const mapping = await loadMappingFile('mappings/trata-to-powerchord.yaml');
const record = {
  id: 'pro.1731301754.OZSMSU1S',
  status: 'NEW',
  name: '  Ada Lovelace ',
  email: ' Ada@Example.COM ',
  phoneNumber: '(415) 555-0123',
  createdAt: '2024-11-11T05:09:14.979287',
};

describe('trata-to-powerchord', () => {
  it('maps Trata NEW to PowerChord open, with the contact details in Content', () => {
    expect(applyMapping(mapping, record, { sourceId: record.id })).toEqual({
      ok: true,
      body: {
        ExternalID: 'pro.1731301754.OZSMSU1S',
        Status: 'open',
        Content: { name: 'Ada Lovelace', email: 'ada@example.com', phone: '+14155550123' },
      },
    });
  });

  it.each([
    ['GENERAL_ENQUIRY', 'contacted'],
    ['SCHEDULED_CALLBACK_WITH_BOT', 'inProgress'],
    ['SCHEDULED_APPOINTMENT_WITH_PERSON', 'inProgress'],
    ['SCHEDULED_APPOINTMENT_FOR_SERVICE', 'inProgress'],
    ['NOT_INTERESTED', 'closedNotInterested'],
    ['PRODUCT_ORDER_PLACED', 'closedWon'],
    ['SERVICE_ORDER_PLACED', 'closedWon'],
  ])('maps %s to %s', (status, expected) => {
    const result = applyMapping(mapping, { ...record, status }, { sourceId: record.id });
    expect(result.ok && result.body['Status']).toBe(expected);
  });

  it('never reopens a closed lead, but moves forward and between closed states', () => {
    const status = (value: string, previous: string) => {
      const result = applyMapping(mapping, { ...record, status: value }, { sourceId: record.id, previous: { Status: previous } });
      return result.ok ? result.body['Status'] : result.errors;
    };
    expect(status('GENERAL_ENQUIRY', 'closedWon')).toBe('closedWon');
    expect(status('NEW', 'inProgress')).toBe('inProgress');
    expect(status('PRODUCT_ORDER_PLACED', 'contacted')).toBe('closedWon');
    expect(status('PRODUCT_ORDER_PLACED', 'closedNotInterested')).toBe('closedWon');
  });

  it('rejects a status Trata does not document, as a record error with its path', () => {
    expect(applyMapping(mapping, { ...record, status: 'ARCHIVED' }, { sourceId: 'p1' })).toEqual({
      ok: false,
      errors: [{ sourceId: 'p1', target: 'powerchord', path: 'Status', reason: 'no status mapping for "ARCHIVED"', value: 'ARCHIVED' }],
    });
  });

  it('keeps an unparseable phone number and a malformed email as written, and omits missing ones', () => {
    const kept = applyMapping(mapping, { ...record, phoneNumber: 'call reception', email: 'not-an-email' }, { sourceId: 'p1' });
    expect(kept.ok && kept.body['Content']).toEqual({ name: 'Ada Lovelace', email: 'not-an-email', phone: 'call reception' });
    const missing = applyMapping(mapping, { id: 'p2', status: 'NEW', name: null, email: null }, { sourceId: 'p2' });
    expect(missing).toEqual({ ok: true, body: { ExternalID: 'p2', Status: 'open' } });
  });
});
