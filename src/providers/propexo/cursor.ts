import { z } from 'zod';
import type { Cursor } from '../types.ts';

/**
 * Propexo's listing position. Propexo lists page by offset only (no documented `updated_after` filter), so an
 * incremental run reads **newest first** (`order-by=updated_at:desc`) and stops at `since`:
 *
 * - `since`: the stop point, the previous run's high-water mark (inclusive, so ties at that instant are read
 *   again rather than missed); null reads everything.
 * - `offset`: where the next page starts in this run.
 * - `hwm`: the newest `updated_at` on the run's first page; it becomes the next run's `since`.
 *
 * Why newest first: a record created or updated mid-scan moves to the **front** of the list. Everything after it
 * shifts towards higher offsets, so offset paging can read a record twice but never skip one; the moved record
 * itself carries an `updated_at` later than this run's `hwm`, so the next run reads it. (Oldest first would move
 * updated records to the end and shift the unread ones back past our offset: those would be silently skipped.)
 */
export const PropexoCursor = z.object({
  since: z.string().nullable(),
  offset: z.number().int().min(0),
  hwm: z.string().nullable(),
});
export type PropexoCursor = z.infer<typeof PropexoCursor>;

export const START: PropexoCursor = Object.freeze({ since: null, offset: 0, hwm: null });

export function readCursor(cursor: Cursor): PropexoCursor {
  return cursor === null ? START : PropexoCursor.parse(cursor);
}

/** An ISO string in UTC with milliseconds, or null when unreadable. */
export function toIso(value: string): string | null {
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

export interface PageOutcome<R> {
  kept: R[];
  next: PropexoCursor;
  done: boolean;
}

/**
 * Applies the stop point to one newest-first page and computes the position after it. `updatedAt` reads a
 * record's timestamp (null when it has none: such a record is kept and never stops the run).
 */
export function advance<R>(
  position: PropexoCursor,
  records: readonly R[],
  hasMore: boolean,
  updatedAt: (record: R) => string | null,
): PageOutcome<R> {
  const sinceMs = position.since === null ? null : Date.parse(position.since);
  const kept: R[] = [];
  let reachedStop = false;
  for (const record of records) {
    const at = updatedAt(record);
    if (sinceMs !== null && at !== null && Date.parse(at) < sinceMs) {
      // Sorted newest first: everything after this one is older still.
      reachedStop = true;
      break;
    }
    kept.push(record);
  }
  let hwm = position.hwm;
  if (hwm === null) {
    const times = kept.map(updatedAt).filter((t): t is string => t !== null).map(Date.parse);
    if (times.length > 0) hwm = new Date(Math.max(...times)).toISOString();
  }
  const done = reachedStop || !hasMore || records.length === 0;
  const next = done ? { since: hwm ?? position.since, offset: 0, hwm: null } : { since: position.since, offset: position.offset + records.length, hwm };
  return { kept, next, done };
}

/** The next run's start: the last run's stop point stepped back by `lookbackMs` for late-committed writes. */
export function resume(last: Cursor, lookbackMs: number): Cursor {
  if (last === null) return null;
  const { since } = PropexoCursor.parse(last);
  if (since === null) return null;
  return { since: new Date(Date.parse(since) - lookbackMs).toISOString(), offset: 0, hwm: null };
}
