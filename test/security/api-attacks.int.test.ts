/**
 * The API tried as an attacker would (issue #12): each broken row has its regression test here, and the rows
 * that held are kept as tests so they keep holding. Everything goes through `app.inject` against a real engine on
 * the test Redis; "client addresses" are inject's `remoteAddress`, so no traffic leaves the process.
 */
import type { InjectOptions } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/api/app.ts';
import { SESSION_COOKIE } from '../../src/api/auth.ts';
import type { ApiApp } from '../../src/api/deps.ts';
import { SYNC_QUEUE } from '../../src/queues/contracts.ts';
import { signPropexoBody } from '../../src/simulators/propexo/webhooks.ts';
import { OLD_TOKEN, TOKEN, WEBHOOK_SECRET, auth, startHarness, type Harness } from '../integration/api/harness.ts';

let h: Harness;
const inject = (opts: InjectOptions) => h.app.inject(opts);
const SYNC = 'trata-to-powerchord';
const form = { 'content-type': 'application/x-www-form-urlencoded' };
/** `{"a":{"a":…"leaf"…}}` as text: JSON.stringify itself would overflow the stack on the deep ones. */
const nested = (depth: number) => `${'{"a":'.repeat(depth)}"leaf"${'}'.repeat(depth)}`;
const json = { 'content-type': 'application/json' };
const signed = (body: string) => ({ 'content-type': 'application/json', 'propexo-signature': signPropexoBody(WEBHOOK_SECRET, body) });

beforeAll(async () => {
  h = await startHarness({ app: { authThrottle: { limit: 5, windowS: 60 } } });
});
afterAll(async () => {
  await h?.close();
});

describe('1. nesting depth and string length are limited at the edge', () => {
  it('answers 400 naming the path for a record nested 10,000 (and 1,000) levels deep, and stays up', async () => {
    for (const depth of [10_000, 1_000]) {
      const payload = `{"sync":"${SYNC}","records":[{"id":"deep","data":{"x":${nested(depth)}}}]}`;
      const res = await inject({ method: 'POST', url: '/v1/records', headers: { ...auth(), ...json }, payload });
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toBe('VALIDATION_FAILED');
      expect(res.json().issues[0].field).toMatch(/^body\.records\.0\.data\.x\.a\.a/);
      expect(res.json().message).toContain('nested deeper than 32 levels');
    }
    const payload = `{"sync":"${SYNC}","records":[{"id":"shallow","data":{"id":"shallow","status":"NEW","x":${nested(20)}}}]}`;
    const ok = await inject({ method: 'POST', url: '/v1/records', headers: { ...auth(), ...json }, payload });
    expect(ok.statusCode).toBe(202);
    expect((await inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  });

  it('answers 400 for a signed webhook nested 10,000 levels deep', async () => {
    const body = `{"trigger":"DATA_UPDATE","data":{"object":"prospect","id":"p-1","deep":${nested(10_000)}}}`;
    const res = await inject({ method: 'POST', url: '/v1/webhooks/propexo', headers: signed(body), payload: body });
    expect(res.statusCode).toBe(400);
    expect(res.json().issues[0].field).toMatch(/^body\.data\.deep\.a\.a/);
  });

  it('answers 400 for a 900 KB webhook id and a 40 KB record field, naming each, before anything is enqueued or logged', async () => {
    const before = await h.engine.queues.queue(SYNC_QUEUE).count();
    const body = JSON.stringify({ trigger: 'DATA_NEW', data: { object: 'prospect', id: 'x'.repeat(900_000) } });
    const hook = await inject({ method: 'POST', url: '/v1/webhooks/propexo', headers: signed(body), payload: body });
    expect(hook.statusCode).toBe(400);
    expect(hook.json().issues[0]).toEqual({ field: 'body.data.id', message: 'longer than 32768 characters' });
    const record = await inject({ method: 'POST', url: '/v1/records', headers: auth(), payload: { sync: SYNC, records: [{ id: 'r', data: { name: 'n'.repeat(40_000) } }] } });
    expect(record.statusCode).toBe(400);
    expect(record.json().issues[0].field).toBe('body.records.0.data.name');
    expect(await h.engine.queues.queue(SYNC_QUEUE).count()).toBe(before);
  });
});

describe('2. the sign-in redirect only goes to same-site paths of safe characters', () => {
  it.each([
    ['CR/LF', '/admin/queues\r\nSet-Cookie: evil=1'],
    ['non-Latin-1', '/admin/queues/ü✓'],
    ['another site', '//evil.example/admin/'],
    ['a backslash', '/admin/\\evil.example'],
    ['a scheme', 'https://evil.example/admin/'],
  ])('a `next` with %s falls back to the dashboard (never a 500)', async (_label, next) => {
    const res = await inject({ method: 'POST', url: '/admin/login', headers: form, payload: new URLSearchParams({ token: TOKEN, next }).toString() });
    expect(res.statusCode).toBe(303);
    expect(res.headers.location).toBe('/admin/queues');
    const page = await inject({ method: 'GET', url: `/admin/login?next=${encodeURIComponent(next)}` });
    expect(page.statusCode).toBe(200);
    expect(page.body).not.toContain('evil=1');
  });

  it('keeps a plain same-site path', async () => {
    const res = await inject({ method: 'POST', url: '/admin/login', headers: form, payload: new URLSearchParams({ token: TOKEN, next: '/admin/queues/queue/sync?status=failed' }).toString() });
    expect(res.headers.location).toBe('/admin/queues/queue/sync?status=failed');
  });
});

describe('5. failed authentication is throttled per client address', () => {
  it('answers 429 with Retry-After past the limit, refuses even the right token from that address, and not others', async () => {
    const attacker = '203.0.113.5';
    for (let i = 0; i < 5; i++) expect((await inject({ method: 'GET', url: '/v1/syncs', headers: auth(`guess-${i}`), remoteAddress: attacker })).statusCode).toBe(401);
    const refused = await inject({ method: 'GET', url: '/v1/syncs', headers: auth('guess-5'), remoteAddress: attacker });
    expect(refused.statusCode).toBe(429);
    expect(refused.json().error).toBe('TOO_MANY_FAILED_ATTEMPTS');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    expect(Number(refused.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect((await inject({ method: 'GET', url: '/v1/syncs', headers: auth(), remoteAddress: attacker })).statusCode).toBe(429);
    expect((await inject({ method: 'GET', url: '/v1/syncs', headers: auth(), remoteAddress: '203.0.113.6' })).statusCode).toBe(200);
  });

  it('counts wrong sign-ins too, and answers the form with 429', async () => {
    const attacker = '203.0.113.7';
    for (let i = 0; i < 5; i++) {
      expect((await inject({ method: 'POST', url: '/admin/login', headers: form, payload: `token=guess-${i}`, remoteAddress: attacker })).statusCode).toBe(401);
    }
    expect((await inject({ method: 'POST', url: '/admin/login', headers: form, payload: 'token=guess-5', remoteAddress: attacker })).statusCode).toBe(429);
    const refused = await inject({ method: 'POST', url: '/admin/login', headers: form, payload: `token=${TOKEN}`, remoteAddress: attacker });
    expect(refused.statusCode).toBe(429);
    expect(refused.headers['retry-after']).toBeDefined();
    expect(refused.headers['set-cookie']).toBeUndefined();
    expect(refused.body).toContain('Too many failed attempts');
  });

  it('shares the count between API processes (kept in Redis)', async () => {
    const other = await buildApp({ engine: h.engine, redis: h.redis, tokens: [TOKEN], authThrottle: { limit: 5, windowS: 60 } });
    try {
      const attacker = '203.0.113.8';
      for (let i = 0; i < 3; i++) await inject({ method: 'GET', url: '/v1/syncs', headers: auth(`a-${i}`), remoteAddress: attacker });
      for (let i = 0; i < 2; i++) expect((await other.inject({ method: 'GET', url: '/v1/syncs', headers: auth(`b-${i}`), remoteAddress: attacker })).statusCode).toBe(401);
      expect((await other.inject({ method: 'GET', url: '/v1/syncs', headers: auth('b-2'), remoteAddress: attacker })).statusCode).toBe(429);
    } finally {
      await other.close();
    }
  });

  it('believes X-Forwarded-For only from a configured trusted proxy', async () => {
    const proxied = await buildApp({ engine: h.engine, redis: h.redis, tokens: [TOKEN], authThrottle: { limit: 2, windowS: 60 }, trustProxy: '198.51.100.1' });
    try {
      const viaProxy = (client: string, token: string) =>
        proxied.inject({ method: 'GET', url: '/v1/syncs', headers: { ...auth(token), 'x-forwarded-for': client }, remoteAddress: '198.51.100.1' });
      for (let i = 0; i < 2; i++) expect((await viaProxy('192.0.2.10', `x-${i}`)).statusCode).toBe(401);
      expect((await viaProxy('192.0.2.10', 'x-2')).statusCode).toBe(429);
      expect((await viaProxy('192.0.2.11', TOKEN)).statusCode).toBe(200);
      // A client that is not the proxy cannot pick its address by sending the header itself.
      const spoofer = (xff: string, token: string) => proxied.inject({ method: 'GET', url: '/v1/syncs', headers: { ...auth(token), 'x-forwarded-for': xff }, remoteAddress: '192.0.2.66' });
      for (let i = 0; i < 2; i++) expect((await spoofer(`10.9.9.${i}`, `s-${i}`)).statusCode).toBe(401);
      expect((await spoofer('10.9.9.99', 's-x')).statusCode).toBe(429);
    } finally {
      await proxied.close();
    }
  });
});

describe('6. dashboard sessions are server-side, random, revocable, and Secure behind HTTPS', () => {
  const signIn = async (app: ApiApp, token: string, headers: Record<string, string> = {}, remoteAddress = '127.0.0.1') => {
    const res = await app.inject({ method: 'POST', url: '/admin/login', headers: { ...form, ...headers }, payload: `token=${encodeURIComponent(token)}`, remoteAddress });
    expect(res.statusCode).toBe(303);
    const cookie = String(res.headers['set-cookie']);
    return { cookie, session: cookie.split(';')[0] ?? '' };
  };
  const opens = async (session: string, app: ApiApp = h.app) => (await app.inject({ method: 'GET', url: '/admin/queues/api/queues', headers: { cookie: session } })).statusCode;

  it('gives every sign-in its own random id (no token in it), kept in Redis with a TTL', async () => {
    const a = await signIn(h.app, TOKEN);
    const b = await signIn(h.app, TOKEN);
    expect(a.session).not.toBe(b.session);
    const id = a.session.slice(SESSION_COOKIE.length + 1);
    expect(id).toMatch(/^[\w-]{43}$/);
    expect(a.cookie).not.toContain(TOKEN);
    const keys = await h.redis.keys(`${h.prefix}:cb:api:session:*`);
    expect(keys.length).toBeGreaterThanOrEqual(2);
    // Redis holds the id's digest, never the id itself.
    expect(keys.some((k) => k.includes(id))).toBe(false);
    const ttl = await h.redis.ttl(keys[0] as string);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(12 * 3600);
    expect(await opens(a.session)).toBe(200);
    expect(await opens(`${SESSION_COOKIE}=${'A'.repeat(43)}`)).toBe(401);
  });

  it('is revoked by sign-out (a copy of the cookie stops working), other sessions live on', async () => {
    const a = await signIn(h.app, TOKEN);
    const b = await signIn(h.app, TOKEN);
    const out = await inject({ method: 'POST', url: '/admin/logout', headers: { cookie: a.session } });
    expect(out.statusCode).toBe(303);
    expect(String(out.headers['set-cookie'])).toContain('Max-Age=0');
    expect(await opens(a.session)).toBe(401);
    expect(await opens(b.session)).toBe(200);
  });

  it('ends when the token that opened it is rotated out', async () => {
    const old = await signIn(h.app, OLD_TOKEN);
    expect(await opens(old.session)).toBe(200);
    const rotated = await buildApp({ engine: h.engine, redis: h.redis, tokens: [TOKEN] });
    try {
      expect(await opens(old.session, rotated)).toBe(401);
    } finally {
      await rotated.close();
    }
  });

  it('sets Secure when HTTPS came through a trusted proxy, and ignores X-Forwarded-Proto from anyone else', async () => {
    const proxied = await buildApp({ engine: h.engine, redis: h.redis, tokens: [TOKEN], trustProxy: '127.0.0.1' });
    try {
      expect((await signIn(proxied, TOKEN, { 'x-forwarded-proto': 'https' }, '127.0.0.1')).cookie).toMatch(/; Secure/);
      expect((await signIn(proxied, TOKEN, {}, '127.0.0.1')).cookie).not.toMatch(/Secure/);
      expect((await signIn(proxied, TOKEN, { 'x-forwarded-proto': 'https' }, '192.0.2.9')).cookie).not.toMatch(/Secure/);
      expect((await signIn(h.app, TOKEN, { 'x-forwarded-proto': 'https' })).cookie).not.toMatch(/Secure/);
    } finally {
      await proxied.close();
    }
  });
});

describe('11. one error format everywhere, with an accurate message', () => {
  const ourShape = (body: unknown) => expect(body).toEqual(expect.objectContaining({ error: expect.any(String), message: expect.any(String) }));

  it('a path parameter over the length limit', async () => {
    const res = await inject({ method: 'GET', url: `/v1/jobs/${'a'.repeat(300)}`, headers: auth() });
    expect(res.statusCode).toBe(414);
    ourShape(res.json());
    expect(res.json().error).toBe('VALIDATION_FAILED');
  });

  it('a bad %-escape in the path', async () => {
    const res = await inject({ method: 'GET', url: '/v1/jobs/%E0%A4%A', headers: auth() });
    expect(res.statusCode).toBe(400);
    ourShape(res.json());
    expect(res.json().message).toContain('%-escape');
  });

  it('a __proto__ key is named as such (not "not valid JSON"), and pollutes nothing', async () => {
    const payload = '{"sync":"trata-to-powerchord","records":[{"id":"p","data":{"__proto__":{"polluted":"yes"}}}]}';
    const res = await inject({ method: 'POST', url: '/v1/records', headers: { ...auth(), 'content-type': 'application/json' }, payload });
    expect(res.statusCode).toBe(400);
    expect(res.json().issues).toEqual([{ field: 'body.records.0.data.__proto__', message: 'the key "__proto__" is not allowed' }]);
    const ctor = '{"sync":"trata-to-powerchord","records":[{"id":"p","data":{"constructor":{"prototype":{"polluted":"yes"}}}}]}';
    expect((await inject({ method: 'POST', url: '/v1/records', headers: { ...auth(), 'content-type': 'application/json' }, payload: ctor })).json().issues[0].field).toBe(
      'body.records.0.data.constructor.prototype',
    );
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('malformed JSON, a wrong content type, a too-large body, an unknown route', async () => {
    const bad = await inject({ method: 'POST', url: '/v1/records', headers: { ...auth(), 'content-type': 'application/json' }, payload: '{"sync":' });
    expect(bad.statusCode).toBe(400);
    ourShape(bad.json());
    const media = await inject({ method: 'POST', url: '/v1/records', headers: { ...auth(), 'content-type': 'text/xml' }, payload: '<a/>' });
    expect(media.statusCode).toBe(415);
    ourShape(media.json());
    const large = await inject({ method: 'POST', url: '/v1/records', headers: { ...auth(), 'content-type': 'application/json' }, payload: `{"x":"${'y'.repeat(1_100_000)}"}` });
    expect(large.statusCode).toBe(413);
    ourShape(large.json());
    const missing = await inject({ method: 'GET', url: '/v1/nothing-here', headers: auth() });
    expect(missing.statusCode).toBe(404);
    ourShape(missing.json());
  });
});

describe('rows that held, kept holding', () => {
  it('every route but the public ones needs a token', async () => {
    const spec = (await inject({ method: 'GET', url: '/openapi.json', headers: auth() })).json() as { paths: Record<string, Record<string, unknown>> };
    const open = new Set(['GET /healthz', 'POST /v1/webhooks/propexo']);
    const routes = Object.entries(spec.paths).flatMap(([path, methods]) => Object.keys(methods).map((m) => [m.toUpperCase(), path.replace(/\{[^}]+\}/g, 'x')] as const));
    routes.push(['GET', '/metrics'], ['GET', '/readyz'], ['GET', '/openapi.json'], ['GET', '/admin/queues'], ['GET', '/admin/queues/api/queues'], ['PUT', '/admin/queues/api/queues/sync/pause']);
    expect(routes.length).toBeGreaterThan(10);
    for (const [method, url] of routes) {
      if (open.has(`${method} ${url}`)) continue;
      const res = await inject({ method, url, remoteAddress: '192.0.2.200' });
      expect([401, 303], `${method} ${url}`).toContain(res.statusCode);
    }
  });

  it('bodies over the limit are refused before they are read whole', async () => {
    const res = await inject({ method: 'POST', url: '/v1/syncs/trata-to-powerchord/runs', headers: { ...auth(), 'content-type': 'application/json' }, payload: 'x'.repeat(2 * 1024 * 1024) });
    expect(res.statusCode).toBe(413);
  });

  it('path traversal reaches no file and no other key', async () => {
    for (const url of ['/v1/jobs/..%2F..%2Fpackage.json', '/v1/jobs/..', '/admin/queues/static/..%2F..%2F..%2Fpackage.json', '/docs/static/..%2F..%2Fpackage.json']) {
      const res = await inject({ method: 'GET', url, headers: auth() });
      expect(res.statusCode, url).toBeGreaterThanOrEqual(400);
      expect(res.statusCode, url).toBeLessThan(500);
      expect(res.body).not.toContain('"name": "crm-bridge"');
    }
  });

  it('tokens are compared whole: a prefix, a longer value or another case is refused', async () => {
    for (const token of [TOKEN.slice(0, -1), `${TOKEN}x`, TOKEN.toUpperCase()]) {
      expect((await inject({ method: 'GET', url: '/v1/syncs', headers: auth(token), remoteAddress: '192.0.2.201' })).statusCode).toBe(401);
    }
  });
});
