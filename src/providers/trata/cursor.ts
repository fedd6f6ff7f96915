/**
 * Trata's incremental listing cursor, correct whether `updated_after` is inclusive (`>=`) or exclusive (`>`):
 * Trata does not document which, so the cursor relies on neither.
 *
 * The listing is sorted by `updatedAt` ascending and anchored one microsecond *before* the newest timestamp read
 * (overlap): whichever way the server treats the bound, every record at that newest timestamp comes back, and the
 * ones already read are dropped by id + updatedAt (dedupe). Concretely:
 *  - `last` is the newest `updatedAt` emitted and `seen` the ids emitted at exactly that instant; a record older
 *    than `last`, or at `last` with its id in `seen`, was already emitted in this run and is dropped;
 *  - `after`, sent as `updated_after`, is `last` minus 1 µs (Trata's timestamps carry microseconds). In an ascending
 *    listing every record older than `last` came before it, so everything at or before the anchor has been read
 *    and re-reading it (inclusive) or not (exclusive) changes nothing;
 *  - `skip` pages within one anchor when a page cannot move it (a run of ties longer than a page, or a page
 *    filled by re-read records): it counts rows of that same query, so it is right under either semantics.
 * Re-anchoring on every page keeps `skip` at 0 in the normal case, so a record updated mid-scan (it moves to the
 * end) cannot shift unread records under an offset. The overlap costs the records at `last` once more per page
 * (usually one). Residual risk, stated: inside a run of identical timestamps longer than a page, paging relies on
 * the server keeping one order among the ties from call to call.
 */
import { z } from 'zod';
import type { Cursor, SourceRecord } from '../types.ts';

export const TrataCursor = z.object({
  after: z.string().nullable(),
  skip: z.number().int().min(0),
  // Cursors saved before these fields existed ({after, skip}) read as "nothing emitted yet": a re-read, never a gap.
  last: z.string().nullable().default(null),
  /** Ids emitted at exactly `last`, space-separated (a cursor holds scalars only; Trata ids have no spaces). */
  seen: z.string().default(''),
});
export type TrataCursor = z.infer<typeof TrataCursor>;

export const START: TrataCursor = { after: null, skip: 0, last: null, seen: '' };

/** Microseconds since the epoch of an ISO timestamp with up to 6 fraction digits (Trata sends microseconds). */
export function toMicros(iso: string): number {
  const match = /^(.*T\d{2}:\d{2}:\d{2})(?:\.(\d{1,6}))?\d*(Z|[+-]\d{2}:?\d{2})$/.exec(iso);
  if (!match) return Number.NaN;
  const [, base, fraction = '', zone] = match;
  return Date.parse(`${base}${zone}`) * 1000 + Number(fraction.padEnd(6, '0'));
}

/** An ISO timestamp (UTC, `Z`) with microseconds. */
export function fromMicros(micros: number): string {
  const ms = Math.floor(micros / 1000);
  return `${new Date(ms).toISOString().slice(0, 23)}${String(micros - ms * 1000).padStart(3, '0')}Z`;
}

/** The query parameters of the page `position` points at. */
export function pageQuery(position: TrataCursor): { skip: number; updated_after?: string } {
  return position.after === null ? { skip: position.skip } : { skip: position.skip, updated_after: position.after };
}

/** Drops the records this run already emitted (the overlap). A record without a timestamp is always kept. */
export function unseen(position: TrataCursor, records: readonly SourceRecord[]): SourceRecord[] {
  if (position.last === null) return [...records];
  const last = toMicros(position.last);
  const seen = new Set(position.seen.split(' '));
  return records.filter((record) => {
    if (record.updatedAt === null) return true;
    const at = toMicros(record.updatedAt);
    return at > last || (at === last && !seen.has(record.id));
  });
}

/** The position after a page (`records` as listed, re-read ones included, in the listing's order). */
export function advance(position: TrataCursor, records: readonly SourceRecord[]): TrataCursor {
  const stamped = records.filter((r): r is SourceRecord & { updatedAt: string } => r.updatedAt !== null);
  if (stamped.length === 0) return records.length === 0 ? position : { ...position, skip: position.skip + records.length };

  // Each timestamp read once (a page is up to 1,000 records; this runs for every page of every run).
  const micros = stamped.map((r) => toMicros(r.updatedAt));
  let newestAt = 0;
  for (let i = 1; i < micros.length; i++) if (micros[i]! > micros[newestAt]!) newestAt = i;
  const newest = stamped[newestAt]!.updatedAt;
  const keepLast = position.last !== null && toMicros(position.last) >= micros[newestAt]!;
  const last = keepLast ? (position.last as string) : newest;
  const lastMicros = toMicros(last);
  const ids = new Set(keepLast && position.seen !== '' ? position.seen.split(' ') : []);
  stamped.forEach((r, i) => {
    if (micros[i] === lastMicros) ids.add(r.id);
  });
  const seen = [...ids].join(' ');

  const anchor = lastMicros - 1;
  if (position.after === null || anchor > toMicros(position.after)) return { after: fromMicros(anchor), skip: 0, last, seen };
  // The anchor cannot move (no newer timestamp on this page): page on within the same query.
  return { after: position.after, skip: position.skip + records.length, last, seen };
}

/**
 * Where the next run starts. With no lookback it continues exactly (same anchor and dedupe, offset reset since
 * records may have moved between runs). With a lookback it re-reads everything updated since `last - lookback`
 * (the diff drops what did not change), so an update committed late with an older timestamp is not missed.
 */
export function resume(position: TrataCursor, lookbackMs: number): Cursor {
  if (position.last === null) return position.after === null ? null : { ...position, skip: 0 };
  if (lookbackMs <= 0) return { ...position, skip: 0 };
  return { after: fromMicros(toMicros(position.last) - Math.round(lookbackMs * 1000)), skip: 0, last: null, seen: '' };
}

/**
 * A listing of every record updated at or after `since` (a rewind): anchored 1 µs before it, so the bound reads it
 * whether Trata's `updated_after` is inclusive or not. Null: from the start.
 */
export function cursorAt(since: string | null): Cursor {
  if (since === null) return null;
  const micros = toMicros(since);
  if (Number.isNaN(micros)) throw new RangeError(`not an ISO 8601 time with a zone: ${since}`);
  return { after: fromMicros(micros - 1), skip: 0, last: null, seen: '' };
}

/** The instant a saved cursor reads from (its anchor + 1 µs), null for the start or an unreadable cursor. */
export function cursorSince(cursor: Cursor): string | null {
  const parsed = TrataCursor.safeParse(cursor);
  if (!parsed.success || parsed.data.after === null) return null;
  const micros = toMicros(parsed.data.after);
  return Number.isNaN(micros) ? null : fromMicros(micros + 1);
}
