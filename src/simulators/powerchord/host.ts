import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { applyFault, CallCounter } from '../server.ts';
import type { Faults } from '../faults.ts';
import type { PowerChordSimAuth } from './auth.ts';
import { errorBody } from './validate.ts';

export type PowerChordSimRegion = 'us' | 'eu';
export type PowerChordHostKind = 'api' | 'leads';

/** Routes that need no bearer token: the login and token grants authenticate with what their body carries. */
const PUBLIC_ROUTES = new Set(['POST /v3/oauth2/login', 'POST /v3/oauth2/token']);
/** Creating an OAuth client takes the temporary JWT of a login (Authentication page). */
const LOGIN_ROUTES = new Set(['POST /v3/oauth2/client']);

export interface HostContext {
  region: PowerChordSimRegion;
  kind: PowerChordHostKind;
  auth: PowerChordSimAuth;
  faults: Faults;
  /** The whole simulator's counter; the host keeps its own as well. */
  total: CallCounter;
}

/**
 * One PowerChord host (a region's API host or its leads host) as its own Fastify app, so that a call to the wrong
 * host is refused (404) and counted where it landed. Not built on the shared `buildSimulatorApp`: that one accepts
 * a single fixed token, while PowerChord issues tokens that expire.
 *
 * A bad or expired token: the leads host answers `403 Not Authorized` (documented for the create, Resources page:
 * "403 - Not Authorized"; the body is not shown, *assumed* the plain phrase); the API host answers 401 with the
 * JSON error body (*assumed*: the update page documents no error).
 */
export function buildHostApp(context: HostContext): { app: FastifyInstance; calls: CallCounter } {
  const { auth, faults, total, kind } = context;
  const calls = new CallCounter();
  const app = Fastify({ logger: false, bodyLimit: 1024 * 1024, forceCloseConnections: true });

  // The token grant is form-encoded (RFC 6749 §4.4); Fastify parses only JSON by itself.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const route = `${request.method} ${request.routeOptions.url ?? '*'}`;
    calls.record(route);
    total.record(route);
    reply.raw.once('close', calls.begin());
    reply.raw.once('close', total.begin());
    if (!PUBLIC_ROUTES.has(route)) {
      const check = auth.check(request.headers.authorization, LOGIN_ROUTES.has(route) ? 'login' : undefined);
      if (check !== 'ok') {
        if (kind === 'leads') return reply.code(403).type('text/plain; charset=utf-8').send('Not Authorized');
        return reply.code(401).send(errorBody(401, check === 'expired' ? 'token expired' : check === 'missing' ? 'missing bearer token' : 'invalid token'));
      }
    }
    return applyFault(faults, route, request, reply, errorBody);
  });

  app.addHook('onResponse', async (_request, reply) => {
    calls.recordStatus(reply.statusCode);
    total.recordStatus(reply.statusCode);
  });

  app.addHook('onSend', async (request, _reply, payload) => {
    // The write already happened; the client never learns it did.
    if (request.simResetAfter) request.raw.socket.destroy();
    return payload;
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(errorBody(404, `No route ${request.method} ${request.url.split('?')[0]} on the ${context.region} ${kind} host`));
  });

  return { app, calls };
}
