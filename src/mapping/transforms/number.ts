import { z } from 'zod';
import { defineTransform, fail, ok, typeName } from './types.ts';

/** Strict decimal text only: `Number('')` is 0 and `Number('0x1F')` is 31, neither of which a CRM field means. */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function toFiniteNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'string') {
    const text = value.trim().replace(/,/g, '');
    if (text.length > 64 || !DECIMAL.test(text)) return null;
    const n = Number(text);
    return Number.isFinite(n) ? n : null;
  }
  return null;
}

export const toNumber = defineTransform<undefined>({
  name: 'toNumber',
  summary: 'Reads a decimal number from text ("1,250.50" → 1250.5).',
  args: null,
  input: ['string', 'number'],
  output: 'number',
  apply(value) {
    const n = toFiniteNumber(value);
    return n === null ? fail(`not a number (${typeName(value)})`) : ok(n);
  },
});

export const toString = defineTransform<undefined>({
  name: 'toString',
  summary: 'Writes a number or boolean as text.',
  args: null,
  input: ['string', 'number', 'boolean'],
  output: 'string',
  apply(value) {
    if (typeof value === 'string') return ok(value);
    if (typeof value === 'number' || typeof value === 'boolean') return ok(String(value));
    return fail(`expects a number, boolean or text, got ${typeName(value)}`);
  },
});

/** Rounded to whole cents: money fields in cents are integers (Propexo's rent fields are). */
export const dollarsToCents = defineTransform<undefined>({
  name: 'dollarsToCents',
  summary: 'Dollars (number or decimal text) → whole cents (12.34 → 1234).',
  args: null,
  input: ['string', 'number'],
  output: 'number',
  apply(value) {
    const n = toFiniteNumber(value);
    return n === null ? fail(`not an amount (${typeName(value)})`) : ok(Math.round(n * 100));
  },
});

export const centsToDollars = defineTransform<undefined>({
  name: 'centsToDollars',
  summary: 'Cents → dollars (1234 → 12.34).',
  args: null,
  input: ['string', 'number'],
  output: 'number',
  apply(value) {
    const n = toFiniteNumber(value);
    return n === null ? fail(`not an amount (${typeName(value)})`) : ok(Math.round(n) / 100);
  },
});

/** Exposed for the format schema: a lookup value is any JSON scalar. */
export const Scalar = z.union([z.string(), z.number(), z.boolean(), z.null()]);
