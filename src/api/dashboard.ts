import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiApp } from './deps.ts';
import { SYNC_QUEUE } from '../queues/contracts.ts';
import type { SyncEngine } from '../sync/engine.ts';
import { SESSION_COOKIE, readCookie, type ApiAuth } from './auth.ts';
import { ApiError, ApiErrorCode, errorBody, isRedisDown } from './errors.ts';
import { redactSecrets } from './redact.ts';
import { SESSION_TTL_S } from './sessions.ts';

export const DASHBOARD_PATH = '/admin/queues';

/**
 * bull-board at /admin/queues: the sync queue and every push queue. It sits behind the same tokens as the API
 * (the root auth hook); browsers, which cannot send a bearer header when navigating, sign in once at
 * /admin/login and carry an HttpOnly, SameSite=Strict cookie naming a server-side session instead.
 *
 * bull-board's own routes call Redis without a deadline; `deadlineMs` bounds each of them (Fastify's
 * `handlerTimeout`), so a paused Redis answers 503 instead of hanging, and its errors answer in our format.
 */
export async function registerDashboard(app: ApiApp, engine: SyncEngine, auth: ApiAuth, deadlineMs: number): Promise<void> {
  const adapters = [SYNC_QUEUE, ...engine.pushQueueNames()].map((name) => {
    const adapter = new BullMQAdapter(engine.queues.queue(name), { readOnlyMode: false, allowRetries: true });
    adapter.setFormatter('data', (data: unknown) => redactSecrets(data));
    adapter.setFormatter('returnValue', (value: unknown) => redactSecrets(value));
    return adapter;
  });
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({ queues: adapters, serverAdapter, options: { uiConfig: { boardTitle: 'crm-bridge', miscLinks: [{ text: 'Runs', url: '/admin/runs' }] } } });
  // Replaces bull-board's handler, which answers 500 with the raw message ("Stream isn't writeable"). Its types
  // know no 503, but the Fastify adapter sends whatever status the handler answers.
  serverAdapter.setErrorHandler(dashboardError as unknown as Parameters<typeof serverAdapter.setErrorHandler>[0]);
  await app.register(async (scope) => {
    scope.addHook('onRoute', (route) => {
      route.handlerTimeout = deadlineMs;
    });
    await scope.register(serverAdapter.registerPlugin(), { prefix: DASHBOARD_PATH });
  });
  await app.register(loginRoutes, { auth });
}

function dashboardError(error: Error & Partial<Pick<FastifyError, 'code' | 'statusCode'>>): { status: number; body: unknown } {
  if (error.code === 'FST_ERR_HANDLER_TIMEOUT' || isRedisDown(error)) {
    return { status: 503, body: errorBody(ApiErrorCode.UNAVAILABLE, 'Redis is unavailable: try again shortly') };
  }
  // A job id in the URL naming one of the queue's own keys (`wait`, `events`): Redis answers WRONGTYPE, no such job.
  if (error.message.startsWith('WRONGTYPE')) return { status: 404, body: errorBody(ApiErrorCode.NOT_FOUND, 'no such job') };
  const status = error.statusCode;
  if (status !== undefined && status >= 400 && status < 500) return { status, body: errorBody(ApiErrorCode.VALIDATION, error.message) };
  return { status: 500, body: errorBody(ApiErrorCode.INTERNAL, 'internal error') };
}

async function loginRoutes(app: FastifyInstance, { auth }: { auth: ApiAuth }): Promise<void> {
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  app.get('/admin/login', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
    const next = safeNext((request.query as { next?: unknown }).next);
    return sendForm(reply, 200, next, null);
  });

  app.post('/admin/login', { config: { public: true }, schema: { hide: true } }, async (request: FastifyRequest, reply: FastifyReply) => {
    const form = (request.body ?? {}) as { token?: unknown; next?: unknown };
    const next = safeNext(form.next);
    // Login CSRF: another site must not sign this browser in (to a session of its choosing) or out.
    if (crossSite(request)) return sendForm(reply, 403, next, 'Sign in from this page, not from another site.');
    const waiting = auth.throttle.retryAfterS(request.ip);
    if (waiting !== null) return tooMany(reply, next, waiting);
    const token = typeof form.token === 'string' ? form.token.trim() : '';
    if (!token || !auth.checker.check(token)) {
      const blocked = await auth.throttle.fail(request.ip);
      if (blocked !== null) return tooMany(reply, next, blocked);
      return sendForm(reply, 401, next, 'That token is not valid.');
    }
    const session = await auth.sessions.open(token);
    reply.header('set-cookie', `${SESSION_COOKIE}=${session}; ${cookieAttributes(request)}; Max-Age=${SESSION_TTL_S}`);
    return reply.redirect(next, 303);
  });

  app.post('/admin/logout', { config: { public: true }, schema: { hide: true } }, async (request, reply) => {
    if (crossSite(request)) throw new ApiError(403, ApiErrorCode.VALIDATION, 'sign out from the dashboard, not from another site');
    const session = readCookie(request.headers.cookie, SESSION_COOKIE);
    // Revoked server-side: a copy of the cookie is worthless from here on.
    if (session !== null) await auth.sessions.close(session);
    reply.header('set-cookie', `${SESSION_COOKIE}=; ${cookieAttributes(request)}; Max-Age=0`);
    return reply.redirect('/admin/login', 303);
  });
}

/** The browser says the request came from another site (Fetch Metadata; clients that send none are not refused). */
const crossSite = (request: FastifyRequest) => request.headers['sec-fetch-site'] === 'cross-site';

/**
 * `Secure` when the request came over HTTPS: directly, or through a proxy listed in TRUST_PROXY (only then does
 * Fastify believe `X-Forwarded-Proto`).
 */
function cookieAttributes(request: FastifyRequest): string {
  return `Path=/; HttpOnly; SameSite=Strict${request.protocol === 'https' ? '; Secure' : ''}`;
}

function tooMany(reply: FastifyReply, next: string, retryAfterS: number): FastifyReply {
  reply.header('retry-after', String(retryAfterS));
  return sendForm(reply, 429, next, `Too many failed attempts from this address: try again in ${retryAfterS} s.`);
}

/**
 * Only our own pages, written in plain URL characters: an open redirect would let a link bounce a signed-in user
 * anywhere, and CR, LF or a character outside Latin-1 cannot go into a Location header at all.
 */
export function safeNext(value: unknown): string {
  return typeof value === 'string' && value.length <= 2048 && /^\/(admin\/|docs(\/|\?|$))[A-Za-z0-9\-._~!$&'()*+,;=:@/?%]*$/.test(value) && !value.includes('//')
    ? value
    : DASHBOARD_PATH;
}

function sendForm(reply: FastifyReply, status: number, next: string, error: string | null): FastifyReply {
  const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>crm-bridge: sign in</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body{font-family:system-ui,sans-serif;max-width:26rem;margin:4rem auto;padding:0 1rem}input{width:100%;padding:.5rem;margin:.5rem 0;box-sizing:border-box}button{padding:.5rem 1rem}.error{color:#b00020}</style>
</head><body>
<h1>crm-bridge dashboard</h1>
${error ? `<p class="error" role="alert">${escape(error)}</p>` : ''}
<form method="post" action="/admin/login">
<label for="token">API token</label>
<input id="token" name="token" type="password" autocomplete="current-password" required autofocus>
<input type="hidden" name="next" value="${escape(next)}">
<button type="submit">Sign in</button>
</form></body></html>`;
  return reply.code(status).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(html);
}
