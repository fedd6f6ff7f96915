import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rewindCommand, type CliIo } from '../../../src/api/cli-commands.ts';
import { vetArgs } from '../../../src/cli-args.ts';
import { TOKEN, auth, startHarness, type Harness } from './harness.ts';

const SYNC = 'trata-to-powerchord';
const RECORDS = 6;
let h: Harness;
let url: string;

beforeAll(async () => {
  h = await startHarness({ workers: true, seed: RECORDS });
  url = await h.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(() => h?.close());

const rewind = (to: unknown, sync = SYNC, headers: Record<string, string> = auth()) =>
  h.app.inject({ method: 'POST', url: `/v1/syncs/${sync}/cursor`, headers, payload: { to } });
const cursor = async () => (await h.app.inject({ method: 'GET', url: `/v1/syncs/${SYNC}/cursor`, headers: auth() })).json();

/** Starts a normal (incremental) run through the API and waits for its end; its counts. */
async function run() {
  const started = await h.app.inject({ method: 'POST', url: `/v1/syncs/${SYNC}/runs`, headers: auth() });
  expect(started.statusCode, started.body).toBe(202);
  const runId = started.json().job_id as string;
  for (let i = 0; i < 400; i++) {
    const job = (await h.app.inject({ method: 'GET', url: `/v1/jobs/${runId}`, headers: auth() })).json();
    if (job.status !== 'PENDING') return job as { status: string; counts: Record<string, number> };
    await sleep(25);
  }
  throw new Error(`run ${runId} did not finish`);
}

describe('rewind (POST /v1/syncs/{name}/cursor)', () => {
  it('to the start: the next run reads everything again and writes nothing (the diff); to a time: only what changed since', async () => {
    const first = await run();
    expect(first).toMatchObject({ status: 'SUCCESS', counts: { pulled: RECORDS, created: RECORDS } });
    const after = await cursor();
    expect(after).toMatchObject({ sync: SYNC, incremental: true });
    expect(after.reads_from).not.toBeNull();
    const leads = h.powerchord.store.size;

    const toStart = await rewind('start');
    expect(toStart.statusCode, toStart.body).toBe(200);
    expect(toStart.json()).toEqual({ sync: SYNC, incremental: true, reads_from: null, previous_reads_from: after.reads_from });
    expect((await cursor()).reads_from).toBeNull();
    const again = await run();
    expect(again).toMatchObject({ status: 'SUCCESS', counts: { pulled: RECORDS, unchanged: RECORDS, created: 0, updated: 0 } });
    expect(h.powerchord.store.size).toBe(leads);

    // Two records change after `since`; the others were last updated before it. Without the rewind, the saved
    // cursor (the last mark minus the sync's 60 s lookback) would read all six again.
    const since = new Date().toISOString();
    await sleep(5);
    const ids = h.trata.store.all().slice(0, 2).map((r) => r.id);
    h.trata.store.restamp(ids);
    const toTime = await rewind(since);
    expect(toTime.statusCode, toTime.body).toBe(200);
    expect(toTime.json()).toMatchObject({ reads_from: since });
    const partial = await run();
    expect(partial).toMatchObject({ status: 'SUCCESS', counts: { pulled: 2, unchanged: 2, created: 0, updated: 0 } });
  });

  it('answers 4xx with a useful body: unknown sync, bad or future time, unknown field, no token, a run in progress', async () => {
    const unknown = await rewind('start', 'no-such-sync');
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json()).toMatchObject({ error: 'NOT_FOUND', message: expect.stringContaining('no-such-sync') });

    for (const bad of ['yesterday', '2026-11-30', '2026-11-30T22:00:00', 42, null]) {
      const res = await rewind(bad);
      expect(res.statusCode, String(bad)).toBe(400);
      expect(res.json()).toMatchObject({ error: 'VALIDATION_FAILED', issues: [expect.objectContaining({ field: expect.stringContaining('to') })] });
    }
    const extra = await h.app.inject({ method: 'POST', url: `/v1/syncs/${SYNC}/cursor`, headers: auth(), payload: { to: 'start', full: true } });
    expect(extra.statusCode).toBe(400);

    const future = await rewind(new Date(Date.now() + 3_600_000).toISOString());
    expect(future.statusCode).toBe(400);
    expect(future.json()).toMatchObject({ error: 'VALIDATION_FAILED', message: expect.stringContaining('in the future') });

    expect((await rewind('start', SYNC, {})).statusCode).toBe(401);

    // A run holding the sync (its ledger open and PENDING, the lock taken, as a run's start does).
    const { ledger, keys } = h.engine.ctx;
    await ledger.open('run-rewind-busy', { sync: SYNC, trigger: 'api', full: false });
    await h.redis.set(keys.activeRun(SYNC), 'run-rewind-busy');
    try {
      const busy = await rewind('start');
      expect(busy.statusCode).toBe(409);
      expect(busy.json()).toMatchObject({ error: 'RUN_IN_PROGRESS', message: expect.stringContaining('run-rewind-busy') });
    } finally {
      // A lock left by a run that no longer exists (a crash) does not block a rewind.
      await h.redis.set(keys.activeRun(SYNC), 'run-gone-long-ago');
    }
    expect((await rewind('start')).statusCode).toBe(200);
    await h.redis.del(keys.activeRun(SYNC));

    // A source this process has no connection for (no Propexo here): to a time needs it, to the start does not.
    const noSource = await rewind('2026-01-01T00:00:00Z', 'propexo-to-trata');
    expect(noSource.statusCode).toBe(409);
    expect(noSource.json()).toMatchObject({ error: 'SOURCE_NOT_CONFIGURED', message: expect.stringContaining('"propexo"') });
    expect((await rewind('start', 'propexo-to-trata')).statusCode).toBe(200);
    // A source read whole by every run (Overplane): accepted, and it says a rewind changes nothing there.
    const fullScan = await rewind('2026-01-01T00:00:00Z', 'overplane-to-trata');
    expect(fullScan.statusCode).toBe(200);
    expect(fullScan.json()).toEqual({ sync: 'overplane-to-trata', incremental: false, reads_from: null, previous_reads_from: null });
  });

  it('shows on the runs page, and its form rewinds (CSRF-checked like the other buttons)', async () => {
    const bearer = { ...auth(), accept: 'text/html' };
    const list = await h.app.inject({ method: 'GET', url: '/admin/runs', headers: bearer });
    expect(list.body).toContain('Reads from');
    const page = await h.app.inject({ method: 'GET', url: `/admin/runs/${SYNC}`, headers: bearer });
    expect(page.body).toContain('id="cursor"');
    expect(page.body).toContain(`action="/admin/runs/${SYNC}/rewind"`);
    const form = (to: string, headers: Record<string, string>) =>
      h.app.inject({ method: 'POST', url: `/admin/runs/${SYNC}/rewind`, headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams({ to }).toString() });
    expect((await form('start', { ...auth(), 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);
    expect((await form('start', {})).statusCode).toBe(401);
    const done = await form('2026-01-01T00:00:00Z', auth());
    expect(done.statusCode).toBe(303);
    expect(done.headers.location).toBe(`/admin/runs/${SYNC}?done=rewound&to=2026-01-01T00%3A00%3A00.000Z#cursor`);
    const shown = await h.app.inject({ method: 'GET', url: String(done.headers.location).replace('#cursor', ''), headers: bearer });
    expect(shown.body).toContain('Cursor moved back: the next run reads the records updated since 2026-01-01 00:00:00 UTC.');
    expect(shown.body).toContain('since <strong>2026-01-01 00:00:00 UTC</strong>');
    expect((await form('not a time', auth())).headers.location).toContain('done=rewind_bad_time');
  });
});

describe('crm-bridge rewind', () => {
  function io(token: string | null = TOKEN) {
    const out: string[] = [];
    const errText: string[] = [];
    const err = new PassThrough() as unknown as NodeJS.WriteStream;
    (err as unknown as PassThrough).on('data', (c: Buffer) => errText.push(c.toString()));
    const value: CliIo = { out: (s) => void out.push(s), err, api: { url, token: token ?? undefined } };
    return { value, out, err: () => errText.join('') };
  }

  it('rewinds through the API; exit 2 for a bad option or time, 1 for what the API refuses', async () => {
    const ok = io();
    expect(await rewindCommand([SYNC, '--to', 'start'], ok.value)).toBe(0);
    expect(JSON.parse(ok.out.join(''))).toMatchObject({ sync: SYNC, reads_from: null });
    expect(ok.err()).toContain(`${SYNC}: its next run reads the records updated from the start`);

    const at = io();
    expect(await rewindCommand([SYNC, '--to', '2026-11-30T22:00:00+01:00'], at.value)).toBe(0);
    expect(JSON.parse(at.out.join(''))).toMatchObject({ reads_from: '2026-11-30T21:00:00.000Z' });

    for (const args of [[SYNC], [SYNC, '--to', 'yesterday'], [SYNC, '--to', new Date(Date.now() + 60_000).toISOString()], ['--to', 'start']]) {
      const bad = io();
      expect(await rewindCommand(args, bad.value), args.join(' ')).toBe(2);
      expect(bad.err()).toMatch(/^crm-bridge rewind: .*\nusage: crm-bridge rewind <sync> --to <ISO time \| start>/);
    }
    const unknown = io();
    expect(await rewindCommand(['no-such-sync', '--to', 'start'], unknown.value)).toBe(1);
    expect(unknown.err()).toContain('404 NOT_FOUND');
    expect(await rewindCommand([SYNC, '--to', 'start'], io(null).value)).toBe(2);
  });

  it('--help prints its usage; an unknown option is one line and the usage', () => {
    expect(vetArgs('rewind', ['--help'])).toMatchObject({ kind: 'help', text: expect.stringContaining('usage: crm-bridge rewind <sync> --to <ISO time | start>') });
    const verdict = vetArgs('rewind', [SYNC, '--to', 'start', '--fast']);
    expect(verdict.kind).toBe('error');
    expect(verdict.kind === 'error' && verdict.text.split('\n')[0]).toBe("crm-bridge rewind: unknown option '--fast'");
    expect(vetArgs('sample', ['trata', '--help'])).toMatchObject({ kind: 'help' });
  });
});
