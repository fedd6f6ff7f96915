import { z } from 'zod';
import { defineTransform, fail, ok, typeName } from './types.ts';

const DateArgs = z
  .strictObject({
    /** `iso` (2024-11-11T05:09:14.979Z), `date` (2024-11-11), `epochMs` or `epochSeconds` (numbers). */
    format: z.enum(['iso', 'date', 'epochMs', 'epochSeconds']).default('iso'),
    /** How to read a number: milliseconds or seconds since 1970. */
    numbers: z.enum(['epochMs', 'epochSeconds']).default('epochMs'),
  })
  .default({ format: 'iso', numbers: 'epochMs' });
type DateArgs = z.infer<typeof DateArgs>;

/** A time with no zone (`2024-11-11T05:09:14.979287`, Trata's shape) is UTC; so is a bare date. */
const HAS_ZONE = /(?:[zZ]|[+-]\d\d:?\d\d)$/;
const ISO_LIKE = /^\d{4}-\d\d-\d\d(?:[T ]\d\d:\d\d(?::\d\d(?:\.\d+)?)?)?(?:[zZ]|[+-]\d\d:?\d\d)?$/;

function parseInstant(value: unknown, args: DateArgs): number | null {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    return args.numbers === 'epochSeconds' ? value * 1000 : value;
  }
  if (typeof value !== 'string' || value.length > 40) return null;
  const text = value.trim();
  if (!ISO_LIKE.test(text)) return null;
  let normalised = text.replace(' ', 'T');
  if (normalised.length === 10) normalised += 'T00:00:00';
  if (!HAS_ZONE.test(normalised)) normalised += 'Z';
  // JavaScript dates keep milliseconds: the microseconds Trata sends are dropped here, not rounded.
  normalised = normalised.replace(/(\.\d{3})\d+/, '$1');
  const ms = Date.parse(normalised);
  return Number.isNaN(ms) ? null : ms;
}

export const date = defineTransform<DateArgs>({
  name: 'date',
  summary: 'Reads a date or time (zone-less times are UTC; numbers are epoch ms unless `numbers: epochSeconds`) and writes it in `format`.',
  args: DateArgs,
  input: ['string', 'number'],
  output: 'any',
  apply(value, args) {
    const ms = parseInstant(value, args);
    if (ms === null) return fail(`not a date or time (${typeName(value)})`);
    const instant = new Date(ms);
    if (Number.isNaN(instant.getTime())) return fail('date out of range');
    switch (args.format) {
      case 'iso':
        return ok(instant.toISOString());
      case 'date':
        return ok(instant.toISOString().slice(0, 10));
      case 'epochMs':
        return ok(ms);
      case 'epochSeconds':
        return ok(Math.floor(ms / 1000));
    }
  },
});
