import type { z } from 'zod';
import type { FieldInfo } from '../introspect.ts';

/** What flows between transforms; `any` accepts or produces every kind. Checked along the chain at load. */
export type ValueKind = 'string' | 'number' | 'boolean' | 'array' | 'object' | 'any';

/** A step either yields a value (null means "empty": the field's default or omit rule then applies) or a reason. */
export type StepResult = { ok: true; value: unknown } | { ok: false; reason: string };

/**
 * One entry of the finite transform registry. Mapping files name transforms; they never carry code.
 * `args` is null for transforms written as a bare name; otherwise its schema parses the argument (and, when it
 * accepts `undefined`, the bare name is allowed too, with the defaults).
 */
export interface TransformDefinition<A = unknown> {
  readonly name: string;
  /** One line for the reference docs and `--explain`. */
  readonly summary: string;
  readonly args: z.ZodType<A> | null;
  readonly input: readonly ValueKind[];
  readonly output: ValueKind;
  /** A load-time check needing the target field (e.g. `truncate` with no length needs the target's max length). */
  check?(args: A, target: FieldInfo | null): string | null;
  /** Called with a non-empty value only; must not throw (apply() still guards it). */
  apply(value: unknown, args: A, target: FieldInfo | null): StepResult;
}

export function ok(value: unknown): StepResult {
  return { ok: true, value };
}

export function fail(reason: string): StepResult {
  return { ok: false, reason };
}

/** Text transforms take strings, and numbers or booleans as their text; anything else is a record-level error. */
export function asText(value: unknown): string | null {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return null;
}

export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  return typeof value;
}

export function defineTransform<A>(definition: TransformDefinition<A>): TransformDefinition<A> {
  return definition;
}
