/** A bearer token and when it stops working (epoch ms), if known. */
export interface AccessToken {
  value: string;
  expiresAt: number | null;
}

/** Where a connection's bearer token comes from. One per connection, shared by every call of the process. */
export interface TokenProvider {
  /** A token to send now. */
  get(): Promise<string>;
  /**
   * The provider refused `token` (401/403). Returns true when a different token can be fetched, so the call is
   * worth one resend; the token is dropped only if it is still the current one (another call may have renewed it).
   */
  refused(token: string): boolean;
}

/** `POWERCHORD_TOKEN`: used as is until it is refused; nothing can renew it. */
export class StaticToken implements TokenProvider {
  readonly #token: string;
  constructor(token: string) {
    this.#token = token;
  }
  async get(): Promise<string> {
    return this.#token;
  }
  refused(_token: string): boolean {
    return false;
  }
}

export interface RenewingTokenOptions {
  /** Clock, for tests. @default Date.now */
  now?: () => number;
  /** Renew this long before expiry at most. @default 60000 */
  maxMarginMs?: number;
  /** After a failed fetch, further calls within this window get the same error instead of a new fetch. @default 1000 */
  failureHoldMs?: number;
}

/**
 * A token fetched from credentials and renewed before it expires (a fifth of its lifetime early, at most a minute)
 * or when the provider refuses it. Renewals are single-flight: however many calls need a token at once, one fetch
 * runs and all of them wait for it.
 */
export class RenewingToken implements TokenProvider {
  readonly #fetch: () => Promise<AccessToken>;
  readonly #now: () => number;
  readonly #maxMarginMs: number;
  readonly #failureHoldMs: number;
  #current: { token: AccessToken; renewAt: number } | null = null;
  #inFlight: Promise<string> | null = null;
  #failure: { error: unknown; at: number } | null = null;
  #fetches = 0;

  constructor(fetch: () => Promise<AccessToken>, options: RenewingTokenOptions = {}) {
    this.#fetch = fetch;
    this.#now = options.now ?? Date.now;
    this.#maxMarginMs = options.maxMarginMs ?? 60_000;
    this.#failureHoldMs = options.failureHoldMs ?? 1_000;
  }

  /** Tokens fetched so far (logins or grants made by this process for this connection). */
  get fetches(): number {
    return this.#fetches;
  }

  async get(): Promise<string> {
    const current = this.#current;
    if (current && this.#now() < current.renewAt) return current.token.value;
    return this.#renew();
  }

  refused(token: string): boolean {
    if (this.#current?.token.value === token) this.#current = null;
    return true;
  }

  #renew(): Promise<string> {
    if (this.#inFlight) return this.#inFlight;
    const failure = this.#failure;
    // A refused password or a down OAuth service: a batch of records must not turn into a burst of logins.
    if (failure && this.#now() - failure.at < this.#failureHoldMs) return Promise.reject(failure.error);
    const started = this.#now();
    this.#fetches++;
    this.#inFlight = this.#fetch()
      .then((token) => {
        const lifetime = token.expiresAt === null ? null : token.expiresAt - started;
        const renewAt = lifetime === null ? Infinity : token.expiresAt! - Math.min(this.#maxMarginMs, Math.max(0, lifetime) / 5);
        this.#current = { token, renewAt };
        this.#failure = null;
        return token.value;
      })
      .catch((error: unknown) => {
        this.#failure = { error, at: this.#now() };
        throw error;
      })
      .finally(() => {
        this.#inFlight = null;
      });
    return this.#inFlight;
  }
}
