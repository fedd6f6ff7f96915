import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TOKEN, auth, startHarness, type Harness } from './harness.ts';

const SYNC = 'trata-to-powerchord';
let h: Harness;
let cookie: string;

beforeAll(async () => {
  h = await startHarness({ workers: true, seed: 3 });
  const login = await h.app.inject({ method: 'POST', url: '/admin/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `token=${encodeURIComponent(TOKEN)}&next=%2Fadmin%2Fruns` });
  expect(login.statusCode).toBe(303);
  cookie = String(login.headers['set-cookie']).split(';')[0]!;
});
afterAll(() => h?.close());

const page = async (url: string) => {
  const res = await h.app.inject({ method: 'GET', url, headers: { cookie, accept: 'text/html' } });
  expect(res.statusCode, res.body).toBe(200);
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  return res.body;
};
const csrfOf = (html: string) => /name="csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
const post = (url: string, form: Record<string, string>, headers: Record<string, string> = { cookie }) =>
  h.app.inject({ method: 'POST', url, headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(form).toString() });

async function finished(runId: string) {
  for (let i = 0; i < 300; i++) {
    const job = (await h.app.inject({ method: 'GET', url: `/v1/jobs/${runId}`, headers: auth() })).json();
    if (job.status !== 'PENDING') return job;
    await sleep(50);
  }
  throw new Error(`run ${runId} did not finish`);
}

describe('the runs page (/admin/runs)', () => {
  it('is behind the dashboard sign-in', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/admin/runs', headers: { accept: 'text/html' } });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/login?next=%2Fadmin%2Fruns');
    expect((await h.app.inject({ method: 'GET', url: `/admin/runs/${SYNC}` })).statusCode).toBe(401);
  });

  it('starts a run from its button, only with the page\'s token and never cross-site, then shows it with its counts', async () => {
    const overview = await page('/admin/runs');
    expect(overview).toContain(`href="/admin/runs/${SYNC}"`);
    const csrf = csrfOf(overview);
    expect(csrf).not.toBe('');

    expect((await post(`/admin/runs/${SYNC}/start`, {})).statusCode).toBe(403);
    expect((await post(`/admin/runs/${SYNC}/start`, { csrf: 'x'.repeat(csrf.length) })).statusCode).toBe(403);
    expect((await post(`/admin/runs/${SYNC}/start`, { csrf }, { cookie, 'sec-fetch-site': 'cross-site' })).statusCode).toBe(403);

    const started = await post(`/admin/runs/${SYNC}/start`, { csrf });
    expect(started.statusCode).toBe(303);
    const location = new URL(String(started.headers.location), 'http://x');
    expect(location.pathname).toBe(`/admin/runs/${SYNC}`);
    const runId = location.searchParams.get('job')!;
    expect(await finished(runId)).toMatchObject({ status: 'SUCCESS' });

    const syncPage = await page(`/admin/runs/${SYNC}`);
    expect(syncPage).toContain(`/admin/runs/${SYNC}/${runId}`);
    expect(syncPage).toMatch(/class="SUCCESS">SUCCESS/);
    expect(syncPage).toMatch(/<td>api<\/td>/); // who started it: the runs page's button goes through the API
    expect(syncPage).toContain('Failed now (0)');
    const runPage = await page(`/admin/runs/${SYNC}/${runId}`);
    expect(runPage).toContain('This run has no record errors.');
    expect(runPage).toContain(`/admin/queues/queue/sync/${runId}`);
  });

  it('lists a rejected record (escaped), retries that one record, and shows it resolved', async () => {
    const [record] = h.trata.store.seed(1);
    // A status no mapping knows, shaped as markup: the page must show it as text.
    h.trata.store.modify(record!.id, { status: '<img src=x onerror=alert(1)>' });
    const runId = (await h.app.inject({ method: 'POST', url: `/v1/syncs/${SYNC}/runs`, headers: auth() })).json().job_id;
    expect(await finished(runId)).toMatchObject({ counts: expect.objectContaining({ rejected: 1 }) });

    const syncPage = await page(`/admin/runs/${SYNC}`);
    expect(syncPage).toContain('Failed now (1)');
    expect(syncPage).toContain(record!.id);
    expect(syncPage).not.toContain('<img src=x');
    expect(syncPage).toContain('&#60;img src=x onerror=alert(1)&#62;');
    const filtered = await page(`/admin/runs/${SYNC}?reason=no+such+reason`);
    expect(filtered).toContain('No failed record matches.');
    const runPage = await page(`/admin/runs/${SYNC}/${runId}`);
    expect(runPage).toContain('failed now');

    // The API's per-record retry: 404 for a record that is not failed, 202 for this one.
    const notFailed = await h.app.inject({ method: 'POST', url: `/v1/syncs/${SYNC}/errors/no-such-record/retry`, headers: auth() });
    expect(notFailed.statusCode).toBe(404);

    h.trata.store.modify(record!.id, { status: 'NEW' });
    const retried = await post(`/admin/runs/${SYNC}/retry`, { csrf: csrfOf(runPage), source_id: record!.id, back: `/admin/runs/${SYNC}/${runId}` });
    expect(retried.statusCode).toBe(303);
    const back = new URL(String(retried.headers.location), 'http://x');
    expect(back.pathname).toBe(`/admin/runs/${SYNC}/${runId}`);
    expect(back.searchParams.get('done')).toBe('retrying');
    expect(await finished(back.searchParams.get('job')!)).toMatchObject({ status: 'SUCCESS', counts: expect.objectContaining({ pulled: 1, created: 1 }) });

    expect(await page(`/admin/runs/${SYNC}/${runId}`)).toContain('class="SUCCESS">resolved');
    expect(await page(`/admin/runs/${SYNC}`)).toContain('Failed now (0)');
    const nothing = await post(`/admin/runs/${SYNC}/retry`, { csrf: csrfOf(runPage) });
    expect(new URL(String(nothing.headers.location), 'http://x').searchParams.get('done')).toBe('nothing');
  });

  it("retries a run's failed records from the run page's button, and only that run's", async () => {
    const [first, second, other] = h.trata.store.seed(3);
    h.trata.store.modify(first!.id, { status: 'ON_HOLD' });
    h.trata.store.modify(second!.id, { status: 'ON_HOLD' });
    const runId = (await h.app.inject({ method: 'POST', url: `/v1/syncs/${SYNC}/runs`, headers: auth() })).json().job_id;
    expect(await finished(runId)).toMatchObject({ counts: expect.objectContaining({ rejected: 2 }) });
    // A record failed by a later run is not this run's.
    const inline = await h.app.inject({ method: 'POST', url: '/v1/records', headers: auth(), payload: { sync: SYNC, records: [{ id: other!.id, data: { ...other, status: 'ON_HOLD' } }] } });
    await finished(inline.json().job_id);

    const runPage = await page(`/admin/runs/${SYNC}/${runId}`);
    expect(runPage).toContain("Retry this run&#39;s 2 failed");
    h.trata.store.modify(first!.id, { status: 'NEW' });
    h.trata.store.modify(second!.id, { status: 'NEW' });
    const retried = await post(`/admin/runs/${SYNC}/retry`, { csrf: csrfOf(runPage), run: runId, back: `/admin/runs/${SYNC}/${runId}` });
    expect(retried.statusCode).toBe(303);
    const job = new URL(String(retried.headers.location), 'http://x').searchParams.get('job')!;
    expect(await finished(job)).toMatchObject({ status: 'SUCCESS', counts: expect.objectContaining({ pulled: 2 }) });
    expect(await page(`/admin/runs/${SYNC}/${runId}`)).not.toContain('Retry this run');
    expect(await page(`/admin/runs/${SYNC}`)).toContain('Failed now (1)');
    expect((await post(`/admin/runs/${SYNC}/retry`, { csrf: csrfOf(runPage), run: 'run-nope' })).statusCode).toBe(404);
  });

  it('answers 404 for an unknown sync or run', async () => {
    expect((await h.app.inject({ method: 'GET', url: '/admin/runs/nope', headers: { cookie } })).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'GET', url: `/admin/runs/${SYNC}/run-nope`, headers: { cookie } })).statusCode).toBe(404);
  });
});

describe('POST /v1/syncs/{name}/errors/{source_id}/retry', () => {
  it('retries one failed record with a job id', async () => {
    await h.redis.hset(h.engine.ctx.keys.failed(SYNC), 'pro.9.ONLYONE', JSON.stringify({ sourceId: 'pro.9.ONLYONE', target: 'powerchord', path: '', reason: 'boom', at: new Date().toISOString() }));
    const res = await h.app.inject({ method: 'POST', url: `/v1/syncs/${SYNC}/errors/pro.9.ONLYONE/retry`, headers: auth() });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ job_id: expect.stringMatching(/^retry-/), data: { kind: 'retry', sync: SYNC, records: 1 } });
    const job = await h.engine.queues.queue('sync').getJob(res.json().job_id);
    expect(job?.data).toMatchObject({ trigger: 'retry', sourceIds: ['pro.9.ONLYONE'] });
  });
});
