import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ApiError, ApiErrorCode } from './errors.ts';

/** The dashboard's session cookie: set by the sign-in form, HttpOnly and SameSite=Strict. */
export const SESSION_COOKIE = 'crm_bridge_session';

const digest = (value: string) => createHash('sha256').update(value).digest();
/** What the cookie holds: a keyed digest of the token, so the cookie never carries the token itself. */
const sessionOf = (token: string) => createHmac('sha256', token).update('crm-bridge dashboard session v1').digest('hex');

/**
 * Checks bearer tokens (several are accepted, so one can be rotated out while another is rolled in). Comparisons
 * are over SHA-256 digests, which have equal length whatever the input, so `timingSafeEqual` applies and neither
 * a token's content nor its length leaks through timing. Every configured token is compared, no early exit.
 */
export class TokenChecker {
  readonly #digests: Buffer[];
  readonly #sessions: Buffer[];

  constructor(tokens: readonly string[]) {
    if (tokens.length === 0) throw new Error('the API needs at least one token');
    this.#digests = tokens.map(digest);
    this.#sessions = tokens.map((t) => digest(sessionOf(t)));
  }

  /** True when `token` is one of the configured tokens. */
  check(token: string): boolean {
    return anyEqual(this.#digests, digest(token));
  }

  /** The cookie value the sign-in sets for a valid token. */
  sessionFor(token: string): string {
    return sessionOf(token);
  }

  checkSession(value: string): boolean {
    return anyEqual(this.#sessions, digest(value));
  }

  /** Bearer header first; the session cookie only where the caller allows it (dashboard and docs pages). */
  authenticate(request: FastifyRequest, allowCookie: boolean): boolean {
    const header = request.headers.authorization;
    if (typeof header === 'string') {
      const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
      return match?.[1] !== undefined && this.check(match[1]);
    }
    if (!allowCookie) return false;
    const cookie = readCookie(request.headers.cookie, SESSION_COOKIE);
    return cookie !== null && this.checkSession(cookie);
  }
}

function anyEqual(candidates: readonly Buffer[], value: Buffer): boolean {
  let ok = false;
  for (const candidate of candidates) ok = timingSafeEqual(candidate, value) || ok;
  return ok;
}

export function readCookie(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return decodeURIComponent(part.slice(eq + 1).trim());
  }
  return null;
}

/** Paths that browsers open directly, so they may authenticate with the sign-in cookie. */
export function cookieAllowed(url: string): boolean {
  return url.startsWith('/admin/') || url === '/docs' || url.startsWith('/docs/') || url === '/openapi.json';
}

/** The root onRequest hook: everything but the public routes needs a token. */
export function authHook(checker: TokenChecker) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    if (request.routeOptions.config.public === true) return;
    const allowCookie = cookieAllowed(request.url);
    if (checker.authenticate(request, allowCookie)) return;
    // A browser opening the dashboard is sent to the sign-in form rather than shown a JSON error.
    if (allowCookie && request.method === 'GET' && (request.headers.accept ?? '').includes('text/html')) {
      await reply.redirect(`/admin/login?next=${encodeURIComponent(request.url)}`, 303);
      return;
    }
    reply.header('www-authenticate', 'Bearer realm="crm-bridge"');
    throw new ApiError(401, ApiErrorCode.UNAUTHORIZED, 'missing or invalid bearer token (Authorization: Bearer <token>)');
  };
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** No token needed (health check, signed webhooks, the sign-in form). */
    public?: boolean;
  }
}
