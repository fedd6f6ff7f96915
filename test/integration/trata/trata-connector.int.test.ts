import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderAuthError, ProviderRateLimitedError, ProviderUnavailableError, ProviderValidationError } from '../../../src/providers/errors.ts';
import { TrataClient, TrataConnector } from '../../../src/providers/trata/index.ts';
import { startTrataSimulator, type TrataSimulator } from '../../../src/simulators/trata/server.ts';

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
  sim.faults.reset();
});

describe('Trata connector against the simulator', () => {
  it('creates, reads, updates (keeping what the body leaves out) and deletes a prospect', async () => {
    const created = await connector.create({ status: 'NEW', name: 'John Doe', email: 'john.doe@example.com', phoneNumber: '1234567890' });
    expect(created.kind).toBe('done');
    const id = created.targetId;
    expect(id).toMatch(/^pro\.\d+\.[A-Z0-9]{8}$/);

    const read = await connector.get(id);
    expect(read?.data).toMatchObject({ name: 'John Doe', status: 'NEW', email: 'john.doe@example.com' });
    expect(read?.updatedAt).toMatch(/Z$/); // zone-less on the wire, UTC once parsed

    await connector.update(id, { status: 'GENERAL_ENQUIRY', name: 'John Doe' });
    expect(sim.store.get(id)).toMatchObject({ status: 'GENERAL_ENQUIRY', email: 'john.doe@example.com', phoneNumber: '1234567890' });
    await connector.update(id, { status: 'GENERAL_ENQUIRY', phoneNumber: null });
    expect(sim.store.get(id)).toMatchObject({ phoneNumber: null, email: 'john.doe@example.com' });

    await connector.delete(id);
    expect(await connector.get(id)).toBeNull();
    expect(sim.calls.count('DELETE /v1/prospects/:prospect_id')).toBe(1);
  });

  it("the simulator's PUT replaces the prospect: a field left out of the body is cleared", async () => {
    const client = new TrataClient({ baseUrl: sim.url, token: sim.token, timeoutMs: 2_000 });
    const made = await client.create({ status: 'NEW', name: 'Ann', email: 'ann@example.com', externalReference: [{ providerName: 'crm', id: 'C-1' }], prospectProps: { a: 1 } });
    const replaced = await client.replace(made.id, { status: 'NEW', name: 'Ann' });
    expect(replaced).toMatchObject({ name: 'Ann', email: null, externalReference: [], prospectProps: {} });
  });

  it('pages by updated-at keyset over several pages, in order, with no record missed or repeated', async () => {
    sim.store.seed(23);
    const seen: string[] = [];
    let cursor = null;
    for (let page = 0; page < 20; page++) {
      const result = await connector.listPage(cursor, { pageSize: 5 });
      seen.push(...result.records.map((r) => r.id));
      cursor = result.next;
      if (result.done) break;
    }
    expect(seen).toHaveLength(23);
    expect(new Set(seen).size).toBe(23);
    // Each page after the first re-reads the records at the previous page's last timestamp and, inclusive, any at
    // 1 µs before it (cursor.ts): here at most two (the seeded timestamps are 1 µs apart), so 5 + 6 × 3 + a last call.
    expect(sim.calls.count('GET /v1/prospects')).toBeLessThanOrEqual(8);
  });

  it('does not miss a record when another one is updated mid-scan', async () => {
    const seeded = sim.store.seed(10);
    const first = await connector.listPage(null, { pageSize: 4 });
    // The first record of page 1 moves to the end; a growing `skip` would now skip one unseen record.
    sim.store.modify(seeded[0]!.id, { name: 'Changed' });
    const ids = new Set(first.records.map((r) => r.id));
    let cursor = first.next;
    for (;;) {
      const page = await connector.listPage(cursor, { pageSize: 4 });
      page.records.forEach((r) => ids.add(r.id));
      cursor = page.next;
      if (page.done) break;
    }
    expect(ids.size).toBe(10);
  });

  it('resumes an incremental run: exactly where it stopped without lookback, the lookback window again with one', async () => {
    sim.store.seed(3);
    const page = await connector.listPage(null, { pageSize: 10 });
    expect(page.records).toHaveLength(3);
    // No lookback: nothing is read twice.
    expect((await connector.listPage(connector.resumeCursor(page.next, 0), { pageSize: 10 })).records).toEqual([]);
    // A lookback re-reads what changed within it (the diff drops what did not change).
    const again = (await connector.listPage(connector.resumeCursor(page.next, 60_000), { pageSize: 10 })).records;
    expect(again.map((r) => r.id).sort()).toEqual(page.records.map((r) => r.id).sort());
    sim.store.seed(2);
    expect((await connector.listPage(connector.resumeCursor(page.next, 0), { pageSize: 10 })).records).toHaveLength(2);
  });

  it('surfaces a 422 as a validation error naming the field', async () => {
    const client = new TrataClient({ baseUrl: sim.url, token: sim.token, timeoutMs: 2_000 });
    const error = await client.create({ status: 'NEW', email: 'x'.repeat(600) + '@example.com' } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderValidationError);
    expect((error as ProviderValidationError).fields).toEqual(['email']);
    expect((error as Error).message).toMatch(/trata POST \/v1\/prospects answered 422: email:/);
  });

  it.each([
    ['status', { status: 'WON' }],
    ['name', { status: 'NEW', name: '' }],
    ['name', { status: 'NEW', name: 'n'.repeat(513) }],
    ['email', { status: 'NEW', email: 'not-an-email' }],
    ['phoneNumber', { status: 'NEW', phoneNumber: '1'.repeat(513) }],
    ['externalReference.0.id', { status: 'NEW', externalReference: [{ providerName: 'x' }] }],
  ])('the simulator rejects a bad %s as the API documents it, surfaced as a validation error naming the field', async (field, body) => {
    const client = new TrataClient({ baseUrl: sim.url, token: sim.token, timeoutMs: 2_000 });
    const error = (await client.create(body as never).catch((e: unknown) => e)) as ProviderValidationError;
    expect(error).toBeInstanceOf(ProviderValidationError);
    expect(error.status).toBe(422);
    expect(error.fields).toEqual([field]);
  });

  it('rejects a missing status on the wire with FastAPI\'s "Field required"', async () => {
    const client = new TrataClient({ baseUrl: sim.url, token: sim.token, timeoutMs: 2_000 });
    const error = (await client.create({ name: 'No Status' } as never).catch((e: unknown) => e)) as ProviderValidationError;
    expect(error.fields).toEqual(['status']);
    expect(error.message).toContain('Field required');
  });

  it('reports a bad token as an auth error without the token in the message', async () => {
    const bad = new TrataConnector({ name: 'trata', provider: 'trata', baseUrl: sim.url, token: 'wrong-secret', timeoutMs: 2_000, options: {} });
    const error = await bad.listPage(null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderAuthError);
    expect(JSON.stringify({ message: (error as Error).message, body: (error as ProviderAuthError).body })).not.toContain('wrong-secret');
  });

  it('turns a 429 into a rate-limit error carrying Retry-After, and a 503 into a retryable one', async () => {
    sim.faults.set({ rateLimitBurst: 1, rateLimitRetryAfterSeconds: 7 });
    const limited = (await connector.listPage(null).catch((e: unknown) => e)) as ProviderRateLimitedError;
    expect(limited).toBeInstanceOf(ProviderRateLimitedError);
    expect(limited.retryAfterMs).toBe(7_000);
    sim.faults.set({ errorRate: 1, errorStatuses: [503] });
    const unavailable = (await connector.create({ status: 'NEW' }).catch((e: unknown) => e)) as ProviderUnavailableError;
    expect(unavailable).toBeInstanceOf(ProviderUnavailableError);
    expect(unavailable.retryable).toBe(true);
  });

  it('finds an existing prospect by email before a create', async () => {
    const [record] = sim.store.seed(1);
    expect(await connector.findExisting({ status: 'NEW', email: record!.email! })).toBe(record!.id);
    expect(await connector.findExisting({ status: 'NEW', email: 'nobody@example.com' })).toBeNull();
  });
});
