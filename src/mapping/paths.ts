/**
 * Dot paths with array indexes (`externalReference[0].id`, `Content.email`), as mapping files write them.
 * Parsing happens once at load; apply() only walks the parsed segments.
 */
export type PathSegment = string | number;

/** Names that would reach an object's prototype instead of a property: refused at load, never walked. */
export const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'prototype', 'constructor']);

const SEGMENT = /^([^.[\]]+)((?:\[\d+\])*)$/;

/** `a.b[0].c` (or `a.b.0.c`) → `['a', 'b', 0, 'c']`; null when the text is not a path. */
export function parsePath(text: string): PathSegment[] | null {
  if (text.length === 0) return null;
  const out: PathSegment[] = [];
  for (const part of text.split('.')) {
    const match = SEGMENT.exec(part);
    if (match === null) return null;
    const name = match[1] as string;
    // `leads.0.email` reads as `leads[0].email`: a key made only of digits is an index in practice.
    out.push(/^\d+$/.test(name) ? Number(name) : name);
    for (const index of (match[2] ?? '').matchAll(/\[(\d+)\]/g)) out.push(Number(index[1]));
  }
  return out;
}

/** The inverse of parsePath for data paths (record or body): `['Content', 'email']` → `Content.email`. */
export function formatPath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? segment : `.${segment}`;
  }
  return out;
}

/**
 * A path inside a mapping file, where map keys may themselves contain dots (`fields["Content.email"]`): quoted in
 * brackets when they would read ambiguously.
 */
export function formatFilePath(segments: readonly PathSegment[]): string {
  let out = '';
  for (const segment of segments) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** Reads own properties only, so a hostile record can never lead us into a prototype. */
export function getPath(value: unknown, segments: readonly PathSegment[]): unknown {
  let current = value;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    if (typeof segment === 'number') {
      if (!Array.isArray(current)) return undefined;
      current = current[segment];
    } else {
      if (Array.isArray(current) || !Object.hasOwn(current, segment)) return undefined;
      current = (current as Record<string, unknown>)[segment];
    }
  }
  return current;
}

/** Writes into a body, creating objects and arrays on the way. Segments were checked at load (no prototype keys). */
export function setPath(target: Record<string, unknown>, segments: readonly PathSegment[], value: unknown): void {
  let current: Record<string | number, unknown> | unknown[] = target;
  segments.forEach((segment, i) => {
    const last = i === segments.length - 1;
    const container = current as Record<string | number, unknown>;
    if (last) {
      container[segment] = value;
      return;
    }
    const next = segments[i + 1];
    const existing = container[segment];
    if (existing === null || typeof existing !== 'object') {
      container[segment] = typeof next === 'number' ? [] : {};
    }
    current = container[segment] as Record<string, unknown>;
  });
}
