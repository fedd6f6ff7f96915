/**
 * Hostile input the earlier review (api-attacks.int.test.ts, fuzz.int.test.ts) did not try: address forms that
 * dodged the auth throttle, compressed bodies, a body that never finishes, a client-chosen request id. Each test
 * failed before its fix. Through `app.inject`, except the slow body, which needs a real socket.
 */
import { createHash } from 'node:crypto';
import { connect, type AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { throttleKey } from '../../src/api/auth-throttle.ts';
import { SYNC_QUEUE } from '../../src/queues/contracts.ts';
import { TOKEN, auth, startHarness, type Harness } from '../integration/api/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ app: { authThrottle: { limit: 3, windowS: 60 } } });
});
afterAll(async () => {
  await h?.close();
});

const guess = (remoteAddress: string, i: number) => h.app.inject({ method: 'GET', url: '/v1/syncs', headers: auth(`guess-${i}`), remoteAddress });

describe('the auth throttle counts per subscriber, not per address string', () => {
  it('an IPv6 client rotating through its own /64 is throttled like one address', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 5; i++) codes.push((await guess(`2001:db8:aa:bb::${(i + 1).toString(16)}`, i)).statusCode);
    expect(codes).toEqual([401, 401, 401, 429, 429]);
    // Another /64 is another subscriber.
    expect((await h.app.inject({ method: 'GET', url: '/v1/syncs', headers: auth(), remoteAddress: '2001:db8:aa:bc::1' })).statusCode).toBe(200);
  });

  it('an IPv4 address and its IPv4-mapped IPv6 forms share one count', async () => {
    const forms = ['198.51.100.9', '::ffff:198.51.100.9', '::FFFF:c633:6409', '0:0:0:0:0:ffff:198.51.100.9'];
    const codes: number[] = [];
    for (const [i, form] of forms.entries()) codes.push((await guess(form, i)).statusCode);
    expect(codes).toEqual([401, 401, 401, 429]);
  });

  it('throttleKey: one key per IPv4 address, per IPv6 /64, whatever the spelling', () => {
    expect(throttleKey('203.0.113.5')).toBe('203.0.113.5');
    expect(throttleKey('::ffff:203.0.113.5')).toBe('203.0.113.5');
    expect(throttleKey('2001:DB8:0:1::5')).toBe(throttleKey('2001:db8:0000:0001:ffff:1:2:3'));
    expect(throttleKey('fe80::1%eth0')).toBe(throttleKey('fe80::2'));
    expect(throttleKey('2001:db8:0:1::5')).not.toBe(throttleKey('2001:db8:0:2::5'));
    expect(throttleKey('::1')).toBe('0:0:0:0::/64');
    expect(throttleKey('not an address')).toBe('not an address');
  });
});

describe('a Content-Encoding the API does not decode', () => {
  const body = JSON.stringify({ sync: 'trata-to-powerchord', records: [{ id: 'enc-1', data: { first_name: 'A' } }] });
  it('is a 415 naming it (was: gzip "not valid JSON", br read as if it were plain)', async () => {
    const before = await h.engine.queues.queue(SYNC_QUEUE).count();
    for (const [encoding, payload] of [['gzip', gzipSync(body)], ['br', body], ['gzip, identity', gzipSync(body)]] as const) {
      const res = await h.app.inject({ method: 'POST', url: '/v1/records', headers: { ...auth(), 'content-type': 'application/json', 'content-encoding': encoding }, payload });
      expect(res.statusCode, encoding).toBe(415);
      expect(res.json()).toMatchObject({ error: 'UNSUPPORTED_MEDIA_TYPE', message: expect.stringContaining('Content-Encoding') });
    }
    expect(await h.engine.queues.queue(SYNC_QUEUE).count()).toBe(before);
  });

  it('identity is plain', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/v1/records', headers: { ...auth(), 'content-type': 'application/json', 'content-encoding': 'Identity' }, payload: body });
    expect(res.statusCode).toBe(202);
  });
});

describe('a request body that never finishes', () => {
  it('is answered 408 and the connection closed (was: held open for ever)', async () => {
    const app = await buildApp({ engine: h.engine, redis: h.redis, tokens: [TOKEN], requestTimeoutMs: 400 });
    try {
      await app.listen({ host: '127.0.0.1', port: 0 });
      const { port } = app.server.address() as AddressInfo;
      const started = Date.now();
      const answer = await new Promise<string>((resolve) => {
        const socket = connect(port, '127.0.0.1', () =>
          socket.write(`POST /v1/records HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${TOKEN}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"sync"`),
        );
        let text = '';
        socket.on('data', (chunk) => (text += chunk.toString()));
        socket.on('close', () => resolve(text));
        setTimeout(() => socket.destroy(), 10_000);
      });
      expect(answer.split('\r\n')[0]).toBe('HTTP/1.1 408 Request Timeout');
      expect(Date.now() - started).toBeLessThan(5_000);
      // In the API's error format, as every other refusal (was: Fastify's own {error, message, statusCode}).
      expect(JSON.parse(answer.slice(answer.indexOf('\r\n\r\n') + 4))).toEqual({ error: 'REQUEST_TIMEOUT', message: expect.any(String) });
      // Headers over Node's 16 KB are refused in the same format.
      const big = await new Promise<string>((resolve) => {
        const socket = connect(port, '127.0.0.1', () => socket.write(`GET /v1/syncs?${'a'.repeat(20_000)} HTTP/1.1\r\nHost: x\r\n\r\n`));
        let text = '';
        socket.on('data', (chunk) => (text += chunk.toString()));
        socket.on('close', () => resolve(text));
        setTimeout(() => socket.destroy(), 10_000);
      });
      expect(big.split('\r\n')[0]).toBe('HTTP/1.1 431 Request Header Fields Too Large');
      expect(JSON.parse(big.slice(big.indexOf('\r\n\r\n') + 4))).toMatchObject({ error: 'VALIDATION_FAILED', issues: [{ field: 'headers' }] });
    } finally {
      await app.close();
    }
  });
});

describe('X-Request-Id', () => {
  it('is taken only when it is a short token: an over-long or odd one gets a fresh id', async () => {
    const app = await buildApp({ engine: h.engine, redis: h.redis, tokens: [TOKEN] });
    app.get('/probe/request-id', { config: { public: true } }, async (request) => ({ id: request.id }));
    try {
      const idOf = async (value: string) => (await app.inject({ method: 'GET', url: '/probe/request-id', headers: { 'x-request-id': value } })).json<{ id: string }>().id;
      expect(await idOf('abc-123_XYZ.7:8')).toBe('abc-123_XYZ.7:8');
      for (const bad of ['q'.repeat(5_000), '{"level":60,"msg":"forged"}', 'a b', '']) expect(await idOf(bad), bad.slice(0, 20)).not.toBe(bad);
    } finally {
      await app.close();
    }
  });
});

describe('an Idempotency-Key whose stored entry cannot be read', () => {
  it('is taken over (the job id is derived from the key, so nothing runs twice) instead of looping on SET NX / GET', async () => {
    const key = 'h33-corrupt-entry';
    await h.redis.set(h.engine.ctx.keys.idempotency(createHash('sha256').update(key).digest('hex')), 'not json', 'EX', 60);
    const post = () => h.app.inject({ method: 'POST', url: '/v1/syncs/trata-to-powerchord/runs', headers: { ...auth(), 'content-type': 'application/json', 'idempotency-key': key }, payload: '{}' });
    const first = await post();
    expect(first.statusCode).toBe(202);
    const again = await post();
    expect(again.json()).toMatchObject({ job_id: first.json().job_id, data: { replayed: true } });
  });
});

describe('the sign-in and sign-out forms', () => {
  const form = { 'content-type': 'application/x-www-form-urlencoded' };
  it('refuse a request the browser marks as cross-site (login CSRF: another site signing the browser in, or out)', async () => {
    const login = await h.app.inject({ method: 'POST', url: '/admin/login', headers: { ...form, 'sec-fetch-site': 'cross-site' }, payload: `token=${TOKEN}` });
    expect(login.statusCode).toBe(403);
    expect(login.headers['set-cookie']).toBeUndefined();
    const logout = await h.app.inject({ method: 'POST', url: '/admin/logout', headers: { 'sec-fetch-site': 'cross-site' } });
    expect(logout.statusCode).toBe(403);
    expect(logout.headers['set-cookie']).toBeUndefined();
    // The form itself, and clients that send no Fetch Metadata, still sign in.
    for (const site of ['same-origin', 'none', undefined]) {
      const ok = await h.app.inject({ method: 'POST', url: '/admin/login', headers: { ...form, ...(site ? { 'sec-fetch-site': site } : {}) }, payload: `token=${TOKEN}` });
      expect(ok.statusCode, String(site)).toBe(303);
    }
  });
});

describe('a validation answer', () => {
  it('stays small whatever the body: a few issues, each message capped (was: every one of 80,000 unknown keys echoed, ~950 KB)', async () => {
    const payload = `{${Array.from({ length: 80_000 }, (_, i) => `"k${i}":1`).join(',')}}`;
    const res = await h.app.inject({ method: 'POST', url: '/v1/syncs/trata-to-powerchord/runs', headers: { ...auth(), 'content-type': 'application/json' }, payload });
    expect(res.statusCode).toBe(400);
    expect(res.body.length).toBeLessThan(4_096);
    const body = res.json<{ error: string; issues: Array<{ field: string; message: string }> }>();
    expect(body.error).toBe('VALIDATION_FAILED');
    expect(body.issues[0]).toMatchObject({ field: 'body', message: expect.stringContaining('Unrecognized keys: "k0"') });
  });
});

describe('a dashboard action authenticated by the session cookie', () => {
  it('is refused when the browser says it came from another origin (same-site CSRF from a sibling subdomain, which SameSite=Strict lets through)', async () => {
    const login = await h.app.inject({ method: 'POST', url: '/admin/login', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: `token=${TOKEN}` });
    const cookie = String(login.headers['set-cookie']).split(';')[0]!;
    const pause = (site?: string) =>
      h.app.inject({ method: 'PUT', url: '/admin/queues/api/queues/sync/pause', headers: { cookie, ...(site ? { 'sec-fetch-site': site } : {}) } });
    for (const site of ['same-site', 'cross-site']) {
      const res = await pause(site);
      expect(res.statusCode, site).toBe(403);
      expect(res.json()).toMatchObject({ message: expect.stringContaining('another site') });
    }
    expect(await h.engine.queues.queue(SYNC_QUEUE).isPaused(), 'nothing was paused').toBe(false);
    // The dashboard's own page (same-origin), and a client that sends no Fetch Metadata, still act; reading stays open.
    expect((await pause('same-origin')).statusCode).toBe(200);
    await h.engine.queues.queue(SYNC_QUEUE).resume();
    expect((await h.app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: { cookie, 'sec-fetch-site': 'same-site' } })).statusCode).toBe(200);
  });
});

describe('a body with a very long array', () => {
  it('is refused at the edge naming the array, before validation walks it (300,000 elements cost ~0.75 s of CPU there)', async () => {
    for (const [payload, field] of [
      [JSON.stringify({ sync: 'trata-to-powerchord', records: Array.from({ length: 300_000 }, () => ({})) }), 'body.records'],
      [JSON.stringify({ sync: 'trata-to-powerchord', records: [{ id: 'long-list', data: { tags: Array.from({ length: 20_000 }, () => 0) } }] }), 'body.records.0.data.tags'],
    ] as const) {
      const res = await h.app.inject({ method: 'POST', url: '/v1/records', headers: { ...auth(), 'content-type': 'application/json' }, payload });
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ error: 'VALIDATION_FAILED', issues: [{ field, message: 'more than 10000 items' }] });
    }
  });
});

describe('a job id that names one of the queue\'s own Redis keys', () => {
  it('is an unknown job, 404 (was: 500, Redis answering WRONGTYPE to the job lookup)', async () => {
    expect((await h.app.inject({ method: 'POST', url: '/v1/syncs/trata-to-powerchord/runs', headers: auth() })).statusCode).toBe(202);
    for (const id of ['wait', 'events', 'id', 'marker', 'meta']) {
      const res = await h.app.inject({ method: 'GET', url: `/v1/jobs/${id}`, headers: auth() });
      expect(res.statusCode, id).toBe(404);
      expect(res.json().error).toBe('NOT_FOUND');
    }
  });

  it('is an unknown job on the dashboard too, 404 (was: 500)', async () => {
    expect((await h.app.inject({ method: 'POST', url: '/v1/syncs/trata-to-powerchord/runs', headers: auth() })).statusCode).toBe(202);
    for (const [method, url] of [['GET', '/admin/queues/api/queues/sync/wait'], ['GET', '/admin/queues/api/queues/sync/events'], ['PUT', '/admin/queues/api/queues/sync/wait/promote'], ['PUT', '/admin/queues/api/queues/sync/events/clean']] as const) {
      const res = await h.app.inject({ method, url, headers: auth() });
      expect(res.statusCode, url).toBe(404);
      expect(res.json().error).toBe('NOT_FOUND');
    }
  });
});
