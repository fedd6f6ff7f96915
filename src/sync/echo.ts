import { isDeepStrictEqual } from 'node:util';
import { parseStoredObject } from './stored-json.ts';

/**
 * Is this source record just what we wrote into it (our own write coming back as a change)? True when every field
 * of the body we last wrote has the same value in the record. Fields the record does not carry (write-only ones
 * like Propexo's `lease_id`) are not compared; an empty value matches null or absence.
 */
export function isEcho(record: Record<string, unknown>, writtenJson: string | null): boolean {
  const written = parseStoredObject(writtenJson);
  if (written === null) return false;
  for (const [key, value] of Object.entries(written)) {
    if (!(key in record)) continue;
    if (!sameValue(record[key], value)) return false;
  }
  return true;
}

function sameValue(actual: unknown, expected: unknown): boolean {
  const empty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);
  if (empty(actual) && empty(expected)) return true;
  return isDeepStrictEqual(actual, expected);
}
