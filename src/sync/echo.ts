import { providers } from '../providers/registry.ts';
import type { ProviderName } from '../providers/types.ts';
import { FINGERPRINT_LENGTH, fingerprint } from './canonical-json.ts';

/**
 * Echo detection: is a source record just what a sync of ours wrote into it (our own write coming back as a
 * change)? Redis keeps, per written record, a fixed-size echo state instead of the body:
 *
 *   `<mask><fingerprint>`: mask = which fields of the provider's record schema the written body set (a bitset over
 *   the schema's sorted top-level keys, base64url), fingerprint = the digest of those fields' values.
 *
 * A record read back is an echo when the same fields, read from it, have the same fingerprint. Fields outside the
 * record schema (write-only ones) are not compared. An empty value (null, '', [], absent) matches any other empty
 * value; a field the body set but the read record leaves out reads as empty, so a provider that does not return a
 * field we wrote makes the record not an echo: it is sent back once (and its state then matches), never lost.
 */

interface EchoSchema {
  /** The record schema's top-level keys, sorted: bit i of the mask is keys[i]. */
  keys: readonly string[];
  index: ReadonlyMap<string, number>;
  /** base64url characters of a mask. */
  maskLength: number;
}

const schemas = new Map<ProviderName, EchoSchema | null>();

function schemaOf(provider: ProviderName): EchoSchema | null {
  if (!schemas.has(provider)) {
    const shape = providers[provider].recordSchema?.shape;
    const keys = shape ? Object.keys(shape).sort() : null;
    schemas.set(provider, keys ? { keys, index: new Map(keys.map((k, i) => [k, i])), maskLength: Math.ceil(Math.ceil(keys.length / 8) * 4 / 3) } : null);
  }
  return schemas.get(provider) ?? null;
}

/** Whether records of this provider can be read back at all (a write-only provider never sees an echo). */
export function canEcho(provider: ProviderName): boolean {
  return providers[provider].capabilities.list && schemaOf(provider) !== null;
}

/**
 * Whether a sync can read records of this provider (a source must list, see definition.ts). Only such a sync writes
 * echo state into the records of the provider it targets: records synced to a provider that cannot be a source have
 * none to read.
 */
export function canBeSource(provider: ProviderName): boolean {
  return providers[provider].capabilities.list;
}

const empty = (v: unknown) => v === null || v === undefined || v === '' || (Array.isArray(v) && v.length === 0);

/** The fields in `keys`, empties as null: what the fingerprint covers (canonical JSON sorts the keys). */
function projection(record: Record<string, unknown>, keys: readonly string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const value = Object.hasOwn(record, key) ? record[key] : undefined;
    out[key] = empty(value) ? null : value;
  }
  return out;
}

/** The echo state of a body written to `provider`; null when that provider's records are never read back. */
export function echoState(provider: ProviderName, written: Record<string, unknown>): string | null {
  const schema = schemaOf(provider);
  if (!schema || !canEcho(provider)) return null;
  const mask = Buffer.alloc(Math.ceil(schema.keys.length / 8));
  const keys: string[] = [];
  for (const key of Object.keys(written)) {
    const i = schema.index.get(key);
    if (i === undefined) continue;
    mask[i >> 3] = (mask[i >> 3] ?? 0) | (1 << (i & 7));
    keys.push(key);
  }
  return mask.toString('base64url') + fingerprint(projection(written, keys));
}

/** True when `record` (read from `provider`) holds exactly what the stored echo state says we wrote into it. */
export function isEcho(provider: ProviderName, record: Record<string, unknown>, stored: string | null | undefined): boolean {
  const schema = schemaOf(provider);
  if (!stored || !schema || stored.length !== schema.maskLength + FINGERPRINT_LENGTH) return false;
  const mask = Buffer.from(stored.slice(0, schema.maskLength), 'base64url');
  const keys = schema.keys.filter((_, i) => ((mask[i >> 3] ?? 0) & (1 << (i & 7))) !== 0);
  return fingerprint(projection(record, keys)) === stored.slice(schema.maskLength);
}
