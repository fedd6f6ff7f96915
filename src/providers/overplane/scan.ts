/**
 * A full scan of Overplane's prospect list that stays exact while the list changes under it.
 *
 * The list is newest first with offset paging, so a record created during the scan pushes every record down one
 * place: read naively, the last record of one page comes back as the first of the next (read twice); a record
 * deleted ahead of our position pulls every record up one place (the next page skips one: missed). A miss is the
 * worse outcome, since a full-scan diff would take the missed record for a deleted one.
 *
 * So the cursor remembers the last record handed out (the anchor: id and created_at), where it was (`offset`) and
 * the list's `total` then. Each next page re-reads from the anchor's old place, one row more than the page
 * (an overlap of one), and hands out only the rows after the anchor:
 *  - anchor found at index i: i records were created ahead of us; rows up to the anchor are dropped (exact);
 *  - anchor not in the window: jump by the change of `total` (exact when only creations and deletions ahead of us
 *    happened), then navigate by created_at (the list is in creation order): step back while the window starts
 *    past the anchor, step forward while it is all newer;
 *  - anchor deleted: keep the rows not newer than it. A row created at the anchor's very instant may then be read
 *    twice, never missed.
 *
 * Records created during the scan land at the head, before the record that was first when the scan began. Once
 * the tail is read, a short "head" phase reads from the top down to that record, so they are read in this run too.
 * A scan that fits in one request is a consistent snapshot and has no head phase.
 */
import { z } from 'zod';

/** What the scan needs of a listed record. */
export interface ScanRow {
  id: string;
  created_at?: string | null | undefined;
}
export interface ScanAnswer<R> {
  data: R[];
  has_more: boolean;
  total: number;
}
export type FetchPage<R> = (offset: number, limit: number) => Promise<ScanAnswer<R>>;

/** JSON-serialisable (flat, primitives only): it is the engine's `Cursor`. */
export const OverplaneScanCursor = z.object({
  phase: z.enum(['tail', 'head']),
  /** Where the row after the anchor was, on the last read. */
  offset: z.number().int().min(0),
  /** `total` on the last read: its change is the first guess of how far the anchor moved. */
  total: z.number().int().min(0),
  anchorId: z.string().nullable(),
  anchorAt: z.string().nullable(),
  /** The newest record when the scan began: the head phase stops there. */
  headId: z.string().nullable(),
  headAt: z.string().nullable(),
});
export type OverplaneScanCursor = z.infer<typeof OverplaneScanCursor>;

export interface ScanPage<R> {
  rows: R[];
  next: OverplaneScanCursor;
  done: boolean;
}

/** Re-reads allowed to find a moved anchor before settling for the conservative answer. */
const MAX_RELOCATE = 6;

/** Epoch ms of a created_at, NaN when unreadable (the seed's own example has spaces in it: they are dropped). */
export function createdAtMs(value: string | null | undefined): number {
  return value ? Date.parse(value.replace(/\s+/g, '')) : Number.NaN;
}

type Order = 'newer' | 'older' | 'same' | 'unknown';
function order(row: ScanRow, atMs: number): Order {
  const ms = createdAtMs(row.created_at);
  if (Number.isNaN(ms) || Number.isNaN(atMs)) return 'unknown';
  return ms > atMs ? 'newer' : ms < atMs ? 'older' : 'same';
}

/**
 * Reads one page of the scan. `limit` is the page size; anchored reads ask for `limit + 1` rows, so the caller
 * keeps `limit` below the provider's maximum.
 */
export async function scanPage<R extends ScanRow>(cursor: OverplaneScanCursor | null, limit: number, fetch: FetchPage<R>): Promise<ScanPage<R>> {
  if (cursor === null) {
    const answer = await fetch(0, limit);
    const first = answer.data[0];
    const last = answer.data.at(-1);
    const next: OverplaneScanCursor = {
      phase: 'tail',
      offset: answer.data.length,
      total: answer.total,
      anchorId: last?.id ?? null,
      anchorAt: last?.created_at ?? null,
      headId: first?.id ?? null,
      headAt: first?.created_at ?? null,
    };
    return { rows: answer.data, next, done: !answer.has_more || first === undefined };
  }

  const read = await readAfterAnchor(cursor, limit, fetch);
  let rows = read.rows;
  let reachedHead = false;
  if (cursor.phase === 'head') {
    const headMs = createdAtMs(cursor.headAt);
    const hasHead = rows.some((row) => row.id === cursor.headId);
    // The head record itself, or (if it was deleted) the first row not newer than it, ends the head phase.
    const stop = rows.findIndex((row) => (hasHead ? row.id === cursor.headId : ['older', 'same'].includes(order(row, headMs))));
    if (stop >= 0) {
      rows = rows.slice(0, stop);
      reachedHead = true;
    }
  }
  const last = rows.at(-1);
  const moved = {
    offset: read.nextOffset,
    total: read.answer.total,
    anchorId: last ? last.id : cursor.anchorId,
    anchorAt: last ? (last.created_at ?? null) : cursor.anchorAt,
  };
  const endOfList = !read.answer.has_more;
  if (cursor.phase === 'tail' && endOfList) {
    if (cursor.headId === null) return { rows, next: { ...cursor, ...moved }, done: true };
    const head: OverplaneScanCursor = { ...cursor, phase: 'head', offset: 0, total: read.answer.total, anchorId: null, anchorAt: null };
    return { rows, next: head, done: false };
  }
  return { rows, next: { ...cursor, ...moved }, done: cursor.phase === 'head' && (reachedHead || endOfList) };
}

/** The rows after the cursor's anchor (from the top when there is none), wherever the anchor has moved to. */
async function readAfterAnchor<R extends ScanRow>(
  cursor: OverplaneScanCursor,
  limit: number,
  fetch: FetchPage<R>,
): Promise<{ rows: R[]; answer: ScanAnswer<R>; nextOffset: number }> {
  if (cursor.anchorId === null) {
    const answer = await fetch(cursor.offset, limit);
    return { rows: answer.data, answer, nextOffset: cursor.offset + answer.data.length };
  }
  const anchorId = cursor.anchorId;
  const anchorMs = createdAtMs(cursor.anchorAt);
  const guess = Math.max(0, cursor.offset - 1);
  let start = guess;
  for (let attempt = 0; ; attempt++) {
    const answer = await fetch(start, limit + 1);
    const rows = answer.data;
    const at = rows.findIndex((row) => row.id === anchorId);
    if (at >= 0) return { rows: rows.slice(at + 1), answer, nextOffset: start + rows.length };

    let retry: number | null = null;
    const delta = answer.total - cursor.total;
    if (attempt === 0 && delta !== 0) retry = Math.max(0, guess + delta);
    else if (attempt < MAX_RELOCATE) {
      const first = rows[0];
      if (first === undefined) retry = start === 0 ? null : Math.max(0, Math.min(start, answer.total) - limit);
      else if (start > 0 && order(first, anchorMs) === 'older') retry = Math.max(0, start - limit);
      else if (answer.has_more && rows.every((row) => order(row, anchorMs) === 'newer')) retry = start + rows.length;
    }
    if (retry !== null && retry !== start) {
      start = retry;
      continue;
    }
    // The anchor is gone (deleted mid-scan) or cannot be placed: keep every row that is not newer than it.
    const keepFrom = rows.findIndex((row) => order(row, anchorMs) !== 'newer');
    return { rows: keepFrom < 0 ? [] : rows.slice(keepFrom), answer, nextOffset: start + rows.length };
  }
}
