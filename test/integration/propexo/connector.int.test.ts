import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderAuthError, ProviderNotFoundError, ProviderValidationError } from '../../../src/providers/errors.ts';
import type { Cursor, SourceRecord } from '../../../src/providers/types.ts';
import { startPropexoSimulator, type PropexoSimulator } from '../../../src/simulators/propexo/index.ts';
import { connectTo, settle } from './connect.ts';

let sim: PropexoSimulator;

beforeAll(async () => {
  sim = await startPropexoSimulator({ writeDelayMs: 30, rateLimit: { budget: 100_000 } });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.store.clear();
  sim.state.writeAnswerShape = 'current';
});

async function readAll(connector: ReturnType<typeof connectTo>, cursor: Cursor, pageSize: number) {
  const records: SourceRecord[] = [];
  let pages = 0;
  for (;;) {
    const page = await connector.listPage(cursor, { pageSize });
    pages++;
    records.push(...page.records);
    cursor = page.next;
    if (page.done) return { records, pages, next: cursor };
  }
}

describe('propexo connector against the simulator', () => {
  it('gets a prospect by id, and null for an unknown id', async () => {
    const [seeded] = sim.store.seed([{ first_name: 'Ada', email_1: 'ada@example.com', city: 'Austin' }]);
    const connector = connectTo(sim);
    const record = await connector.get(seeded!.id);
    expect(record).toMatchObject({ id: seeded!.id, data: { first_name: 'Ada', email_1: 'ada@example.com' } });
    expect(record?.updatedAt).toBe(new Date(seeded!.updated_at).toISOString());
    expect(await connector.get('cdoesnotexist')).toBeNull();
  });

  it('pages over more than three pages, oldest change first, and ends at the high-water mark', async () => {
    sim.store.seed(Array.from({ length: 23 }, (_, i) => ({ integration_id: 'int_1', first_name: `P${i}` })));
    const { records, pages, next } = await readAll(connectTo(sim), null, 5);
    // Each page after the first asks from the mark and drops the record read there: 5 + 4 + 4 + 4 + 4 + 2.
    expect(pages).toBe(6);
    expect(new Set(records.map((r) => r.id)).size).toBe(23);
    const times = records.map((r) => Date.parse(r.updatedAt!));
    expect(times).toEqual([...times].sort((a, b) => a - b));
    const last = records.at(-1)!;
    expect(next).toEqual({ after: last.updatedAt, skip: 1, seen: JSON.stringify([last.id]) });
  });

  it('asks with the documented filter and order: updated_at_gte from the mark, order-by=updated_at:asc,id:asc', async () => {
    sim.store.seed(Array.from({ length: 4 }, (_, i) => ({ integration_id: 'int_1', first_name: `Q${i}` })));
    const connector = connectTo(sim);
    const first = await readAll(connector, null, 10);
    const before = sim.calls.count('GET /crm/v1/prospects');
    const again = await readAll(connector, connector.resumeCursor(first.next, 0), 10);
    // Unchanged: one list call, and only the record at the mark comes back (re-read by the zero lookback).
    expect(sim.calls.count('GET /crm/v1/prospects') - before).toBe(1);
    expect(again.records.map((r) => r.id)).toEqual([first.records.at(-1)!.id]);
  });

  it('reads incrementally: the next run sees only what changed, including writes made mid-scan', async () => {
    const seeded = sim.store.seed(Array.from({ length: 12 }, (_, i) => ({ integration_id: 'int_1', first_name: `P${i}`, notes: 'n' })));
    const connector = connectTo(sim, { leaseId: 'lease_1' });
    // First run, with a write landing between its pages.
    let cursor: Cursor = null;
    const firstPage = await connector.listPage(cursor, { pageSize: 4 });
    const oldest = seeded[0]!;
    const update = await connector.update(oldest.id, { first_name: 'Changed mid-scan' });
    expect((await settle(connector, (update as { jobId: string }).jobId)).status).toBe('SUCCESS');
    cursor = firstPage.next;
    const rest = await readAll(connector, cursor, 4);
    const firstRun = [...firstPage.records, ...rest.records];
    // The updated record moved behind the mark: this run reads it again at the end, and skips nothing.
    expect(new Set(firstRun.map((r) => r.id)).size).toBe(12);

    // Second run: the mid-scan update is picked up, and little else (ties at the mark are re-read).
    const second = await readAll(connector, connector.resumeCursor(rest.next, 0), 4);
    expect(new Set([...firstRun, ...second.records].map((r) => r.id)).size).toBe(12);
    expect(second.records.map((r) => r.id)).toContain(oldest.id);
    expect(second.records.find((r) => r.id === oldest.id)?.data['first_name']).toBe('Changed mid-scan');
    expect(second.records.length).toBeLessThanOrEqual(2);
  });

  it('create answers a job at once; write-status goes PENDING → SUCCESS with created_record_id', async () => {
    sim.store.writeDelayMs = 150;
    const connector = connectTo(sim);
    const result = await connector.create({ first_name: 'Grace', last_name: 'Hopper', email_1: 'g@example.com', lease_id: 'ignored' });
    expect(result).toMatchObject({ kind: 'pending', targetId: null });
    const jobId = (result as { jobId: string }).jobId;
    expect(await connector.writeStatus(jobId)).toEqual({ status: 'PENDING', errors: [], createdRecordId: null });
    const done = await settle(connector, jobId);
    expect(done.status).toBe('SUCCESS');
    expect(done.createdRecordId).toMatch(/^c[0-9a-z]{24}$/);
    const created = sim.store.get(done.createdRecordId!);
    expect(created).toMatchObject({ integration_id: 'int_1', first_name: 'Grace' });
    expect(created).not.toHaveProperty('lease_id');
    sim.store.writeDelayMs = 30;
  });

  it('update appends notes, fills lease_id from the connection and drops create-only fields', async () => {
    const [seeded] = sim.store.seed([{ first_name: 'Old', notes: 'first note' }]);
    const connector = connectTo(sim, { leaseId: 'lease_9' });
    const result = await connector.update(seeded!.id, { first_name: 'New', notes: 'second note', community_id: 'comm_1' });
    expect(result).toMatchObject({ kind: 'pending', targetId: seeded!.id });
    expect((await settle(connector, (result as { jobId: string }).jobId)).status).toBe('SUCCESS');
    const stored = sim.store.get(seeded!.id);
    expect(stored).toMatchObject({ first_name: 'New', notes: 'first note\nsecond note', lease_id: 'lease_9' });
    expect(stored).not.toHaveProperty('community_id');
  });

  it('update of an unknown prospect is a ProviderNotFoundError', async () => {
    await expect(connectTo(sim, { leaseId: 'l' }).update('cnope', { first_name: 'x' })).rejects.toBeInstanceOf(ProviderNotFoundError);
  });

  it('FAILURE → retry-write gives a new job id → SUCCESS', async () => {
    sim.store.forceNextWrite({ status: 'FAILURE', errors: ['Yardi rejected the prospect'] });
    const connector = connectTo(sim);
    const first = (await connector.create({ first_name: 'Retry' })) as { jobId: string };
    expect(await settle(connector, first.jobId)).toEqual({ status: 'FAILURE', errors: ['Yardi rejected the prospect'], createdRecordId: null });
    const retried = await connector.retryWrite(first.jobId);
    expect(retried.jobId).not.toBe(first.jobId);
    const done = await settle(connector, retried.jobId);
    expect(done.status).toBe('SUCCESS');
    expect(sim.store.get(done.createdRecordId!)).toMatchObject({ first_name: 'Retry' });
  });

  it('retry-write of a write that did not fail is refused (400, "Only failed write operations can be retried")', async () => {
    const connector = connectTo(sim);
    const job = (await connector.create({ first_name: 'Fine' })) as { jobId: string };
    await settle(connector, job.jobId);
    await expect(connector.retryWrite(job.jobId)).rejects.toBeInstanceOf(ProviderValidationError);
  });

  it('sending a failed write again re-runs it through retry-write instead of queueing a new write', async () => {
    const [seeded] = sim.store.seed([{ first_name: 'Old' }]);
    const connector = connectTo(sim);
    sim.store.forceNextWrite({ status: 'FAILURE', errors: ['PMS down'] });
    const body = { lease_id: 'lease_7', first_name: 'New' };
    const first = (await connector.update(seeded!.id, body)) as { jobId: string };
    expect((await settle(connector, first.jobId)).status).toBe('FAILURE');
    const puts = sim.calls.count('PUT /crm/v1/prospects/:prospect_id');
    const retries = sim.calls.count('POST /v1/admin/retry-write/:root_job_id');
    const again = (await connector.update(seeded!.id, body)) as { jobId: string };
    expect(sim.calls.count('PUT /crm/v1/prospects/:prospect_id')).toBe(puts);
    expect(sim.calls.count('POST /v1/admin/retry-write/:root_job_id')).toBe(retries + 1);
    expect(sim.store.job(first.jobId)?.retriedAs).toBe(again.jobId);
    expect((await settle(connector, again.jobId)).status).toBe('SUCCESS');
    expect(sim.store.get(seeded!.id)).toMatchObject({ first_name: 'New', lease_id: 'lease_7' });
    // A different body is a different write: a new PUT.
    await connector.update(seeded!.id, { ...body, first_name: 'Newer' });
    expect(sim.calls.count('PUT /crm/v1/prospects/:prospect_id')).toBe(puts + 1);
  });

  it('parses the older write answer {meta: {job_id}, result} too', async () => {
    sim.state.writeAnswerShape = 'legacy';
    const connector = connectTo(sim);
    const raw = await connector.client.create({ integration_id: 'int_1', first_name: 'Legacy' });
    expect(raw.jobId).toMatch(/^c/);
    expect(raw.data).toMatchObject({ first_name: 'Legacy' });
    expect((await settle(connector, raw.jobId)).status).toBe('SUCCESS');
  });

  it('a wrong token is a ProviderAuthError carrying Propexo’s error body', async () => {
    const error = await connectTo(sim, {}, 'wrong-token').listPage(null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderAuthError);
    expect((error as ProviderAuthError).body).toMatchObject({ error: { code: 'unauthorized' } });
    expect((error as Error).message).not.toContain('wrong-token');
  });
});
