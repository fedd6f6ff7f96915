/**
 * Property-based fuzzing of every JSON input of the API and the webhook (issue #12): whatever arrives, the answer
 * is never a 5xx, every error is in our format, nothing crashes, and the process is healthy afterwards. At least
 * 10,000 cases in all; `app.inject` keeps them in-process and fast. FUZZ_SEED replays a failing run.
 */
import fc from 'fast-check';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signPropexoBody } from '../../src/simulators/propexo/webhooks.ts';
import { TOKEN, WEBHOOK_SECRET, auth, startHarness, type Harness } from '../integration/api/harness.ts';

let h: Harness;
const seed = process.env['FUZZ_SEED'] === undefined ? Date.now() % 2_147_483_647 : Number(process.env['FUZZ_SEED']);
const SYNCS = ['trata-to-powerchord', 'trata-to-propexo', 'overplane-to-trata', 'propexo-to-powerchord'];
let cases = 0;

beforeAll(async () => {
  // Wrong sign-ins are part of the fuzz: a throttle that never trips keeps every later case meaningful.
  h = await startHarness({ app: { authThrottle: { limit: 1_000_000, windowS: 60 } } });
});
afterAll(async () => {
  await h?.close();
});

/** The property every answer keeps. */
function wellBehaved(res: LightMyRequestResponse, what: string): void {
  cases += 1;
  if (res.statusCode >= 500) throw new Error(`${what} answered ${res.statusCode}: ${res.body.slice(0, 500)}`);
  if (res.statusCode >= 400 && res.statusCode !== 303) {
    const type = String(res.headers['content-type'] ?? '');
    if (type.startsWith('text/html')) return; // the sign-in form answers its errors as a page
    const body = res.json() as { error?: unknown; message?: unknown };
    if (typeof body.error !== 'string' || typeof body.message !== 'string') throw new Error(`${what} answered ${res.statusCode} outside our error format: ${res.body.slice(0, 300)}`);
  }
}

const send = async (opts: InjectOptions, what: string) => wellBehaved(await h.app.inject(opts), what);

// Any JSON at all, deep-ish and odd keys included; and text that is not JSON.
const anyJson = fc.jsonValue({ maxDepth: 6 });
const oddKey = fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', '', 'sync', 'records', 'id', 'data'));
const looseObject = fc.dictionary(oddKey, anyJson, { maxKeys: 6 });
const notJson = fc.oneof(fc.string(), fc.constantFrom('{', '{"a":', '[1,', 'nul', '{"a":1}}', '\u0000', '"\\ud800"'));
const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('', ' ', '../..', '%00', 'a'.repeat(300), '\r\n', 'null'));
const syncName = fc.oneof(fc.constantFrom(...SYNCS), text);

const record = fc.record(
  {
    id: fc.oneof(fc.string({ minLength: 1, maxLength: 40 }), fc.integer(), fc.constant(null)),
    updatedAt: fc.oneof(fc.constant(null), fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), fc.string()),
    data: fc.oneof(looseObject, fc.record({ id: fc.string(), status: fc.constantFrom('NEW', 'NOT_INTERESTED', 'x'), name: fc.string(), email: fc.string() }), anyJson),
    extra: anyJson,
  },
  { requiredKeys: ['id', 'data'] },
);
const recordsBody = fc.oneof(
  fc.record({ sync: syncName, records: fc.array(record, { maxLength: 4 }) }, { requiredKeys: ['sync', 'records'] }),
  fc.record({ sync: syncName, records: anyJson, other: anyJson }, { requiredKeys: [] }),
  looseObject,
  anyJson,
);
const payload = (body: fc.Arbitrary<unknown>) => fc.oneof({ weight: 5, arbitrary: body.map((b) => JSON.stringify(b) ?? 'null') }, { weight: 1, arbitrary: notJson });
const contentType = fc.constantFrom('application/json', 'application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/json; charset=latin1');
const idempotencyKey = fc.option(fc.oneof(fc.string({ minLength: 1, maxLength: 20 }), text), { nil: undefined });
const headersWith = (type: string, key: string | undefined) => ({ ...auth(), 'content-type': type, ...(key === undefined ? {} : { 'idempotency-key': key }) });

const webhookData = fc.oneof(
  fc.record({ trigger: fc.constantFrom('DATA_NEW', 'DATA_UPDATE', 'WRITE_OPERATION_FAILURE', 'OTHER'), data: fc.oneof(fc.record({ object: fc.constantFrom('prospect', 'prospects', 'lease'), id: fc.oneof(fc.string(), fc.integer()) }), fc.record({ root_job_id: fc.string() }), looseObject) }),
  fc.record({ event: fc.constantFrom('DATA_NEW', 'DATA_UPDATE', 'WRITE_OPERATION_FAILURE'), object: fc.constantFrom('prospects', 'leases'), record_id: fc.string(), root_job_id: fc.string(), payload: looseObject, meta: looseObject }),
  looseObject,
  anyJson,
);

describe('fuzzing every JSON input', () => {
  it('POST /v1/records', async () => {
    await fc.assert(
      fc.asyncProperty(payload(recordsBody), contentType, idempotencyKey, async (body, type, key) => send({ method: 'POST', url: '/v1/records', headers: headersWith(type, key), payload: body }, `records ${body.slice(0, 200)}`)),
      { numRuns: 3_000, seed },
    );
  }, 120_000);

  it('POST /v1/syncs/:name/runs and /errors/retry', async () => {
    await fc.assert(
      fc.asyncProperty(syncName, payload(fc.oneof(fc.record({ full: fc.oneof(fc.boolean(), anyJson) }, { requiredKeys: [] }), anyJson)), contentType, idempotencyKey, fc.boolean(), async (name, body, type, key, retry) => {
        const url = `/v1/syncs/${encodeURIComponent(name)}/${retry ? 'errors/retry' : 'runs'}`;
        await send({ method: 'POST', url, headers: headersWith(type, key), payload: body }, `${url} ${body.slice(0, 200)}`);
      }),
      { numRuns: 2_000, seed },
    );
  }, 120_000);

  it('GET /v1/jobs/:id, /v1/syncs/:name/runs and /errors with any path and paging', async () => {
    const paging = fc.record({ offset: fc.oneof(fc.integer(), text), limit: fc.oneof(fc.integer(), text), extra: text }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('job', 'runs', 'errors'), text, paging, fc.boolean(), async (route, id, query, raw) => {
        const segment = raw ? id.replace(/[/?#]/g, '') : encodeURIComponent(id);
        const path = route === 'job' ? `/v1/jobs/${segment}` : `/v1/syncs/${segment}/${route}`;
        const search = new URLSearchParams(Object.entries(query).map(([k, v]): [string, string] => [k, String(v)])).toString();
        await send({ method: 'GET', url: `${path}?${search}`, headers: auth() }, `${path}?${search}`);
      }),
      { numRuns: 2_000, seed },
    );
  }, 120_000);

  it('POST /v1/webhooks/propexo, signed and not', async () => {
    await fc.assert(
      fc.asyncProperty(payload(webhookData), fc.constantFrom('signed', 'signed', 'signed', 'unsigned', 'wrong'), async (body, signing) => {
        const signature = signing === 'signed' ? signPropexoBody(WEBHOOK_SECRET, body) : signing === 'wrong' ? signPropexoBody('not-the-secret', body) : undefined;
        const headers = { 'content-type': 'application/json', ...(signature === undefined ? {} : { 'propexo-signature': signature }) };
        await send({ method: 'POST', url: '/v1/webhooks/propexo', headers, payload: body }, `webhook ${body.slice(0, 200)}`);
      }),
      { numRuns: 2_000, seed },
    );
  }, 120_000);

  it('POST /admin/login and the session cookie', async () => {
    const login = fc.record({ token: fc.oneof(text, fc.constant(TOKEN)), next: text, other: text }, { requiredKeys: [] });
    await fc.assert(
      fc.asyncProperty(login, text, fc.ipV4(), async (fields, cookie, address) => {
        const body = new URLSearchParams(Object.entries(fields)).toString();
        await send({ method: 'POST', url: '/admin/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: body, remoteAddress: address }, `login ${body.slice(0, 200)}`);
        await send({ method: 'GET', url: '/admin/queues/api/queues', headers: { cookie: `crm_bridge_session=${cookie}` } }, `cookie ${cookie.slice(0, 100)}`);
      }),
      { numRuns: 1_000, seed },
    );
  }, 120_000);

  it('leaves the process healthy: at least 10,000 cases, then /healthz, /readyz and a valid request answer as usual', async () => {
    expect(cases).toBeGreaterThanOrEqual(10_000);
    expect((await h.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    // Not ready only for want of a worker (none runs in this file): Redis still answers.
    expect((await h.app.inject({ method: 'GET', url: '/readyz', headers: auth() })).json()).toMatchObject({ redis: true });
    const ok = await h.app.inject({ method: 'POST', url: '/v1/syncs/trata-to-powerchord/runs', headers: auth(), payload: { full: false } });
    expect(ok.statusCode).toBe(202);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
