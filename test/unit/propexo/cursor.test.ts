import { describe, expect, it } from 'vitest';
import { advance, readCursor, resume, type PropexoCursor } from '../../../src/providers/propexo/cursor.ts';
import { seededRandom } from '../../../src/simulators/faults.ts';

interface Row {
  id: string;
  version: number;
  updated_at: string;
}

/** An in-memory Propexo list: newest first, offset paging, writes that stamp a strictly later updated_at. */
class FakeList {
  rows = new Map<string, Row>();
  clock = Date.parse('2026-01-01T00:00:00Z');
  write(id: string): void {
    this.clock += 1_000;
    this.rows.set(id, { id, version: (this.rows.get(id)?.version ?? 0) + 1, updated_at: new Date(this.clock).toISOString() });
  }
  page(offset: number, limit: number): { records: Row[]; hasMore: boolean } {
    const sorted = [...this.rows.values()].sort((a, b) => Date.parse(b.updated_at) - Date.parse(a.updated_at) || (a.id < b.id ? 1 : -1));
    return { records: sorted.slice(offset, offset + limit), hasMore: offset + limit < sorted.length };
  }
}

function run(list: FakeList, start: PropexoCursor, limit: number, between: () => void = () => {}) {
  const seen: Row[] = [];
  let position = start;
  for (;;) {
    const page = list.page(position.offset, limit);
    const out = advance(position, page.records, page.hasMore, (r) => r.updated_at);
    seen.push(...out.kept.map((r) => ({ ...r })));
    position = out.next;
    if (out.done) return { seen, next: position };
    between();
  }
}

describe('propexo incremental cursor', () => {
  it('stops at `since` (inclusive) and hands the first page’s newest updated_at on as the next stop point', () => {
    const list = new FakeList();
    for (let i = 0; i < 10; i++) list.write(`r${i}`);
    const first = run(list, readCursor(null), 3);
    expect(first.seen).toHaveLength(10);
    expect(first.next).toEqual({ since: list.rows.get('r9')!.updated_at, offset: 0, hwm: null });
    list.write('r2');
    list.write('new');
    const second = run(list, readCursor(first.next), 3);
    expect(second.seen.map((r) => r.id)).toEqual(['new', 'r2', 'r9']);
  });

  it('never misses a version: what a run skips under concurrent writes, the next run reads', () => {
    const random = seededRandom(42);
    for (let trial = 0; trial < 200; trial++) {
      const list = new FakeList();
      const size = 5 + Math.floor(random() * 40);
      for (let i = 0; i < size; i++) list.write(`r${i}`);
      const limit = 1 + Math.floor(random() * 7);
      let nextId = size;
      const mutate = () => {
        const writes = Math.floor(random() * 3);
        for (let w = 0; w < writes; w++) list.write(random() < 0.3 ? `r${nextId++}` : `r${Math.floor(random() * nextId)}`);
      };
      const first = run(list, readCursor(null), limit, mutate);
      const second = run(list, readCursor(resume(first.next, 0)), limit);
      const seen = new Set([...first.seen, ...second.seen].map((r) => `${r.id}@${r.version}`));
      for (const row of list.rows.values()) expect(seen.has(`${row.id}@${row.version}`)).toBe(true);
    }
  });

  it('resume steps the stop point back by the lookback; null stays a full scan', () => {
    expect(resume({ since: '2026-01-01T00:01:00.000Z', offset: 0, hwm: null }, 60_000)).toEqual({ since: '2026-01-01T00:00:00.000Z', offset: 0, hwm: null });
    expect(resume(null, 1_000)).toBeNull();
    expect(resume({ since: null, offset: 0, hwm: null }, 1_000)).toBeNull();
    expect(() => readCursor({ after: 'x' })).toThrow();
  });
});
