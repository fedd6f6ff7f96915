import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Cursor, SourceRecord } from '../../../src/providers/types.ts';
import { TrataConnector } from '../../../src/providers/trata/index.ts';
import { startTrataSimulator, type TrataSimulator, type UpdatedAfterMode } from '../../../src/simulators/trata/server.ts';

// Trata does not document whether `updated_after` is inclusive. The simulator plays both; the connector must read
// every record exactly once either way, including runs of records that share one timestamp across page boundaries.

let sim: TrataSimulator;
let connector: TrataConnector;

beforeAll(async () => {
  sim = await startTrataSimulator();
  connector = new TrataConnector({ name: 'trata', provider: 'trata', baseUrl: sim.url, token: sim.token, timeoutMs: 2_000, options: {} });
});
afterAll(() => sim.close());
beforeEach(() => {
  sim.store.clear();
  sim.calls.reset();
});

/** Reads a whole listing from `cursor`; every emitted (id, updatedAt) and the final cursor. */
async function readAll(from: Cursor, pageSize: number): Promise<{ emitted: SourceRecord[]; next: Cursor; pages: number }> {
  const emitted: SourceRecord[] = [];
  let cursor = from;
  for (let pages = 1; pages <= 500; pages++) {
    const page = await connector.listPage(cursor, { pageSize });
    emitted.push(...page.records);
    cursor = page.next;
    if (page.done) return { emitted, next: cursor, pages };
  }
  throw new Error('the listing never ended');
}

/** 30 prospects, three runs of ties (7, 2 and 12 records sharing one updatedAt each). */
function seedWithTies(): string[] {
  const seeded = sim.store.seed(30);
  const ids = seeded.map((p) => p.id);
  sim.store.restamp(ids.slice(2, 9), seeded[2]!.updatedMicros);
  sim.store.restamp(ids.slice(11, 13), seeded[11]!.updatedMicros);
  sim.store.restamp(ids.slice(18, 30), seeded[18]!.updatedMicros);
  return ids;
}

const key = (r: SourceRecord) => `${r.id}@${r.updatedAt}`;

describe.each<UpdatedAfterMode>(['inclusive', 'exclusive'])('updated_after played %s', (mode) => {
  beforeEach(() => {
    sim.behaviour.updatedAfter = mode;
  });

  it.each([1, 2, 3, 4, 5, 7, 50])('page size %i: every record once, ties across page boundaries included', async (pageSize) => {
    const ids = seedWithTies();
    const { emitted } = await readAll(null, pageSize);
    expect(emitted.map(key)).toHaveLength(new Set(emitted.map(key)).size); // none twice
    expect(emitted.map((r) => r.id).sort()).toEqual([...ids].sort()); // none missed
  });

  it('the next run (no lookback) reads exactly what changed, including a late record at the last timestamp', async () => {
    const ids = seedWithTies();
    const first = await readAll(null, 4);
    expect(first.emitted).toHaveLength(30);

    // One record is edited (new timestamp); one is committed late with exactly the run's last timestamp: an
    // exclusive `updated_after=<last>` alone would never return it.
    const last = sim.store.get(ids[29]!)!.updatedMicros;
    sim.store.modify(ids[0]!, { name: 'Edited' });
    const late = sim.store.create({ status: 'NEW', name: 'Late' });
    sim.store.restamp([late.id], last);

    const second = await readAll(connector.resumeCursor(first.next, 0), 4);
    expect(second.emitted.map((r) => r.id).sort()).toEqual([ids[0]!, late.id].sort());
    const third = await readAll(connector.resumeCursor(second.next, 0), 4);
    expect(third.emitted).toEqual([]);
  });

  it('a record updated mid-scan is neither missed nor read twice at its old timestamp', async () => {
    const ids = seedWithTies();
    const page = await connector.listPage(null, { pageSize: 4 });
    sim.store.modify(ids[1]!, { name: 'Moved to the end' });
    const rest = await readAll(page.next, 4);
    const all = [...page.records, ...rest.emitted];
    expect(new Set(all.map((r) => r.id))).toEqual(new Set(ids));
    expect(all.map(key)).toHaveLength(new Set(all.map(key)).size);
  });
});

it('a cursor saved by the previous version ({after, skip}) still reads', async () => {
  sim.behaviour.updatedAfter = 'inclusive';
  const seeded = sim.store.seed(5);
  const { emitted } = await readAll({ after: `${seeded[2]!.updatedAt}Z`, skip: 1 }, 10);
  expect(emitted.map((r) => r.id)).toEqual(seeded.slice(3).map((p) => p.id));
});
