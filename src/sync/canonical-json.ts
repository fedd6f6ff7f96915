import { hash } from 'node:crypto';

/**
 * JSON with object keys sorted at every level: two bodies that mean the same thing serialise to the same
 * string, which is what the diff compares. Written directly rather than by sorting copies of every object: this
 * runs for every record of every sync.
 */
export function canonicalJson(value: unknown): string {
  return write(value) ?? 'null';
}

/** Like JSON.stringify: `undefined` when the value has no JSON form (undefined, a function). */
function write(value: unknown): string | undefined {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  // Appended to one string (no arrays of parts to join): about a quarter faster on a mapped body.
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) out += (i === 0 ? '' : ',') + (write(value[i]) ?? 'null');
    return `${out}]`;
  }
  const record = value as Record<string, unknown>;
  let out = '{';
  for (const key of sortedKeys(record)) {
    const item = write(record[key]);
    if (item !== undefined) out += `${out.length === 1 ? '' : ','}${JSON.stringify(key)}:${item}`;
  }
  return `${out}}`;
}

/**
 * An object's keys in the order `Object.keys(o).sort()` gives (UTF-16 code units). A body has a handful of keys per
 * object: sorted by insertion here, which allocates nothing, where the built-in sort allocated its work arrays
 * for every object of every record (a fifth of the fingerprint's garbage); large objects still use the built-in.
 */
function sortedKeys(record: Record<string, unknown>): string[] {
  const keys = Object.keys(record);
  if (keys.length > 16) return keys.sort();
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    for (; j >= 0 && keys[j]! > key; j--) keys[j + 1] = keys[j]!;
    keys[j + 1] = key;
  }
  return keys;
}

/** Characters of a fingerprint: 22 base64url characters hold 132 bits of the SHA-256. */
export const FINGERPRINT_LENGTH = 22;

/**
 * A fixed-size digest of a value's canonical JSON (sha256, base64url, first 22 characters). Redis keeps this
 * instead of the body: what a diff needs is "the same as before or not", and a body of any size costs 22 bytes.
 * Two different bodies of one record share a fingerprint with probability 2^-132.
 */
export function fingerprint(value: unknown): string {
  return hash('sha256', canonicalJson(value), 'base64url').slice(0, FINGERPRINT_LENGTH);
}
