import { ApiError, ApiErrorCode, type FieldIssue } from './errors.ts';

/**
 * Limits on the shape of every JSON body, checked at the edge before any route sees it. Recursive code further
 * in (BullMQ's `Job.asJSON`, canonical JSON, zod) must never meet a structure deep enough to exhaust the stack,
 * and a single multi-megabyte string (an id, a name) must not reach job data or a log line.
 */
export const BODY_LIMITS = Object.freeze({
  /** Nesting of objects and arrays, the body itself being depth 1. A prospect record needs a handful. */
  maxDepth: 32,
  /** Characters in one string value. */
  maxStringLength: 32_768,
  /** Characters in one object key. */
  maxKeyLength: 256,
  /**
   * Items in one array: far above what any route takes (100 inline records, 1,000 source ids), and low enough that
   * a 1 MB body of 300,000 empty objects is refused here, not walked by validation (~0.75 s of CPU, the event loop
   * blocked for every other request).
   */
  maxArrayLength: 10_000,
});

/** Keys that would rewrite an object's prototype if some code copied the body with assignment. */
const FORBIDDEN_KEYS = new Set(['__proto__']);

const shown = (segment: string | number) => {
  const text = String(segment);
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
};

/** The first way `body` breaks BODY_LIMITS, as a field issue naming where; null when it keeps to them. */
export function bodyShapeIssue(body: unknown, root = 'body'): FieldIssue | null {
  const where = (path: ReadonlyArray<string | number>) => [root, ...path.map(shown)].join('.');
  const tooLong = (path: ReadonlyArray<string | number>): FieldIssue => ({ field: where(path), message: `longer than ${BODY_LIMITS.maxStringLength} characters` });
  if (typeof body === 'string') return body.length > BODY_LIMITS.maxStringLength ? tooLong([]) : null;
  if (body === null || typeof body !== 'object') return null;
  // Iterative walk: the point is to survive input that would overflow a recursive one.
  const stack: Array<{ value: object; path: Array<string | number> }> = [{ value: body, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop() as (typeof stack)[number];
    if (path.length >= BODY_LIMITS.maxDepth) return { field: where(path), message: `nested deeper than ${BODY_LIMITS.maxDepth} levels` };
    if (Array.isArray(value) && value.length > BODY_LIMITS.maxArrayLength) return { field: where(path), message: `more than ${BODY_LIMITS.maxArrayLength} items` };
    const entries: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((v, i) => [i, v]) : Object.entries(value);
    for (const [key, child] of entries) {
      if (typeof key === 'string') {
        if (key.length > BODY_LIMITS.maxKeyLength) return { field: where(path), message: `a key longer than ${BODY_LIMITS.maxKeyLength} characters` };
        if (FORBIDDEN_KEYS.has(key) || (key === 'prototype' && path.at(-1) === 'constructor')) return { field: where([...path, key]), message: `the key "${key}" is not allowed` };
      }
      if (typeof child === 'string' && child.length > BODY_LIMITS.maxStringLength) return tooLong([...path, key]);
      if (child !== null && typeof child === 'object') stack.push({ value: child, path: [...path, key] });
    }
  }
  return null;
}

/**
 * Throws a 400 naming the path when a parsed body breaks BODY_LIMITS. Buffers (raw webhook bodies) pass unchecked:
 * answers whether a parsed body was checked.
 */
export function guardBody(body: unknown): boolean {
  if (body === null || typeof body !== 'object' || Buffer.isBuffer(body)) return false;
  const issue = bodyShapeIssue(body);
  if (issue) throw new ApiError(400, ApiErrorCode.VALIDATION, `invalid request: ${issue.field}: ${issue.message}`, [issue]);
  return true;
}
