import { z } from 'zod';
import { Scalar } from './number.ts';
import { defineTransform, fail, ok, typeName } from './types.ts';

const LookupArgs = z.strictObject({
  /** Source value (as text) → value written. */
  table: z.record(z.string(), Scalar),
  /** Written when the value is not in the table. Without it an unlisted value passes through unchanged. */
  default: Scalar.optional(),
  /** Fail the record on a value not in the table (instead of a default or passing it through). */
  reject: z.literal(true).optional(),
});
type LookupArgs = z.infer<typeof LookupArgs>;

export const lookup = defineTransform<LookupArgs>({
  name: 'lookup',
  summary: 'Replaces a value through a table; unlisted values take `default`, fail with `reject: true`, or pass through.',
  args: LookupArgs,
  input: ['string', 'number', 'boolean'],
  output: 'any',
  check(args) {
    return args.default !== undefined && args.reject === true ? 'lookup has both default and reject: keep one' : null;
  },
  apply(value, args) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
      return fail(`expects text or a number, got ${typeName(value)}`);
    }
    const key = String(value);
    if (Object.hasOwn(args.table, key)) return ok(args.table[key]);
    if (args.default !== undefined) return ok(args.default);
    if (args.reject === true) return fail(`no lookup entry for ${JSON.stringify(key.slice(0, 80))}`);
    return ok(value);
  },
});
