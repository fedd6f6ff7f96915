import { z } from 'zod';
import type { Cursor } from '../types.ts';

/**
 * Propexo's listing position for an incremental pull. "Get all Prospects" documents `updated_at_gte` ("records
 * updated at or after this datetime": inclusive) and `order-by` with several fields (`updated_at:asc,id:asc`), so a
 * run reads oldest change first from a high-water mark, like the Trata connector:
 *
 * - `after`: the mark, sent as `updated_at_gte`; null reads everything (the first run, or `--full`).
 * - `seen`: the ids already read at exactly the mark. The next page asks from the mark at offset 0 and drops them,
 *   so a record at the mark that is updated between two pages (it moves behind the end) cannot shift the offset
 *   and make us skip the record after it.
 * - `skip`: how many records at the mark were read; used as the offset only when more records share one instant
 *   than fit in a page (`seen` is then null). There, a record at the mark updated between two pages can still
 *   shift the offset by one; the next run's lookback reads that instant again.
 *
 * Paging moves the mark forward (keyset): a record updated mid-scan moves behind the mark and is read later in
 * this run or by the next one.
 */
export interface PropexoCursor {
  after: string | null;
  skip: number;
  seen: string[] | null;
}

/** As stored in job data and Redis, where a cursor holds only scalars: `seen` travels as a JSON array in text. */
const StoredCursor = z.object({
  after: z.string().nullable(),
  skip: z.number().int().min(0),
  seen: z.string().nullable().default(null),
});
const SeenIds = z.array(z.string());

/** The position as a job-data cursor (scalars only). */
export function storeCursor(position: PropexoCursor): Cursor {
  return { after: position.after, skip: position.skip, seen: position.seen === null ? null : JSON.stringify(position.seen) };
}

/** The newest-first cursor of an older deploy: its stop point becomes the mark. */
const OlderCursor = z.object({ since: z.string().nullable(), offset: z.number().int().min(0), hwm: z.string().nullable() });

export const START: PropexoCursor = Object.freeze({ after: null, skip: 0, seen: null });

export function readCursor(cursor: Cursor): PropexoCursor {
  if (cursor === null) return START;
  const older = OlderCursor.safeParse(cursor);
  if (older.success) return { after: older.data.since, skip: 0, seen: null };
  const stored = StoredCursor.parse(cursor);
  return { after: stored.after, skip: stored.skip, seen: stored.seen === null ? null : SeenIds.parse(JSON.parse(stored.seen)) };
}

/** An ISO string in UTC with milliseconds, or null when unreadable. */
export function toIso(value: string | null | undefined): string | null {
  if (!value) return null;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** The offset to ask for: 0 when the ids read at the mark are known (and fewer than a page), else `skip`. */
export function pageOffset(position: PropexoCursor, limit: number): number {
  return position.after !== null && position.seen !== null && position.seen.length < limit ? 0 : position.skip;
}

export interface PageRow {
  id: string;
  /** ISO `updated_at`, or null when the record has none (kept, never moves the mark). */
  updatedAt: string | null;
}

/**
 * Applies one page (asked at `pageOffset(position, limit)`, in `updated_at` order) to the position: the rows to
 * keep (those at the mark already read are dropped) and the position after them.
 */
export function afterPage<R>(position: PropexoCursor, rows: readonly R[], limit: number, row: (r: R) => PageRow): { kept: R[]; next: PropexoCursor } {
  const byIds = pageOffset(position, limit) === 0 && position.seen !== null;
  const seenAtMark = new Set(byIds ? position.seen : []);
  const kept = rows.filter((r) => {
    const { id, updatedAt } = row(r);
    return !(updatedAt !== null && updatedAt === position.after && seenAtMark.has(id));
  });
  const stamped = rows.map(row).filter((r): r is { id: string; updatedAt: string } => r.updatedAt !== null);
  const last = stamped.at(-1)?.updatedAt ?? null;
  if (last === null) return { kept, next: position };
  const tiesHere: string[] = [];
  for (let i = stamped.length - 1; i >= 0 && stamped[i]!.updatedAt === last; i--) tiesHere.push(stamped[i]!.id);
  if (last !== position.after) {
    return { kept, next: { after: last, skip: tiesHere.length, seen: tiesHere.length < limit ? tiesHere : null } };
  }
  if (byIds) {
    // Asked from offset 0: the page holds the ties read before as well.
    const seen = [...new Set([...seenAtMark, ...tiesHere])];
    return { kept, next: { after: last, skip: seen.length, seen: seen.length < limit ? seen : null } };
  }
  // More ties than a page: the offset grows across them.
  return { kept, next: { after: last, skip: position.skip + tiesHere.length, seen: null } };
}

/** The next run's start: the last run's mark stepped back by `lookbackMs` for late-committed writes. */
export function resume(last: Cursor, lookbackMs: number): Cursor {
  if (last === null) return null;
  const { after } = readCursor(last);
  if (after === null) return null;
  return storeCursor({ after: new Date(Date.parse(after) - lookbackMs).toISOString(), skip: 0, seen: [] });
}

/** A listing of every record updated at or after `since` (a rewind; `updated_at_gte` is inclusive). Null: from the start. */
export function cursorAt(since: string | null): Cursor {
  if (since === null) return null;
  const after = toIso(since);
  if (after === null) throw new RangeError(`not an ISO 8601 time: ${since}`);
  return storeCursor({ after, skip: 0, seen: [] });
}

/** The instant a saved cursor reads from, null for the start or an unreadable cursor. */
export function cursorSince(cursor: Cursor): string | null {
  try {
    return readCursor(cursor).after;
  } catch {
    return null;
  }
}
