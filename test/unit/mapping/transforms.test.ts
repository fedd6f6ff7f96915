import { describe, expect, it } from 'vitest';
import { getTransform } from '../../../src/mapping/transforms/index.ts';
import { z } from 'zod';

/** Runs one transform as a mapping file would write it (`name` or `{ name: args }`). */
function run(name: string, value: unknown, args?: unknown, maxLength: number | null = null) {
  const t = getTransform(name)!;
  const parsed = t.args === null ? undefined : t.args.parse(args);
  return t.apply(value, parsed, { kind: 'string', enumValues: null, maxLength, nullable: true });
}
const value = (name: string, input: unknown, args?: unknown, max: number | null = null) => {
  const r = run(name, input, args, max);
  return r.ok ? r.value : `error: ${r.reason}`;
};

describe('transforms', () => {
  it('text: trim, lowercase, uppercase, splitName, join', () => {
    expect(value('trim', '  a b ')).toBe('a b');
    expect(value('lowercase', 'ÀB')).toBe('àb');
    expect(value('uppercase', 12)).toBe('12');
    expect(value('splitName', ' Ada  King Lovelace ', 'first')).toBe('Ada');
    expect(value('splitName', 'Ada King Lovelace', 'last')).toBe('King Lovelace');
    expect(value('splitName', 'Cher', 'last')).toBeNull();
    expect(value('join', ['a', null, '', 'b'], ', ')).toBe('a, b');
    expect(value('join', [])).toBeNull();
    expect(value('join', 'a')).toBe('error: expects a list, got string');
  });

  it("truncate: to the target's maximum, or a given length, in characters (code points), as the providers' schemas count", () => {
    expect(value('truncate', 'abcdef', undefined, 4)).toBe('abcd');
    expect(value('truncate', 'abcdef', 2)).toBe('ab');
    // JSON Schema's maxLength (the seeds' "string length 1 - 512") and zod 4's .max() count code points: an emoji is
    // one character, never split, and 512 of them fit a 512 limit.
    expect(value('truncate', 'a😀b', 2)).toBe('a😀');
    expect(value('truncate', '😀'.repeat(600), 512)).toBe('😀'.repeat(512));
    expect(z.string().max(512).safeParse(value('truncate', '😀'.repeat(600), 512)).success).toBe(true);
    expect(getTransform('truncate')!.check!(undefined, { kind: 'string', enumValues: null, maxLength: null, nullable: false })).toMatch(/no maximum length/);
  });

  it('phone: E.164 with a default country; invalid numbers kept, omitted or rejected', () => {
    expect(value('phone', '(415) 555-0123')).toBe('+14155550123');
    expect(value('phone', '020 7946 0958', { defaultCountry: 'GB' })).toBe('+442079460958');
    expect(value('phone', 'ask for Bob')).toBe('error: not a phone number');
    expect(value('phone', 'ask for Bob', { invalid: 'keep' })).toBe('ask for Bob');
    expect(value('phone', 'ask for Bob', { invalid: 'omit' })).toBeNull();
    expect(value('phone', '1'.repeat(10_000), { invalid: 'omit' })).toBeNull();
  });

  it('email: trimmed and lower-cased, shape checked', () => {
    expect(value('email', ' Ada@Example.COM ')).toBe('ada@example.com');
    expect(value('email', 'nope')).toBe('error: not an email address');
    expect(value('email', 'nope', { invalid: 'omit' })).toBeNull();
  });

  it('date: zone-less times are UTC; formats iso, date, epoch', () => {
    expect(value('date', '2024-11-11T05:09:14.979287')).toBe('2024-11-11T05:09:14.979Z');
    expect(value('date', '2024-11-11T05:09:14+02:00', { format: 'iso' })).toBe('2024-11-11T03:09:14.000Z');
    expect(value('date', '2024-11-11', { format: 'epochSeconds' })).toBe(1731283200);
    expect(value('date', 1731283200, { format: 'date', numbers: 'epochSeconds' })).toBe('2024-11-11');
    expect(value('date', 'next tuesday')).toBe('error: not a date or time (string)');
  });

  it('numbers and money', () => {
    expect(value('toNumber', '1,250.50')).toBe(1250.5);
    expect(value('toNumber', '0x1F')).toBe('error: not a number (string)');
    expect(value('toNumber', '')).toBe('error: not a number (string)');
    expect(value('toString', 42)).toBe('42');
    expect(value('dollarsToCents', '12.345')).toBe(1235);
    expect(value('centsToDollars', 1234)).toBe(12.34);
  });

  it('lookup: table, default, reject, pass-through', () => {
    const table = { a: 'A' };
    expect(value('lookup', 'a', { table })).toBe('A');
    expect(value('lookup', 'b', { table })).toBe('b');
    expect(value('lookup', 'b', { table, default: 'Z' })).toBe('Z');
    expect(value('lookup', 'b', { table, reject: true })).toBe('error: no lookup entry for "b"');
    expect(value('lookup', 'constructor', { table })).toBe('constructor');
  });
});
