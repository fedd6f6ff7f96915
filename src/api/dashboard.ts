import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ApiApp } from './deps.ts';
import { PUSH_QUEUES, SYNC_QUEUE } from '../queues/contracts.ts';
import type { SyncEngine } from '../sync/engine.ts';
import { SESSION_COOKIE, type TokenChecker } from './auth.ts';
import { redactSecrets } from './redact.ts';

export const DASHBOARD_PATH = '/admin/queues';
const SESSION_MAX_AGE_S = 12 * 3600;

/**
 * bull-board at /admin/queues: the sync queue and every push queue. It sits behind the same tokens as the API
 * (the root auth hook); browsers, which cannot send a bearer header when navigating, sign in once at
 * /admin/login and carry an HttpOnly, SameSite=Strict cookie instead.
 */
export async function registerDashboard(app: ApiApp, engine: SyncEngine, checker: TokenChecker): Promise<void> {
  const adapters = [SYNC_QUEUE, ...PUSH_QUEUES].map((name) => {
    const adapter = new BullMQAdapter(engine.queues.queue(name), { readOnlyMode: false, allowRetries: true });
    adapter.setFormatter('data', (data: unknown) => redactSecrets(data));
    adapter.setFormatter('returnValue', (value: unknown) => redactSecrets(value));
    return adapter;
  });
  const serverAdapter = new FastifyAdapter();
  serverAdapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({ queues: adapters, serverAdapter, options: { uiConfig: { boardTitle: 'crm-bridge' } } });
  await app.register(serverAdapter.registerPlugin(), { prefix: DASHBOARD_PATH });
  await app.register(loginRoutes, { checker });
}

async function loginRoutes(app: FastifyInstance, { checker }: { checker: TokenChecker }): Promise<void> {
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
    const token = typeof form.token === 'string' ? form.token.trim() : '';
    if (!token || !checker.check(token)) return sendForm(reply, 401, next, 'That token is not valid.');
    const secure = request.protocol === 'https' ? '; Secure' : '';
    reply.header('set-cookie', `${SESSION_COOKIE}=${checker.sessionFor(token)}; Path=/; HttpOnly; SameSite=Strict; Max-Age=${SESSION_MAX_AGE_S}${secure}`);
    return reply.redirect(next, 303);
  });

  app.post('/admin/logout', { config: { public: true }, schema: { hide: true } }, async (_request, reply) => {
    reply.header('set-cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
    return reply.redirect('/admin/login', 303);
  });
}

/** Only our own pages: an open redirect would let a link bounce a signed-in user anywhere. */
function safeNext(value: unknown): string {
  return typeof value === 'string' && /^\/(admin\/|docs)[^\\]*$/.test(value) && !value.startsWith('//') ? value : DASHBOARD_PATH;
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
