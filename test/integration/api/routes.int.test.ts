import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/api/app.ts';
import { SESSION_COOKIE } from '../../../src/api/auth.ts';
import { MAX_INLINE_RECORDS, SYNC_QUEUE } from '../../../src/queues/contracts.ts';
import { prospectNewWebhook, writeFailureWebhook } from '../../../src/simulators/propexo/webhooks.ts';
import { OLD_TOKEN, WEBHOOK_SECRET, auth, startHarness, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ workers: false });
});
afterAll(() => h?.close());

const SYNC = 'trata-to-powerchord';
const inject = (opts: InjectOptions) => h.app.inject(opts);
const syncQueue = () => h.engine.queues.queue(SYNC_QUEUE);
const record = (id: string) => ({ id, data: { id, status: 'NEW', name: `Person ${id}` } });
const fieldsOf = (body: { issues?: Array<{ field: string }> }) => (body.issues ?? []).map((i) => i.field);

describe('auth', () => {
  it('answers 401 JSON without a token, with a wrong one, or a malformed header', async () => {
    for (const headers of [{}, auth('nope'), { authorization: 'Basic abc' }, { authorization: 'Bearer' }]) {
      const res = await inject({ method: 'GET', url: '/v1/syncs', headers });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ error: 'UNAUTHORIZED' });
      expect(res.headers['www-authenticate']).toContain('Bearer');
    }
  });

  it('accepts every configured token (rotation) and leaves /healthz open', async () => {
    expect((await inject({ method: 'GET', url: '/v1/syncs', headers: auth(OLD_TOKEN) })).statusCode).toBe(200);
    const health = await inject({ method: 'GET', url: '/healthz' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ ok: true });
  });

  it('keeps unknown routes behind auth and answers them 404 JSON', async () => {
    expect((await inject({ method: 'GET', url: '/v1/nope' })).statusCode).toBe(401);
    const res = await inject({ method: 'GET', url: '/v1/nope', headers: auth() });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ error: 'NOT_FOUND' });
  });
});

describe('POST /v1/syncs/{name}/runs', () => {
  it('answers 202 {job_id, data} at once and enqueues one run job', async () => {
    const res = await inject({ method: 'POST', url: `/v1/syncs/${SYNC}/runs`, headers: auth(), payload: { full: true } });
    expect(res.statusCode).toBe(202);
    const body = res.json();
    expect(body).toMatchObject({ job_id: expect.stringMatching(/^run-/), data: { kind: 'sync-run', sync: SYNC, full: true, replayed: false } });
    const job = await syncQueue().getJob(body.job_id);
    expect(job?.data).toMatchObject({ sync: SYNC, full: true, trigger: 'api' });
  });

  it('accepts no body at all (an incremental run)', async () => {
    const res = await inject({ method: 'POST', url: `/v1/syncs/${SYNC}/runs`, headers: auth() });
    expect(res.statusCode).toBe(202);
    expect(res.json().data.full).toBe(false);
  });

  it('answers 401 without a token and enqueues nothing', async () => {
    const before = await syncQueue().count();
    expect((await inject({ method: 'POST', url: `/v1/syncs/${SYNC}/runs`, payload: {} })).statusCode).toBe(401);
    expect(await syncQueue().count()).toBe(before);
  });

  it('answers 400 naming the field for a bad body, an unknown field or a bad name; 404 for an unknown sync', async () => {
    const wrongType = await inject({ method: 'POST', url: `/v1/syncs/${SYNC}/runs`, headers: auth(), payload: { full: 'yes' } });
    expect(wrongType.statusCode).toBe(400);
    expect(fieldsOf(wrongType.json())).toContain('body.full');
    const unknown = await inject({ method: 'POST', url: `/v1/syncs/${SYNC}/runs`, headers: auth(), payload: { ful: true } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toMatch(/body/);
    const badName = await inject({ method: 'POST', url: '/v1/syncs/Not_A_Sync/runs', headers: auth(), payload: {} });
    expect(badName.statusCode).toBe(400);
    expect(fieldsOf(badName.json())).toContain('params.name');
    const missing = await inject({ method: 'POST', url: '/v1/syncs/no-such-sync/runs', headers: auth(), payload: {} });
    expect(missing.statusCode).toBe(404);
    expect(fieldsOf(missing.json())).toContain('params.name');
  });

  it('replays an Idempotency-Key: same job_id, nothing new; the same key with another body is a 409', async () => {
    const headers = { ...auth(), 'idempotency-key': `runs-${Date.now()}` };
    const first = await inject({ method: 'POST', url: `/v1/syncs/${SYNC}/runs`, headers, payload: { full: false } });
    const count = await syncQueue().count();
    const second = await inject({ method: 'POST', url: `/v1/syncs/${SYNC}/runs`, headers, payload: { full: false } });
    expect(first.statusCode).toBe(202);
    expect(second.statusCode).toBe(202);
    expect(second.json().job_id).toBe(first.json().job_id);
    expect(second.json().data.replayed).toBe(true);
    expect(await syncQueue().count()).toBe(count);
    const conflict = await inject({ method: 'POST', url: `/v1/syncs/${SYNC}/runs`, headers, payload: { full: true } });
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json()).toMatchObject({ error: 'IDEMPOTENCY_KEY_REUSED' });
    // Another route with the same key is another request, so a conflict too.
    const otherRoute = await inject({ method: 'POST', url: `/v1/syncs/${SYNC}/errors/retry`, headers });
    expect(otherRoute.statusCode).toBe(409);
  });

  it('finishes a reservation a crash left behind, under its recorded job id', async () => {
    const key = `crash-${Date.now()}`;
    const first = await inject({ method: 'POST', url: `/v1/syncs/${SYNC}/runs`, headers: { ...auth(), 'idempotency-key': key }, payload: {} });
    const jobId = first.json().job_id as string;
    // Simulate a crash after the reservation but before the enqueue: job gone, entry still "reserved".
    await (await syncQueue().getJob(jobId))?.remove();
    let rewound = 0;
    for (const k of await h.redis.keys(`${h.prefix}:cb:idem:*`)) {
      const entry = JSON.parse((await h.redis.get(k)) ?? '{}');
      if (entry.jobId === jobId) rewound += Number(await h.redis.set(k, JSON.stringify({ ...entry, state: 'reserved' }), 'KEEPTTL') === 'OK');
    }
    expect(rewound).toBe(1);
    const again = await inject({ method: 'POST', url: `/v1/syncs/${SYNC}/runs`, headers: { ...auth(), 'idempotency-key': key }, payload: {} });
    expect(again.json().job_id).toBe(jobId);
    expect(await syncQueue().getJob(jobId)).toBeDefined();
  });
});

describe('POST /v1/records', () => {
  it('answers 202 and enqueues a run carrying the records', async () => {
    const res = await inject({ method: 'POST', url: '/v1/records', headers: auth(), payload: { sync: SYNC, records: [record('a'), record('b')] } });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ job_id: expect.stringMatching(/^records-/), data: { kind: 'records', sync: SYNC, records: 2 } });
    const job = await syncQueue().getJob(res.json().job_id);
    expect(job?.data.records).toHaveLength(2);
  });

  it('answers 401 without a token', async () => {
    expect((await inject({ method: 'POST', url: '/v1/records', payload: { sync: SYNC, records: [record('a')] } })).statusCode).toBe(401);
  });

  it('answers 400 naming the field: too many records, a record without data, an unknown sync name', async () => {
    const tooMany = Array.from({ length: MAX_INLINE_RECORDS + 1 }, (_, i) => record(`r${i}`));
    const many = await inject({ method: 'POST', url: '/v1/records', headers: auth(), payload: { sync: SYNC, records: tooMany } });
    expect(many.statusCode).toBe(400);
    expect(fieldsOf(many.json())).toContain('body.records');
    const noData = await inject({ method: 'POST', url: '/v1/records', headers: auth(), payload: { sync: SYNC, records: [{ id: 'x' }] } });
    expect(noData.statusCode).toBe(400);
    expect(fieldsOf(noData.json())).toContain('body.records.0.data');
    const unknownSync = await inject({ method: 'POST', url: '/v1/records', headers: auth(), payload: { sync: 'nope', records: [record('a')] } });
    expect(unknownSync.statusCode).toBe(404);
    expect(fieldsOf(unknownSync.json())).toContain('body.sync');
  });

  it('replays an Idempotency-Key whatever the key order of the body', async () => {
    const headers = { ...auth(), 'idempotency-key': `records-${Date.now()}` };
    const first = await inject({ method: 'POST', url: '/v1/records', headers, payload: { sync: SYNC, records: [record('k')] } });
    const second = await inject({ method: 'POST', url: '/v1/records', headers, payload: { records: [record('k')], sync: SYNC } });
    expect(second.json().job_id).toBe(first.json().job_id);
    const conflict = await inject({ method: 'POST', url: '/v1/records', headers, payload: { sync: SYNC, records: [record('other')] } });
    expect(conflict.statusCode).toBe(409);
  });

  it('answers 413 for a body over the limit, 400 for broken JSON or plain text, 415 for another media type; never 500', async () => {
    const plain = await inject({ method: 'POST', url: '/v1/records', headers: { ...auth(), 'content-type': 'text/plain' }, payload: 'hello' });
    expect(plain.statusCode).toBe(400);
    const big = await inject({ method: 'POST', url: '/v1/records', headers: { ...auth(), 'content-type': 'application/json' }, payload: JSON.stringify({ sync: SYNC, records: [{ id: 'x', data: { blob: 'x'.repeat(1_100_000) } }] }) });
    expect(big.statusCode).toBe(413);
    expect(big.json()).toMatchObject({ error: 'BODY_TOO_LARGE' });
    const broken = await inject({ method: 'POST', url: '/v1/records', headers: { ...auth(), 'content-type': 'application/json' }, payload: '{"sync": ' });
    expect(broken.statusCode).toBe(400);
    expect(broken.json().error).toBe('VALIDATION_FAILED');
    const text = await inject({ method: 'POST', url: '/v1/records', headers: { ...auth(), 'content-type': 'application/xml' }, payload: '<a/>' });
    expect(text.statusCode).toBe(415);
  });
});

describe('POST /v1/syncs/{name}/errors/retry', () => {
  it('answers 409 when nothing failed, 202 with a retry job when records did', async () => {
    const none = await inject({ method: 'POST', url: `/v1/syncs/${SYNC}/errors/retry`, headers: auth() });
    expect(none.statusCode).toBe(409);
    expect(none.json().error).toBe('NOTHING_TO_RETRY');
    await h.redis.hset(h.engine.ctx.keys.failed(SYNC), 'pro.1.FAILED01', JSON.stringify({ reason: 'boom' }));
    const res = await inject({ method: 'POST', url: `/v1/syncs/${SYNC}/errors/retry`, headers: auth() });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ job_id: expect.stringMatching(/^retry-/), data: { kind: 'retry', sync: SYNC } });
    expect((await syncQueue().getJob(res.json().job_id))?.data).toMatchObject({ trigger: 'retry', sourceIds: ['pro.1.FAILED01'] });
  });

  it('answers 401 without a token, 400 for a bad name, 404 for an unknown sync', async () => {
    expect((await inject({ method: 'POST', url: `/v1/syncs/${SYNC}/errors/retry` })).statusCode).toBe(401);
    const bad = await inject({ method: 'POST', url: '/v1/syncs/BAD!/errors/retry', headers: auth() });
    expect(bad.statusCode).toBe(400);
    expect(fieldsOf(bad.json())).toContain('params.name');
    expect((await inject({ method: 'POST', url: '/v1/syncs/nope/errors/retry', headers: auth() })).statusCode).toBe(404);
  });

  it('replays an Idempotency-Key', async () => {
    await h.redis.hset(h.engine.ctx.keys.failed(SYNC), 'pro.1.FAILED02', '{}');
    const headers = { ...auth(), 'idempotency-key': `retry-${Date.now()}` };
    const first = await inject({ method: 'POST', url: `/v1/syncs/${SYNC}/errors/retry`, headers });
    const second = await inject({ method: 'POST', url: `/v1/syncs/${SYNC}/errors/retry`, headers });
    expect(first.statusCode).toBe(202);
    expect(second.json()).toMatchObject({ job_id: first.json().job_id, data: { replayed: true } });
  });
});

describe('GET /v1/jobs/{job_id}', () => {
  it('answers PENDING for a run no worker has opened yet', async () => {
    const { job_id: jobId } = (await inject({ method: 'POST', url: `/v1/syncs/${SYNC}/runs`, headers: auth() })).json();
    const res = await inject({ method: 'GET', url: `/v1/jobs/${jobId}`, headers: auth() });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ job_id: jobId, kind: 'sync-run', status: 'PENDING', progress: { percent: 0 }, finished_at: null, errors: { total: 0, items: [] } });
  });

  it('reads a run from the ledger with counts, progress and paged errors', async () => {
    const runId = 'run-ledger-test';
    await h.engine.ledger.open(runId, { sync: SYNC, trigger: 'api', full: false });
    await h.engine.ledger.increment(runId, 'pulled', 10);
    await h.engine.ledger.increment(runId, 'created', 4);
    await h.engine.ledger.increment(runId, 'failed', 1);
    const at = new Date().toISOString();
    await h.engine.ledger.recordErrors(runId, SYNC, [1, 2, 3].map((n) => ({ sourceId: `s${n}`, target: '0', path: 'Status', reason: `bad ${n}`, at })));
    const res = await inject({ method: 'GET', url: `/v1/jobs/${runId}?offset=1&limit=1`, headers: auth() });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'PENDING',
      progress: { done: 5, pulled: 10, percent: 50 },
      counts: { pulled: 10, created: 4, pushed: 4, failed: 1 },
      errors: { total: 3, offset: 1, limit: 1, items: [{ sourceId: 's2', reason: 'bad 2' }] },
    });
  });

  it('answers 404 JSON for an unknown id, 400 for a malformed id or paging, 401 without a token', async () => {
    const unknown = await inject({ method: 'GET', url: '/v1/jobs/run-does-not-exist', headers: auth() });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().error).toBe('NOT_FOUND');
    const bad = await inject({ method: 'GET', url: '/v1/jobs/bad%20id', headers: auth() });
    expect(bad.statusCode).toBe(400);
    expect(fieldsOf(bad.json())).toContain('params.job_id');
    const paging = await inject({ method: 'GET', url: '/v1/jobs/run-x?limit=0', headers: auth() });
    expect(paging.statusCode).toBe(400);
    expect(fieldsOf(paging.json())).toContain('query.limit');
    expect((await inject({ method: 'GET', url: '/v1/jobs/run-x' })).statusCode).toBe(401);
  });
});

describe('GET /v1/syncs, /v1/syncs/{name}/runs, /v1/syncs/{name}/errors', () => {
  it('lists definitions with schedule, next and last run', async () => {
    await h.engine.syncSchedules();
    const res = await inject({ method: 'GET', url: '/v1/syncs', headers: auth() });
    expect(res.statusCode).toBe(200);
    const sync = res.json().syncs.find((s: { name: string }) => s.name === SYNC);
    expect(sync).toMatchObject({
      enabled: true,
      source: { provider: 'trata' },
      targets: [{ provider: 'powerchord', mapping: 'trata-to-powerchord', mode: 'upsert' }],
      schedule: { every_ms: 300_000 },
      next_run_at: expect.any(String),
      last_run: { job_id: 'run-ledger-test' },
    });
    expect((await inject({ method: 'GET', url: '/v1/syncs' })).statusCode).toBe(401);
  });

  it('pages a sync runs and errors; validates paging; 404 for an unknown sync', async () => {
    const runs = await inject({ method: 'GET', url: `/v1/syncs/${SYNC}/runs?limit=1`, headers: auth() });
    expect(runs.statusCode).toBe(200);
    expect(runs.json()).toMatchObject({ total: expect.any(Number), offset: 0, limit: 1, items: [{ sync: SYNC }] });
    // The errors are the records failed now (what a retry takes), newest first.
    const failed = h.engine.ctx.keys.failed(SYNC);
    await h.redis.del(failed);
    for (const n of [1, 2, 3]) {
      await h.redis.hset(failed, `s${n}`, JSON.stringify({ sourceId: `s${n}`, target: 'powerchord', path: 'Status', reason: `bad ${n}`, code: 'REJECTED', at: `2026-01-0${n}T00:00:00.000Z` }));
    }
    const errors = await inject({ method: 'GET', url: `/v1/syncs/${SYNC}/errors?offset=0&limit=2`, headers: auth() });
    expect(errors.json()).toMatchObject({ total: 3, limit: 2, items: [{ sourceId: 's3', target: 'powerchord' }, { sourceId: 's2' }] });
    const badLimit = await inject({ method: 'GET', url: `/v1/syncs/${SYNC}/runs?limit=abc`, headers: auth() });
    expect(badLimit.statusCode).toBe(400);
    expect(fieldsOf(badLimit.json())).toContain('query.limit');
    const badOffset = await inject({ method: 'GET', url: `/v1/syncs/${SYNC}/errors?offset=-1`, headers: auth() });
    expect(fieldsOf(badOffset.json())).toContain('query.offset');
    const extra = await inject({ method: 'GET', url: `/v1/syncs/${SYNC}/errors?page=2`, headers: auth() });
    expect(extra.statusCode).toBe(400);
    expect((await inject({ method: 'GET', url: '/v1/syncs/nope/runs', headers: auth() })).statusCode).toBe(404);
    expect((await inject({ method: 'GET', url: `/v1/syncs/${SYNC}/errors` })).statusCode).toBe(401);
  });
});

describe('POST /v1/webhooks/propexo', () => {
  const prospect = { id: 'prx-123', first_name: 'Ada', last_name: 'Lovelace', email_1: 'ada@example.com' };

  it('enqueues a run of every Propexo-sourced sync for DATA_NEW; a redelivery starts nothing new', async () => {
    const delivery = prospectNewWebhook(WEBHOOK_SECRET, prospect);
    const res = await inject({ method: 'POST', url: '/v1/webhooks/propexo', headers: delivery.headers, payload: delivery.body });
    expect(res.statusCode).toBe(202);
    const jobIds: string[] = res.json().job_ids;
    const propexoSyncs = [...h.engine.syncs.values()].filter((s) => s.enabled && s.source.provider === 'propexo').map((s) => s.name);
    expect(jobIds).toHaveLength(propexoSyncs.length);
    const jobs = await Promise.all(jobIds.map((id) => syncQueue().getJob(id)));
    expect(jobs.map((j) => j?.data.sync).sort()).toEqual(propexoSyncs.sort());
    for (const job of jobs) expect(job?.data).toMatchObject({ trigger: 'webhook', sourceIds: ['prx-123'] });
    expect(jobIds.every((id) => id.startsWith('webhook-'))).toBe(true);
    const again = await inject({ method: 'POST', url: '/v1/webhooks/propexo', headers: delivery.headers, payload: delivery.body });
    expect(again.json().job_ids).toEqual(jobIds);
  });

  it('answers 401 for a bad or missing signature and enqueues nothing', async () => {
    const before = await syncQueue().count();
    const delivery = prospectNewWebhook('another-secret', { ...prospect, id: 'prx-evil' });
    const bad = await inject({ method: 'POST', url: '/v1/webhooks/propexo', headers: delivery.headers, payload: delivery.body });
    expect(bad.statusCode).toBe(401);
    expect(bad.json().error).toBe('BAD_SIGNATURE');
    const unsigned = await inject({ method: 'POST', url: '/v1/webhooks/propexo', headers: { 'content-type': 'application/json' }, payload: delivery.body });
    expect(unsigned.statusCode).toBe(401);
    // A body changed after signing fails too: the signature covers the exact bytes.
    const good = prospectNewWebhook(WEBHOOK_SECRET, prospect);
    const tampered = await inject({ method: 'POST', url: '/v1/webhooks/propexo', headers: good.headers, payload: good.body.replace('Ada', 'Eve') });
    expect(tampered.statusCode).toBe(401);
    expect(await syncQueue().count()).toBe(before);
  });

  it('answers 400 naming the field for a signed but malformed delivery', async () => {
    const body = JSON.stringify({ trigger: 'DATA_UPDATE', data: { object: 'prospect' } });
    const { signPropexoBody } = await import('../../../src/simulators/propexo/webhooks.ts');
    const res = await inject({ method: 'POST', url: '/v1/webhooks/propexo', headers: { 'content-type': 'application/json', 'propexo-signature': signPropexoBody(WEBHOOK_SECRET, body) }, payload: body });
    expect(res.statusCode).toBe(400);
    expect(fieldsOf(res.json())).toContain('body.data.id');
    const noTrigger = JSON.stringify({ data: {} });
    const res2 = await inject({ method: 'POST', url: '/v1/webhooks/propexo', headers: { 'content-type': 'application/json', 'propexo-signature': signPropexoBody(WEBHOOK_SECRET, noTrigger) }, payload: noTrigger });
    expect(res2.statusCode).toBe(400);
    expect(fieldsOf(res2.json())).toContain('body.trigger');
  });

  it('wakes the parked push job of a WRITE_OPERATION_FAILURE at once', async () => {
    const queue = h.engine.queues.queue('push-propexo');
    const parked = await queue.add('push', { parked: true }, { jobId: 'push-parked-1', delay: 600_000 });
    await h.redis.set(h.engine.ctx.keys.pendingWrite('propexo-job-77'), `push-propexo|${parked.id}`);
    const delivery = writeFailureWebhook(WEBHOOK_SECRET, 'propexo-job-77', ['unit not found']);
    const res = await inject({ method: 'POST', url: '/v1/webhooks/propexo', headers: delivery.headers, payload: delivery.body });
    expect(res.statusCode).toBe(202);
    expect(res.json()).toMatchObject({ trigger: 'WRITE_OPERATION_FAILURE', promoted: true });
    expect(await (await queue.getJob('push-parked-1'))?.isWaiting()).toBe(true);
    const unknown = writeFailureWebhook(WEBHOOK_SECRET, 'propexo-job-unknown', ['x']);
    expect((await inject({ method: 'POST', url: '/v1/webhooks/propexo', headers: unknown.headers, payload: unknown.body })).json().promoted).toBe(false);
  });

  it('answers 503 WEBHOOK_NOT_CONFIGURED when no secret is set', async () => {
    const app = await buildApp({ engine: h.engine, redis: h.redis, tokens: ['t'] });
    const delivery = prospectNewWebhook(WEBHOOK_SECRET, prospect);
    const res = await app.inject({ method: 'POST', url: '/v1/webhooks/propexo', headers: delivery.headers, payload: delivery.body });
    expect(res.statusCode).toBe(503);
    expect(res.json().error).toBe('WEBHOOK_NOT_CONFIGURED');
    await app.close();
  });
});

describe('operations: /readyz, /metrics, /openapi.json, /docs', () => {
  it('/readyz: 503 with no worker connected, 200 once workers are up; 401 without a token', async () => {
    const res = await inject({ method: 'GET', url: '/readyz', headers: auth() });
    expect(res.statusCode).toBe(503);
    expect(res.json()).toEqual({ ready: false, redis: true, workers: 0 });
    const app = await buildApp({ engine: h.engine, redis: h.redis, tokens: ['t'], readiness: async () => ({ redis: true, workers: 3 }) });
    expect((await app.inject({ method: 'GET', url: '/readyz', headers: auth('t') })).json()).toEqual({ ready: true, redis: true, workers: 3 });
    await app.close();
    expect((await inject({ method: 'GET', url: '/readyz' })).statusCode).toBe(401);
  });

  it('/metrics: Prometheus text with jobs by queue and state; 401 without a token', async () => {
    const res = await inject({ method: 'GET', url: '/metrics', headers: auth() });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toMatch(/crm_bridge_queue_jobs\{queue="sync",state="waiting"\} [1-9]/);
    expect(res.body).toContain('crm_bridge_queue_jobs{queue="push-powerchord",state="active"} 0');
    expect(res.body).toContain('# TYPE crm_bridge_provider_http_requests_total counter');
    expect(res.body).toContain('# TYPE crm_bridge_run_duration_seconds histogram');
    expect((await inject({ method: 'GET', url: '/metrics' })).statusCode).toBe(401);
  });

  it('/openapi.json is generated from the zod schemas; /docs serves the page', async () => {
    const res = await inject({ method: 'GET', url: '/openapi.json', headers: auth() });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/v1/syncs/{name}/runs', '/v1/records', '/v1/jobs/{job_id}', '/v1/syncs', '/v1/webhooks/propexo', '/healthz']));
    expect(doc.paths['/v1/records'].post.requestBody.content['application/json'].schema.properties.records.maxItems).toBe(MAX_INLINE_RECORDS);
    expect(Object.keys(doc.paths).some((p: string) => p.startsWith('/admin'))).toBe(false);
    expect((await inject({ method: 'GET', url: '/openapi.json' })).statusCode).toBe(401);
    const docs = await inject({ method: 'GET', url: '/docs/', headers: auth() });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });
});

describe('dashboard', () => {
  it('is never open: 401 JSON for API clients, a redirect to sign-in for browsers', async () => {
    expect((await inject({ method: 'GET', url: '/admin/queues/api/queues' })).statusCode).toBe(401);
    const browser = await inject({ method: 'GET', url: '/admin/queues', headers: { accept: 'text/html' } });
    expect(browser.statusCode).toBe(303);
    expect(browser.headers.location).toBe('/admin/login?next=%2Fadmin%2Fqueues');
    expect((await inject({ method: 'GET', url: '/admin/queues', headers: auth() })).statusCode).toBe(200);
  });

  it('signs in with a token into an HttpOnly SameSite=Strict cookie that opens the dashboard, not the API', async () => {
    const wrong = await inject({ method: 'POST', url: '/admin/login', payload: 'token=nope', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(wrong.statusCode).toBe(401);
    expect(wrong.headers['set-cookie']).toBeUndefined();
    const ok = await inject({ method: 'POST', url: '/admin/login', payload: `token=${encodeURIComponent(OLD_TOKEN)}&next=%2F%2Fevil.example`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(ok.statusCode).toBe(303);
    expect(ok.headers.location).toBe('/admin/queues');
    const cookie = String(ok.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).not.toContain(OLD_TOKEN);
    const session = cookie.split(';')[0] ?? '';
    expect(session.startsWith(`${SESSION_COOKIE}=`)).toBe(true);
    expect((await inject({ method: 'GET', url: '/admin/queues/api/queues', headers: { cookie: session } })).statusCode).toBe(200);
    expect((await inject({ method: 'GET', url: '/v1/syncs', headers: { cookie: session } })).statusCode).toBe(401);
  });

  it('shows every queue, with secrets redacted from job data', async () => {
    await syncQueue().add('run', { sync: SYNC, token: 'should-not-show', nested: { apiKey: 'nope', keep: 1 } }, { jobId: 'run-redaction-check' });
    const res = await inject({ method: 'GET', url: '/admin/queues/api/queues?activeQueue=sync&status=waiting&page=1', headers: auth() });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const names = body.queues.map((q: { name: string }) => q.name);
    expect(names).toEqual(expect.arrayContaining(['sync', 'push-trata', 'push-overplane', 'push-propexo', 'push-powerchord']));
    expect(res.body).not.toContain('should-not-show');
    expect(res.body).not.toContain('"nope"');
    expect(res.body).toContain('[redacted]');
  });
});
