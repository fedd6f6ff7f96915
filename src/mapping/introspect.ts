/**
 * Reads provider zod schemas (zod 4 internals: `_zod.def`) to find what a mapping may name: field paths, enums,
 * maximum lengths and required keys. Kept in this one module so a zod upgrade touches one file.
 */
import type { z } from 'zod';
import type { PathSegment } from './paths.ts';

export type FieldKind = 'string' | 'number' | 'boolean' | 'array' | 'object' | 'unknown';

export interface FieldInfo {
  kind: FieldKind;
  /** Allowed values when the field is an enum (or a string literal), else null. */
  enumValues: readonly string[] | null;
  /** The `.max()` of a string field, else null. */
  maxLength: number | null;
  /** The schema accepts null here. */
  nullable: boolean;
}

interface Def {
  type: string;
  innerType?: z.ZodType;
  in?: z.ZodType;
  shape?: Record<string, z.ZodType>;
  element?: z.ZodType;
  valueType?: z.ZodType;
  options?: z.ZodType[];
  entries?: Record<string, unknown>;
  values?: unknown[];
  checks?: Array<{ _zod: { def: { check?: string; maximum?: number } } }>;
  getter?: () => z.ZodType;
}

function defOf(schema: z.ZodType): Def {
  return (schema as unknown as { _zod: { def: Def } })._zod.def;
}

const WRAPPERS = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

/** Strips optional/nullable/default/pipe/lazy wrappers, noting whether null was allowed on the way. */
function unwrap(schema: z.ZodType): { core: z.ZodType; nullable: boolean } {
  let current = schema;
  let nullable = false;
  for (let guard = 0; guard < 32; guard++) {
    const def = defOf(current);
    if (def.type === 'nullable') nullable = true;
    if (WRAPPERS.has(def.type) && def.innerType) current = def.innerType;
    // A pipe's input side is what a mapping writes or what the raw field holds (e.g. Trata's timestamp string).
    else if (def.type === 'pipe' && def.in) current = def.in;
    else if (def.type === 'lazy' && def.getter) current = def.getter();
    else break;
  }
  return { core: current, nullable };
}

function kindOf(def: Def): FieldKind {
  switch (def.type) {
    case 'string':
    case 'enum':
    case 'template_literal':
      return 'string';
    case 'literal':
      return (def.values ?? []).every((v) => typeof v === 'string') ? 'string' : 'unknown';
    case 'number':
    case 'int':
    case 'bigint':
      return 'number';
    case 'boolean':
      return 'boolean';
    case 'array':
    case 'tuple':
      return 'array';
    case 'object':
    case 'record':
      return 'object';
    default:
      return 'unknown';
  }
}

function describe(schema: z.ZodType): FieldInfo {
  const { core, nullable } = unwrap(schema);
  const def = defOf(core);
  if (def.type === 'union' && def.options) {
    const parts = def.options.map(describe);
    const kinds = new Set(parts.map((p) => p.kind));
    const only = kinds.size === 1 ? parts[0] : undefined;
    return {
      kind: only?.kind ?? 'unknown',
      enumValues: null,
      maxLength: null,
      nullable: nullable || parts.some((p) => p.nullable) || parts.length === 0,
    };
  }
  let enumValues: string[] | null = null;
  if (def.type === 'enum' && def.entries) enumValues = Object.values(def.entries).filter((v) => typeof v === 'string');
  if (def.type === 'literal' && def.values) enumValues = def.values.filter((v) => typeof v === 'string');
  const max = (def.checks ?? []).map((c) => c._zod.def).find((c) => c.check === 'max_length');
  const acceptsNull = nullable || def.type === 'unknown' || def.type === 'any' || def.type === 'null';
  return { kind: kindOf(def), enumValues, maxLength: max?.maximum ?? null, nullable: acceptsNull };
}

/** The schema at one step below `schema`, or null when the schema does not have that step. */
function step(schema: z.ZodType, segment: PathSegment): z.ZodType | null | 'any' {
  const { core } = unwrap(schema);
  const def = defOf(core);
  switch (def.type) {
    case 'object':
      // Only declared keys count, even on loose objects: naming an undeclared key is almost always a typo.
      return typeof segment === 'string' && def.shape && Object.hasOwn(def.shape, segment) ? (def.shape[segment] ?? null) : null;
    case 'record':
      return typeof segment === 'string' && def.valueType ? def.valueType : null;
    case 'array':
      return typeof segment === 'number' && def.element ? def.element : null;
    case 'unknown':
    case 'any':
      return 'any';
    case 'union':
      for (const option of def.options ?? []) {
        const found = step(option, segment);
        if (found !== null) return found;
      }
      return null;
    default:
      return null;
  }
}

const ANY: FieldInfo = { kind: 'unknown', enumValues: null, maxLength: null, nullable: true };

/** What the schema says about the field at `segments`, or null when the schema has no such field. */
export function fieldAt(schema: z.ZodType, segments: readonly PathSegment[]): FieldInfo | null {
  let current: z.ZodType = schema;
  for (const segment of segments) {
    const next = step(current, segment);
    if (next === null) return null;
    if (next === 'any') return ANY;
    current = next;
  }
  return describe(current);
}

/** Keys of an object schema that a body must contain (not optional, no default). Empty for non-objects. */
export function requiredKeys(schema: z.ZodType, segments: readonly PathSegment[] = []): string[] {
  let current: z.ZodType = schema;
  for (const segment of segments) {
    const next = step(current, segment);
    if (next === null || next === 'any') return [];
    current = next;
  }
  const def = defOf(unwrap(current).core);
  if (def.type !== 'object' || !def.shape) return [];
  return Object.entries(def.shape)
    .filter(([, field]) => (field as unknown as { _zod: { optin?: string } })._zod.optin !== 'optional')
    .map(([key]) => key);
}

/** Every declared key of the object at `segments` (for "known: ..." hints); empty when it is not an object. */
export function keysAt(schema: z.ZodType, segments: readonly PathSegment[]): string[] {
  let current: z.ZodType = schema;
  for (const segment of segments) {
    const next = step(current, segment);
    if (next === null || next === 'any') return [];
    current = next;
  }
  const def = defOf(unwrap(current).core);
  return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
}
