import { z } from 'zod';
import { asText, defineTransform, fail, ok, typeName } from './types.ts';

const TEXT = ['string', 'number', 'boolean'] as const;

function textTransform(name: string, summary: string, fn: (text: string) => string) {
  return defineTransform<undefined>({
    name,
    summary,
    args: null,
    input: TEXT,
    output: 'string',
    apply(value) {
      const text = asText(value);
      return text === null ? fail(`expects text, got ${typeName(value)}`) : ok(fn(text));
    },
  });
}

export const trim = textTransform('trim', 'Removes leading and trailing white space.', (t) => t.trim());
export const lowercase = textTransform('lowercase', 'Lower-cases the text.', (t) => t.toLowerCase());
export const uppercase = textTransform('uppercase', 'Upper-cases the text.', (t) => t.toUpperCase());

/**
 * `splitName: first | last`. The first word is the first name, the rest the last name, since most CRMs store the
 * display name that way; a single word is a first name with an empty (omitted) last name.
 */
export const splitName = defineTransform<'first' | 'last'>({
  name: 'splitName',
  summary: 'Splits a full name into first name (the first word) and last name (the rest).',
  args: z.enum(['first', 'last']),
  input: TEXT,
  output: 'string',
  apply(value, part) {
    const text = asText(value);
    if (text === null) return fail(`expects text, got ${typeName(value)}`);
    const words = text.trim().split(/\s+/).filter((w) => w.length > 0);
    if (part === 'first') return ok(words[0] ?? null);
    return ok(words.length > 1 ? words.slice(1).join(' ') : null);
  },
});

/** `join` (a space) or `join: ", "`: joins an array (from `collect`, or a list field) into one string. */
export const join = defineTransform<string>({
  name: 'join',
  summary: 'Joins a list into one string, skipping empty items (separator: a space unless given).',
  args: z.string().max(16).default(' '),
  input: ['array'],
  output: 'string',
  apply(value, separator) {
    if (!Array.isArray(value)) return fail(`expects a list, got ${typeName(value)}`);
    const parts: string[] = [];
    for (const item of value) {
      if (item === null || item === undefined || item === '') continue;
      const text = asText(item);
      if (text === null) return fail(`expects a list of text, found ${typeName(item)}`);
      parts.push(text);
    }
    return ok(parts.length === 0 ? null : parts.join(separator));
  },
});

/**
 * `truncate` (to the target field's maximum length) or `truncate: 40`. Counts characters (code points), as the
 * providers' schemas do (JSON Schema's maxLength) and as zod 4's `.max()` checks them, so an emoji is one character
 * and is never split.
 */
export const truncate = defineTransform<number | undefined>({
  name: 'truncate',
  summary: "Cuts text to a maximum length: the target field's own maximum unless a number is given.",
  args: z.number().int().min(1).optional(),
  input: TEXT,
  output: 'string',
  check(max, target) {
    if (max === undefined && (target?.maxLength ?? null) === null) {
      return 'truncate has no length and the target field has no maximum length: write `truncate: <n>`';
    }
    return null;
  },
  apply(value, max, target) {
    const text = asText(value);
    if (text === null) return fail(`expects text, got ${typeName(value)}`);
    const limit = max ?? target?.maxLength ?? Infinity;
    // Fewer UTF-16 units than the limit is fewer characters too: no need to split the text into code points.
    if (text.length <= limit) return ok(text);
    const characters = Array.from(text);
    return ok(characters.length <= limit ? text : characters.slice(0, limit).join(''));
  },
});
