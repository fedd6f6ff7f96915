import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanPage, type OverplaneScanCursor, type ScanAnswer, type ScanPage } from '../../../src/providers/overplane/scan.ts';

interface Row {
  id: string;
  created_at: string;
}

/** Overplane's list in memory: newest first, offset paging, with a hook to change it before any request. */
class FakeList {
  rows: Row[] = []; // oldest first
  calls = 0;
  beforeFetch: ((call: number) => void) | null = null;
  #n = 0;
  #ms = Date.parse('2025-01-01T00:00:00Z');

  create(): string {
    const id = `prospect_${String(++this.#n).padStart(5, '0')}`;
    this.rows.push({ id, created_at: new Date((this.#ms += 1000)).toISOString() });
    return id;
  }
  delete(id: string): void {
    this.rows = this.rows.filter((r) => r.id !== id);
  }
  fetch = async (offset: number, limit: number): Promise<ScanAnswer<Row>> => {
    this.beforeFetch?.(this.calls);
    this.calls++;
    const newestFirst = [...this.rows].reverse();
    const data = newestFirst.slice(offset, offset + limit);
    return { data, has_more: offset + data.length < newestFirst.length, total: newestFirst.length };
  };
}

async function scanAll(list: FakeList, pageSize: number, onPage?: (cursor: OverplaneScanCursor) => void) {
  const read: string[] = [];
  let cursor: OverplaneScanCursor | null = null;
  let pages = 0;
  let headStartsAtCall: number | null = null;
  for (;;) {
    if (cursor?.phase === 'head' && headStartsAtCall === null) headStartsAtCall = list.calls;
    const page: ScanPage<Row> = await scanPage(cursor, pageSize, list.fetch);
    pages++;
    read.push(...page.rows.map((r) => r.id));
    cursor = page.next;
    onPage?.(cursor);
    if (page.done) break;
    if (pages > 10_000) throw new Error('scan did not end');
  }
  return { read, pages, headStartsAtCall };
}

const counts = (ids: string[]) => ids.reduce((m, id) => m.set(id, (m.get(id) ?? 0) + 1), new Map<string, number>());

describe('overplane scan over a newest-first offset list', () => {
  it('reads a still list once, in pages, plus one head check', async () => {
    const list = new FakeList();
    for (let i = 0; i < 25; i++) list.create();
    const { read, pages } = await scanAll(list, 10);
    expect(read).toEqual([...list.rows].reverse().map((r) => r.id));
    expect(pages).toBe(4); // 10 + 10 + 5, then the head phase finds nothing new
    expect(list.calls).toBe(4);
  });

  it('a list that fits one page is a snapshot: one request, no head phase', async () => {
    const list = new FakeList();
    for (let i = 0; i < 5; i++) list.create();
    const { read, pages } = await scanAll(list, 10);
    expect(read).toHaveLength(5);
    expect(pages).toBe(1);
  });

  it('records created between pages shift the list, yet none is missed or read twice', async () => {
    const list = new FakeList();
    for (let i = 0; i < 30; i++) list.create();
    const created: string[] = [];
    list.beforeFetch = (call) => {
      if (call > 0 && call < 4) created.push(list.create(), list.create());
    };
    const { read } = await scanAll(list, 10);
    expect(new Set(read).size).toBe(read.length);
    expect(new Set(read)).toEqual(new Set(list.rows.map((r) => r.id)));
    expect(read).toEqual(expect.arrayContaining(created));
  });

  it('more records created between two pages than a page holds', async () => {
    const list = new FakeList();
    for (let i = 0; i < 30; i++) list.create();
    list.beforeFetch = (call) => {
      if (call === 1) for (let i = 0; i < 25; i++) list.create();
    };
    const { read } = await scanAll(list, 10);
    expect(counts(read).size).toBe(read.length);
    expect(read).toHaveLength(55);
  });

  it('records deleted ahead of the scan pull the list up, yet none is missed', async () => {
    const list = new FakeList();
    for (let i = 0; i < 30; i++) list.create();
    const before = new Set(list.rows.map((r) => r.id));
    const deleted: string[] = [];
    list.beforeFetch = (call) => {
      if (call === 1 || call === 2) {
        // The two newest: already read, ahead of the anchor.
        const newest = list.rows.slice(-2).map((r) => r.id);
        newest.forEach((id) => list.delete(id));
        deleted.push(...newest);
      }
    };
    const { read } = await scanAll(list, 10);
    expect(new Set(read).size).toBe(read.length);
    for (const id of before) expect(read.includes(id) || deleted.includes(id)).toBe(true);
  });

  it('the anchor itself deleted: the scan carries on after where it was', async () => {
    const list = new FakeList();
    for (let i = 0; i < 30; i++) list.create();
    let anchor: string | null = null;
    list.beforeFetch = (call) => {
      if (call === 1 && anchor) list.delete(anchor);
    };
    const { read } = await scanAll(list, 10, (cursor) => {
      anchor ??= cursor.anchorId;
    });
    expect(new Set(read).size).toBe(read.length);
    expect(read).toHaveLength(30);
  });

  it('property: under any creates and deletes between requests, survivors are read exactly once', async () => {
    const op = fc.record({ call: fc.nat({ max: 12 }), kind: fc.constantFrom('create', 'delete'), pick: fc.nat() });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 12 }), fc.array(op, { maxLength: 40 }), async (initial, pageSize, ops) => {
        const list = new FakeList();
        for (let i = 0; i < initial; i++) list.create();
        const createdAt = new Map<string, number>();
        const deleted = new Set<string>();
        list.beforeFetch = (call) => {
          for (const o of ops.filter((x) => x.call === call)) {
            if (o.kind === 'create') createdAt.set(list.create(), call);
            else if (list.rows.length > 0) {
              const id = list.rows[o.pick % list.rows.length]!.id;
              list.delete(id);
              deleted.add(id);
            }
          }
        };
        const { read, headStartsAtCall } = await scanAll(list, pageSize);
        const seen = counts(read);
        for (const [id, n] of seen) expect(n, `${id} read twice`).toBe(1);
        for (const row of list.rows) {
          const bornAt = createdAt.get(row.id);
          // Present from the first request, or created before the head phase looked for newcomers.
          const mustBeRead = bornAt === undefined || bornAt === 0 || (headStartsAtCall !== null && bornAt < headStartsAtCall);
          if (mustBeRead && !deleted.has(row.id)) expect(seen.get(row.id), `${row.id} missed`).toBe(1);
        }
      }),
      { numRuns: 400 },
    );
  });
});
