import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

/**
 * One region's PowerChord OAuth service, as the Authentication page describes it: a service account (a Command
 * Center user) logs in with email and password and gets a temporary JWT (`{"Token"}`); with it, it creates an
 * OAuth client. Every token this simulator issues is a signed JWT that expires (`exp`), so a client that never
 * renews its token fails once it lapses, as it would against the real service.
 *
 * *Assumed* (the stored page stops after "Create OAuth Client"): the client's id and secret are answered as
 * `{"ClientID", "ClientSecret"}`; access tokens come from the RFC 6749 client-credentials grant on
 * `POST /v3/oauth2/token`; the temporary JWT is itself accepted as a bearer token on the lead API.
 */
export interface ServiceAccount {
  email: string;
  password: string;
}

export type TokenCheck = 'ok' | 'missing' | 'invalid' | 'expired';

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

export class PowerChordSimAuth {
  readonly issuer: string;
  readonly serviceAccount: ServiceAccount;
  /** A long-lived token accepted as is (the `POWERCHORD_TOKEN` option); null accepts none. */
  readonly staticToken: string | null;
  /** How long issued tokens live, ms. */
  tokenLifetimeMs: number;
  readonly #secret = randomBytes(32);
  readonly #clients = new Map<string, string>();
  /** Tokens of an earlier generation are refused: `revokeAll()` starts a new one. */
  #generation = 0;

  constructor(options: { issuer: string; serviceAccount: ServiceAccount; staticToken: string | null; tokenLifetimeMs: number }) {
    this.issuer = options.issuer;
    this.serviceAccount = options.serviceAccount;
    this.staticToken = options.staticToken;
    this.tokenLifetimeMs = options.tokenLifetimeMs;
  }

  /** `POST /v3/oauth2/login`: the temporary JWT, or null when the email or password is wrong. */
  login(email: string, password: string): string | null {
    const account = this.serviceAccount;
    if (!safeEqual(email, account.email) || !safeEqual(password, account.password)) return null;
    return this.#sign({ sub: account.email, kind: 'login' });
  }

  /** `POST /v3/oauth2/client`: a new OAuth client for the logged-in service account. */
  createClient(): { ClientID: string; ClientSecret: string } {
    const client = { ClientID: randomUUID(), ClientSecret: randomBytes(24).toString('base64url') };
    this.#clients.set(client.ClientID, client.ClientSecret);
    return client;
  }

  /** The client-credentials grant: an access token for a known client, or null. */
  clientToken(clientId: string, clientSecret: string): { access_token: string; token_type: 'Bearer'; expires_in: number } | null {
    const secret = this.#clients.get(clientId);
    if (secret === undefined || !safeEqual(clientSecret, secret)) return null;
    return { access_token: this.#sign({ sub: clientId, kind: 'client' }), token_type: 'Bearer', expires_in: Math.ceil(this.tokenLifetimeMs / 1000) };
  }

  /** Checks an `Authorization` header; `kind` limits which tokens count (a client is created with a login token). */
  check(header: string | undefined, kind?: 'login'): TokenCheck {
    const token = header?.startsWith('Bearer ') ? header.slice(7) : undefined;
    if (!token) return 'missing';
    if (this.staticToken !== null && kind === undefined && safeEqual(token, this.staticToken)) return 'ok';
    const claims = this.#verify(token);
    if (!claims) return 'invalid';
    if (kind !== undefined && claims['kind'] !== kind) return 'invalid';
    if (claims['gen'] !== this.#generation) return 'invalid';
    return Number(claims['exp']) * 1000 <= Date.now() ? 'expired' : 'ok';
  }

  /** Every token issued so far stops working at once (a key rotation, a revoked session): clients must renew. */
  revokeAll(): void {
    this.#generation++;
  }

  #sign(claims: Record<string, unknown>): string {
    const now = Date.now();
    // NumericDate may carry a fraction (RFC 7519 §2): tests use lifetimes shorter than a second.
    const payload = { ...claims, iss: this.issuer, jti: randomUUID(), gen: this.#generation, iat: now / 1000, exp: (now + this.tokenLifetimeMs) / 1000 };
    const unsigned = `${base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }))}.${base64url(JSON.stringify(payload))}`;
    return `${unsigned}.${createHmac('sha256', this.#secret).update(unsigned).digest('base64url')}`;
  }

  #verify(token: string): Record<string, unknown> | null {
    const [header, payload, signature] = token.split('.');
    if (!header || !payload || !signature) return null;
    const expected = createHmac('sha256', this.#secret).update(`${header}.${payload}`).digest('base64url');
    if (!safeEqual(signature, expected)) return null;
    try {
      return JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return null;
    }
  }
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
