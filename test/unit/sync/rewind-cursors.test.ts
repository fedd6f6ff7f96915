import { describe, expect, it } from 'vitest';
import { cursorAt as propexoAt, cursorSince as propexoSince, readCursor } from '../../../src/providers/propexo/cursor.ts';
import { cursorAt as trataAt, cursorSince as trataSince, pageQuery, resume, TrataCursor, unseen } from '../../../src/providers/trata/cursor.ts';

describe('cursors built from a time (rewind)', () => {
  it('Trata: anchored 1 µs before the time, so the record updated at exactly that instant is read whatever updated_after does', () => {
    const cursor = trataAt('2026-11-30T23:00:00+01:00');
    expect(cursor).toEqual({ after: '2026-11-30T21:59:59.999999Z', skip: 0, last: null, seen: '' });
    const position = TrataCursor.parse(cursor);
    expect(pageQuery(position)).toEqual({ skip: 0, updated_after: '2026-11-30T21:59:59.999999Z' });
    // Nothing is deduplicated away on the first page after a rewind.
    const at = { id: 'pro.1', updatedAt: '2026-11-30T22:00:00.000000Z', data: {} };
    expect(unseen(position, [at])).toEqual([at]);
    expect(trataSince(cursor)).toBe('2026-11-30T22:00:00.000000Z');
    expect(trataAt(null)).toBeNull();
    expect(trataSince(null)).toBeNull();
    expect(() => trataAt('yesterday')).toThrow(RangeError);
  });

  it('Trata: a saved resume cursor reads from its anchor', () => {
    const saved = resume({ after: '2026-11-30T21:59:59.000000Z', skip: 3, last: '2026-11-30T22:00:00.000000Z', seen: 'pro.1' }, 60_000);
    expect(trataSince(saved)).toBe('2026-11-30T21:59:00.000001Z');
  });

  it('Propexo: updated_at_gte is inclusive, so the mark is the time itself', () => {
    const cursor = propexoAt('2026-11-30T22:00:00Z');
    expect(readCursor(cursor)).toEqual({ after: '2026-11-30T22:00:00.000Z', skip: 0, seen: [] });
    expect(propexoSince(cursor)).toBe('2026-11-30T22:00:00.000Z');
    expect(propexoSince({ unreadable: true })).toBeNull();
    expect(propexoAt(null)).toBeNull();
  });
});
