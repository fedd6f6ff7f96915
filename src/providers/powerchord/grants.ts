import { request } from 'undici';
import { retryAfterMs } from '../http.ts';
import {
  ProviderAuthError,
  ProviderHttpError,
  ProviderRateLimitedError,
  ProviderResponseError,
  ProviderUnavailableError,
  type AnyProviderError,
} from '../errors.ts';
import { PowerChordJwtClaims, PowerChordLoginAnswer, PowerChordTokenAnswer } from './schema.ts';
import type { AccessToken } from './token.ts';

/**
 * How a PowerChord connection gets its bearer tokens from credentials (developer site, "Authentication"):
 * - `login`: the service account's `POST /v3/oauth2/login {"email", "password"}` → `{"Token"}`, a temporary JWT
 *   (documented). That this JWT is accepted on the lead API is *assumed*: the stored page goes on to create an
 *   OAuth client with it, and stops before saying how that client's tokens are obtained.
 * - `clientCredentials`: an OAuth client made once by an operator (login, then `POST /v3/oauth2/client`) gets
 *   tokens with RFC 6749's client-credentials grant on `POST /v3/oauth2/token` (*assumed* path and exchange:
 *   form-encoded, HTTP Basic client authentication, `{access_token, token_type, expires_in}`).
 *
 * Credentials and tokens travel only in request bodies and headers: no error made here carries either, nor the
 * provider's answer (a login answer that fails its schema might hold a token under another name).
 */
export interface GrantOptions {
  apiBaseUrl: string;
  timeoutMs: number;
}

export const LOGIN_PATH = '/v3/oauth2/login';
export const CLIENT_PATH = '/v3/oauth2/client';
export const TOKEN_PATH = '/v3/oauth2/token';

export function loginGrant(options: GrantOptions, credentials: { email: string; password: string }): () => Promise<AccessToken> {
  return async () => {
    const body = await post(options, LOGIN_PATH, {
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: credentials.email, password: credentials.password }),
      refused: "the service account's email or password was refused",
    });
    const parsed = PowerChordLoginAnswer.safeParse(body);
    if (!parsed.success) throw responseError(LOGIN_PATH, 'an answer without a Token');
    return { value: parsed.data.Token, expiresAt: jwtExpiresAt(parsed.data.Token) };
  };
}

export function clientCredentialsGrant(options: GrantOptions, credentials: { clientId: string; clientSecret: string }): () => Promise<AccessToken> {
  const basic = Buffer.from(`${encodeURIComponent(credentials.clientId)}:${encodeURIComponent(credentials.clientSecret)}`).toString('base64');
  return async () => {
    const started = Date.now();
    const body = await post(options, TOKEN_PATH, {
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
      body: new URLSearchParams({ grant_type: 'client_credentials' }).toString(),
      refused: "the OAuth client's id or secret was refused",
    });
    const parsed = PowerChordTokenAnswer.safeParse(body);
    if (!parsed.success) throw responseError(TOKEN_PATH, 'an answer without an access_token');
    const token = parsed.data.access_token;
    // The JWT's own `exp` is exact; `expires_in` counts from when the grant was asked, a little early.
    const expiresAt = jwtExpiresAt(token) ?? (parsed.data.expires_in === undefined ? null : started + parsed.data.expires_in * 1000);
    return { value: token, expiresAt };
  };
}

/** A JWT's `exp` in epoch ms, read without verifying the signature (we only need to know when to renew). */
export function jwtExpiresAt(token: string): number | null {
  const payload = token.split('.')[1];
  if (!payload) return null;
  try {
    const claims = PowerChordJwtClaims.safeParse(JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')));
    return claims.success && claims.data.exp !== undefined ? Math.floor(claims.data.exp * 1000) : null;
  } catch {
    return null;
  }
}

async function post(options: GrantOptions, path: string, call: { headers: Record<string, string>; body: string; refused: string }): Promise<unknown> {
  const operation = `POST ${path}`;
  const url = new URL(path, options.apiBaseUrl.replace(/\/*$/, '/'));
  let status: number;
  let headers: Record<string, string | string[] | undefined>;
  let text: string;
  try {
    const response = await request(url, {
      method: 'POST',
      headers: { ...call.headers, accept: 'application/json', 'user-agent': 'crm-bridge' },
      body: call.body,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
    });
    status = response.statusCode;
    headers = response.headers;
    text = await response.body.text();
  } catch (error) {
    const code = (error as { code?: unknown })?.code;
    // undici's own message may name the host; ours names the operation and the code only.
    throw new ProviderUnavailableError(`powerchord ${operation} failed: ${typeof code === 'string' ? code : 'UNKNOWN'}`, {
      provider: 'powerchord',
      operation,
      status: null,
      outcomeUnknown: false,
    });
  }
  if (status < 400) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw responseError(path, 'an answer that is not JSON');
    }
  }
  throw statusError(operation, status, headers, call.refused);
}

function statusError(operation: string, status: number, headers: Record<string, string | string[] | undefined>, refused: string): AnyProviderError {
  const details = { provider: 'powerchord', operation, status };
  if (status === 401 || status === 403) return new ProviderAuthError(`powerchord ${operation} answered ${status}: ${refused}`, details);
  if (status === 429) return new ProviderRateLimitedError(`powerchord ${operation} answered 429`, { ...details, retryAfterMs: retryAfterMs(headers['retry-after']) });
  if (status >= 500 || status === 408) return new ProviderUnavailableError(`powerchord ${operation} answered ${status}`, { ...details, outcomeUnknown: false });
  return new ProviderHttpError(`powerchord ${operation} answered ${status}`, details);
}

function responseError(path: string, what: string): ProviderResponseError {
  return new ProviderResponseError(`powerchord POST ${path} answered ${what}`, { provider: 'powerchord', operation: `POST ${path}`, status: 200 });
}
