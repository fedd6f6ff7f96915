import { describe, expect, it } from 'vitest';
import { parseMapping } from '../../../src/mapping/index.ts';
import { fingerprint, FINGERPRINT_LENGTH } from '../../../src/sync/canonical-json.ts';
import { echoState, isEcho } from '../../../src/sync/echo.ts';
import { basePrefix, placeOf, STATE_BUCKETS, STATE_PARTITIONS, syncKeys } from '../../../src/sync/keys.ts';
import { sentState } from '../../../src/sync/sent-state.ts';
import { readFileSync } from 'node:fs';

describe('fingerprint', () => {
  it('is 22 characters whatever the body, and the same for the same body in any key order', () => {
    const big = { a: 'x'.repeat(10_000), b: [1, 2, 3] };
    expect(fingerprint(big)).toHaveLength(FINGERPRINT_LENGTH);
    expect(fingerprint({ b: [1, 2, 3], a: 'x'.repeat(10_000) })).toBe(fingerprint(big));
    expect(fingerprint({ a: 1 })).not.toBe(fingerprint({ a: '1' }));
  });
});

describe('sent state', () => {
  const mapping = () => parseMapping(readFileSync('mappings/trata-to-powerchord.yaml', 'utf8'), 'mappings/trata-to-powerchord.yaml');

  it('keeps the fingerprint and, of the previous body, only the ranked status (what the rank rule reads)', () => {
    const state = sentState(mapping());
    const body = { ExternalID: 'pro.1.A', Status: 'closedWon', Content: { name: 'Ada Lovelace', email: 'ada@example.com' } };
    const stored = state.of(body);
    expect(stored).toBe(`${fingerprint(body)}["closedWon"]`);
    expect(state.previous(stored)).toEqual({ Status: 'closedWon' });
    expect(state.previous(null)).toBeNull();
    // An unreadable tail (an older layout, a half write) reads as no previous status, never as a throw.
    expect(state.previous(`${fingerprint(body)}{oops`)).toEqual({});
  });

  it('changes when any field changes', () => {
    const state = sentState(mapping());
    const body = { ExternalID: 'pro.1.A', Status: 'open', Content: { name: 'Ada' } };
    expect(state.of({ ...body, Content: { name: 'Ada L.' } })).not.toBe(state.of(body));
  });
});

describe('echo state', () => {
  const written = { first_name: 'Ada', last_name: 'Lovelace', email_1: 'ada@example.com', phone_1: null, lease_id: 'L-1', not_a_field: 'x' };

  it('is a fixed-size mask and digest; the record read back with the same fields is an echo', () => {
    const state = echoState('propexo', written)!;
    expect(state.length).toBeLessThan(40);
    const readBack = { id: 'p-9', first_name: 'Ada', last_name: 'Lovelace', email_1: 'ada@example.com', phone_1: '', lease_id: 'L-1', updated_at: '2026-01-01T00:00:00Z' };
    expect(isEcho('propexo', readBack, state)).toBe(true);
  });

  it('is not an echo when a written field changed, or one we wrote is missing from the record', () => {
    const state = echoState('propexo', written)!;
    expect(isEcho('propexo', { first_name: 'Ada', last_name: 'Byron', email_1: 'ada@example.com', lease_id: 'L-1' }, state)).toBe(false);
    expect(isEcho('propexo', { first_name: 'Ada', last_name: 'Lovelace', email_1: 'ada@example.com' }, state)).toBe(false);
  });

  it('fields the record has and we did not write are not compared', () => {
    const state = echoState('trata', { name: 'Ada', email: 'ada@example.com' })!;
    expect(isEcho('trata', { id: 'pro.1', name: 'Ada', email: 'ada@example.com', phoneNumber: '+1415', status: 'NEW' }, state)).toBe(true);
  });

  it('is never kept for a provider that cannot be read back, and nothing unreadable is an echo', () => {
    expect(echoState('powerchord', { Status: 'open' })).toBeNull();
    expect(isEcho('trata', { name: 'Ada' }, null)).toBe(false);
    expect(isEcho('trata', { name: 'Ada' }, '{"name":"Ada"}')).toBe(false);
  });
});

describe('key layout', () => {
  it('places a record by a stable hash of its id', () => {
    // Stored state depends on these never changing: a change would orphan every record's state.
    expect(placeOf('pro.1700000000.ABCDEFGH')).toEqual(placeOf('pro.1700000000.ABCDEFGH'));
    const seen = new Set<number>();
    for (let i = 0; i < 5_000; i++) {
      const { partition, bucket } = placeOf(`pro.${i}`);
      expect(partition).toBeLessThan(STATE_PARTITIONS);
      expect(bucket).toBeLessThan(STATE_BUCKETS);
      seen.add(partition);
    }
    expect(seen.size).toBe(STATE_PARTITIONS);
  });

  it('gives each sync and each partition its own hash tag, and every key of one partition the same tag', () => {
    const keys = syncKeys('{crm-bridge}');
    expect(basePrefix('{crm-bridge}')).toBe('crm-bridge');
    expect(keys.run('a-sync', 'run-1')).toBe('{crm-bridge:s:a-sync}:run:run-1');
    expect(keys.failed('a-sync')).toBe('{crm-bridge:s:a-sync}:failed');
    const part = keys.records('trata', 'powerchord', 7);
    for (const key of [part.crosswalk(3), part.intent(3), part.echo(3), part.sent('s', '0', 3)]) expect(key.startsWith(`${part.tag}:`)).toBe(true);
    expect(part.tag).toBe('{crm-bridge:r:trata:powerchord:7}');
  });
});
