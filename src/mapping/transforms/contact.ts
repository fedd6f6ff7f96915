import { isSupportedCountry, parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import { asText, defineTransform, fail, ok, typeName, type StepResult } from './types.ts';

/** What to do with a value that is not a valid phone number or email: write it as it came, drop it, or fail the record. */
const Invalid = z.enum(['keep', 'omit', 'reject']);
type Invalid = z.infer<typeof Invalid>;

function onInvalid(mode: Invalid, original: string, reason: string): StepResult {
  if (mode === 'keep') return ok(original);
  if (mode === 'omit') return ok(null);
  return fail(reason);
}

const PhoneArgs = z
  .strictObject({
    defaultCountry: z
      .string()
      .refine((code) => isSupportedCountry(code), { message: 'not a country code libphonenumber knows (e.g. US, GB, DE)' })
      .default('US'),
    invalid: Invalid.default('reject'),
  })
  .default({ defaultCountry: 'US', invalid: 'reject' });

/** No real phone number, however formatted, is this long; refusing early keeps the parser's work bounded. */
const MAX_PHONE_INPUT = 64;

export const phone = defineTransform<z.infer<typeof PhoneArgs>>({
  name: 'phone',
  summary: 'Formats a phone number as E.164 (+14155550123), reading national numbers in `defaultCountry`.',
  args: PhoneArgs,
  input: ['string', 'number'],
  output: 'string',
  apply(value, args) {
    const text = asText(value);
    if (text === null) return fail(`expects text, got ${typeName(value)}`);
    const parsed = text.length <= MAX_PHONE_INPUT ? parsePhoneNumberFromString(text, args.defaultCountry as CountryCode) : undefined;
    if (parsed === undefined || !parsed.isPossible()) return onInvalid(args.invalid, text, 'not a phone number');
    return ok(parsed.number);
  },
});

const EmailArgs = z.strictObject({ invalid: Invalid.default('reject') }).default({ invalid: 'reject' });

/** Bounded by RFC 5321's 254 characters; a simple shape check (providers validate the rest). */
const EMAIL_SHAPE = /^[^\s@]+@[^\s@.]+(?:\.[^\s@.]+)+$/;

export const email = defineTransform<z.infer<typeof EmailArgs>>({
  name: 'email',
  summary: 'Trims and lower-cases an email address and checks its shape.',
  args: EmailArgs,
  input: ['string'],
  output: 'string',
  apply(value, args) {
    const text = asText(value);
    if (text === null) return fail(`expects text, got ${typeName(value)}`);
    const normalised = text.trim().toLowerCase();
    if (normalised.length > 254 || !EMAIL_SHAPE.test(normalised)) return onInvalid(args.invalid, text, 'not an email address');
    return ok(normalised);
  },
});
