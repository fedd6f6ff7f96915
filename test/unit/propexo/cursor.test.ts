import { describe, expect, it } from 'vitest';
import { afterPage, pageOffset, readCursor, resume, storeCursor, type PropexoCursor } from '../../../src/providers/propexo/cursor.ts';
import { seededRandom } from '../../../src/simulators/faults.ts';

interface Row {
  id: string;
  version: number;
  updated_at: string;
}

/**
 * An in-memory Propexo list as "Get all Prospects" documents it: `updated_at_gte` (inclusive), `order-by=
 * updated_at:asc,id:asc`, offset paging. `tick` ms between writes; 0 makes ties.
 */
class FakeList {
  rows = new Map<string, Row>();
  clock = Date.parse('2026-01-01T00:00:00Z');
  readonly tick: number;
  constructor(tick = 1_000) {
    this.tick = tick;
  }
  write(id: string): void {
    this.clock += this.tick;
    this.rows.set(id, { id, version: (this.rows.get(id)?.version ?? 0) + 1, updated_at: new Date(this.clock).toISOString() });
  }
  page(gte: string | null, offset: number, limit: number): { records: Row[]; hasMore: boolean } {
    const sorted = [...this.rows.values()]
      .filter((r) => gte === null || Date.parse(r.updated_at) >= Date.parse(gte))
      .sort((a, b) => Date.parse(a.updated_at) - Date.parse(b.updated_at) || (a.id < b.id ? -1 : 1));
    return { records: sorted.slice(offset, offset + limit), hasMore: offset + limit < sorted.length };
  }
}

/** What the connector's listPage does with one page, run until done. */
function run(list: FakeList, start: PropexoCursor, limit: number, between: () => void = () => {}) {
  const seen: Row[] = [];
  let position = start;
  let calls = 0;
  for (;;) {
    const page = list.page(position.after, pageOffset(position, limit), limit);
    calls++;
    const out = afterPage(position, page.records, limit, (r) => ({ id: r.id, updatedAt: r.updated_at }));
    seen.push(...out.kept.map((r) => ({ ...r })));
    position = out.next;
    if (!page.hasMore || page.records.length === 0) return { seen, next: position, calls };
    between();
  }
}

describe('propexo incremental cursor (updated_at_gte, oldest change first)', () => {
  it('reads everything from null, then only what changed since the mark', () => {
    const list = new FakeList();
    for (let i = 0; i < 10; i++) list.write(`r${i}`);
    const first = run(list, readCursor(null), 3);
    expect(first.seen).toHaveLength(10);
    expect(first.next).toEqual({ after: list.rows.get('r9')!.updated_at, skip: 1, seen: ['r9'] });
    list.write('r2');
    list.write('new');
    const second = run(list, readCursor(storeCursor(first.next)), 3);
    expect(second.seen.map((r) => r.id)).toEqual(['r2', 'new']);
    // Unchanged: one call, nothing new.
    const third = run(list, readCursor(storeCursor(second.next)), 3);
    expect(third).toMatchObject({ seen: [], calls: 1 });
  });

  it('ties at the mark across page boundaries are neither missed nor read twice', () => {
    const list = new FakeList(0);
    for (let i = 0; i < 11; i++) list.write(`r${String(i).padStart(2, '0')}`);
    const { seen, next } = run(list, readCursor(null), 4);
    expect(seen.map((r) => r.id)).toEqual([...list.rows.keys()]);
    expect(next).toMatchObject({ skip: 11, seen: null });
    // A record at the mark updated between pages cannot make the next page skip one.
    const small = new FakeList();
    for (const id of ['a', 'b', 'c', 'd']) small.write(id);
    let position = readCursor(null);
    const firstPage = afterPage(position, small.page(null, 0, 2).records, 2, (r) => ({ id: r.id, updatedAt: r.updated_at }));
    position = firstPage.next; // mark at b
    small.write('b'); // b moves to the end
    const rest = run(small, position, 2);
    expect(rest.seen.map((r) => r.id)).toEqual(['c', 'd', 'b']);
  });

  it('never misses a version: what a run skips under concurrent writes, the next run reads', () => {
    const random = seededRandom(42);
    for (let trial = 0; trial < 200; trial++) {
      const list = new FakeList(random() < 0.3 ? 0 : 1_000);
      const size = 5 + Math.floor(random() * 40);
      for (let i = 0; i < size; i++) list.write(`r${i}`);
      // Pages of 2 or more: a page of 1 can never hold a seen tie plus a new record (offset mode, see cursor.ts).
      const limit = 2 + Math.floor(random() * 7);
      let nextId = size;
      const mutate = () => {
        const writes = Math.floor(random() * 3);
        for (let w = 0; w < writes; w++) list.write(random() < 0.3 ? `r${nextId++}` : `r${Math.floor(random() * nextId)}`);
      };
      const first = run(list, readCursor(null), limit, mutate);
      const second = run(list, readCursor(resume(storeCursor(first.next), 0)), limit);
      const seen = new Set([...first.seen, ...second.seen].map((r) => `${r.id}@${r.version}`));
      for (const row of list.rows.values()) expect(seen.has(`${row.id}@${row.version}`)).toBe(true);
    }
  });

  it('resume steps the mark back by the lookback; null stays a full scan; an older deploy’s cursor is read', () => {
    expect(readCursor(resume({ after: '2026-01-01T00:01:00.000Z', skip: 3, seen: '["x"]' }, 60_000))).toEqual({ after: '2026-01-01T00:00:00.000Z', skip: 0, seen: [] });
    expect(resume(null, 1_000)).toBeNull();
    expect(resume({ after: null, skip: 0, seen: null }, 1_000)).toBeNull();
    expect(readCursor({ since: '2026-01-01T00:00:00.000Z', offset: 40, hwm: null })).toEqual({ after: '2026-01-01T00:00:00.000Z', skip: 0, seen: null });
    expect(() => readCursor({ after: 'x' })).toThrow();
  });
});
