/** The finite transform registry: every transform a mapping file can name. Adding one means adding it here. */
import { email, phone } from './contact.ts';
import { date } from './date.ts';
import { lookup } from './lookup.ts';
import { centsToDollars, dollarsToCents, toNumber, toString } from './number.ts';
import { join, lowercase, splitName, trim, truncate, uppercase } from './text.ts';
import type { TransformDefinition } from './types.ts';

export const TRANSFORMS = {
  trim,
  lowercase,
  uppercase,
  splitName,
  join,
  truncate,
  phone,
  email,
  date,
  toNumber,
  toString,
  dollarsToCents,
  centsToDollars,
  lookup,
} as const;

export type TransformName = keyof typeof TRANSFORMS;
export const TRANSFORM_NAMES = Object.keys(TRANSFORMS) as TransformName[];

export function getTransform(name: string): TransformDefinition<unknown> | null {
  return Object.hasOwn(TRANSFORMS, name) ? (TRANSFORMS[name as TransformName] as TransformDefinition<unknown>) : null;
}

export type { StepResult, TransformDefinition, ValueKind } from './types.ts';
