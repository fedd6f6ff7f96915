import { hash, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthThrottle } from './auth-throttle.ts';
import { ApiError, ApiErrorCode } from './errors.ts';
import type { SessionStore } from './sessions.ts';

/** The dashboard's session cookie: set by the sign-in form, HttpOnly and SameSite=Strict (Secure over HTTPS). */
export const SESSION_COOKIE = 'crm_bridge_session';

// One-shot: no Hash object per request (the hot path hashes every request's bearer token).
const digest = (value: string) => hash('sha256', value, 'buffer');

/**
 * Checks bearer tokens (several are accepted, so one can be rotated out while another is rolled in). Comparisons
 * are over SHA-256 digests, which have equal length whatever the input, so `timingSafeEqual` applies and neither
 * a token's content nor its length leaks through timing. Every configured token is compared, no early exit.
 */
export class TokenChecker {
  readonly #digests: Buffer[];

  constructor(tokens: readonly string[]) {
    if (tokens.length === 0) throw new Error('the API needs at least one token');
    this.#digests = tokens.map(digest);
  }

  /** True when `token` is one of the configured tokens. */
  check(token: string): boolean {
    return anyEqual(this.#digests, digest(token));
  }

  /** True when a token's SHA-256 (hex, as a session keeps it) is still one of the configured tokens'. */
  checkDigest(hex: string): boolean {
    const value = /^[0-9a-f]{64}$/.test(hex) ? Buffer.from(hex, 'hex') : null;
    return value !== null && anyEqual(this.#digests, value);
  }

  /** The bearer token of an `Authorization` header, when it is well-formed and configured. */
  checkHeader(header: string): boolean {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    return match?.[1] !== undefined && this.check(match[1]);
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
    if (eq > 0 && part.slice(0, eq).trim() === name) {
      try {
        return decodeURIComponent(part.slice(eq + 1).trim());
      } catch {
        return null; // a bad %-escape is no session
      }
    }
  }
  return null;
}

/** Paths that browsers open directly, so they may authenticate with the sign-in cookie. */
export function cookieAllowed(url: string): boolean {
  return url.startsWith('/admin/') || url === '/docs' || url.startsWith('/docs/') || url === '/openapi.json';
}

/** Everything the API's authentication needs. */
export interface ApiAuth {
  checker: TokenChecker;
  sessions: SessionStore;
  throttle: AuthThrottle;
}

/** True when the cookie names a live session opened with a token that is still configured. */
export async function sessionValid(auth: ApiAuth, id: string): Promise<boolean> {
  const token = await auth.sessions.tokenDigest(id);
  return token !== null && auth.checker.checkDigest(token);
}

/** The 429 a client address gets once it failed too often; `Retry-After` says when to try again. */
export function tooManyAttempts(reply: FastifyReply, retryAfterS: number): ApiError {
  reply.header('retry-after', String(retryAfterS));
  return new ApiError(429, ApiErrorCode.TOO_MANY_ATTEMPTS, `too many failed authentication attempts from this address: try again in ${retryAfterS} s`);
}

/**
 * The root onRequest hook: everything but the public routes needs a token (or, on the dashboard and docs pages,
 * a session cookie). A wrong bearer token counts against the client address; past the limit it is refused with
 * 429 until the window ends, correct token or not.
 */
export function authHook(auth: ApiAuth) {
  // A callback hook with a synchronous answer for the common case (a public route, a good token): an async hook
  // costs every request a promise and a turn of the microtask queue.
  const slowly = authenticate(auth);
  return (request: FastifyRequest, reply: FastifyReply, done: (error?: Error) => void): void => {
    if (request.routeOptions.config.public === true) return done();
    const header = request.headers.authorization;
    if (typeof header === 'string' && auth.throttle.retryAfterS(request.ip) === null && auth.checker.checkHeader(header)) return done();
    // A hook that answered (the sign-in redirect) must not call done.
    slowly(request, reply).then((answered) => answered || done(), done);
  };
}

/** Methods that only read: a cookie may authenticate them from anywhere a link or an image points. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/** Everything but a good bearer token from an address not blocked; true when it answered the request itself. */
function authenticate(auth: ApiAuth) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<boolean> => {
    const wait = auth.throttle.retryAfterS(request.ip);
    if (wait !== null) throw tooManyAttempts(reply, wait);
    const allowCookie = cookieAllowed(request.url);
    const header = request.headers.authorization;
    if (typeof header === 'string') {
      if (auth.checker.checkHeader(header)) return false;
      const blocked = await auth.throttle.fail(request.ip);
      if (blocked !== null) throw tooManyAttempts(reply, blocked);
    } else if (allowCookie) {
      // Session ids are 256-bit random values: guessing them is hopeless, so a stale cookie (the dashboard polls
      // after a sign-out) is not counted as a failure.
      const id = readCookie(request.headers.cookie, SESSION_COOKIE);
      if (id !== null && (await sessionValid(auth, id))) {
        // The cookie is SameSite=Strict, which a sibling subdomain (same site, other origin) still gets sent: an
        // action (pause, retry, clean, add a job) must come from the dashboard's own pages. Browsers say where a
        // request came from (Fetch Metadata); a client that says nothing is not a browser on another page.
        const site = request.headers['sec-fetch-site'];
        if (!SAFE_METHODS.has(request.method) && site !== undefined && site !== 'same-origin') {
          throw new ApiError(403, ApiErrorCode.CROSS_SITE, 'this action must come from the dashboard itself, not from another site or origin');
        }
        return false;
      }
    }
    // A browser opening the dashboard is sent to the sign-in form rather than shown a JSON error.
    if (allowCookie && request.method === 'GET' && (request.headers.accept ?? '').includes('text/html')) {
      await reply.redirect(`/admin/login?next=${encodeURIComponent(request.url)}`, 303);
      return true;
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
