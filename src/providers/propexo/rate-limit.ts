import type { ResponseHeaders } from '../http.ts';
import type { RateLimitState, RequestGate } from '../types.ts';

/** Propexo's documented budget window: 150 requests per minute ("Rate Limiting"). */
export const PROPEXO_WINDOW_MS = 60_000;

function headerNumber(value: string | string[] | undefined): number | null {
  const raw = Array.isArray(value) ? value[0] : value;
  if (raw === undefined || raw.trim() === '') return null;
  const n = Number(raw);
  return Number.isFinite(n) ? n : null;
}

/**
 * Follows `x-ratelimit-limit` / `x-ratelimit-remaining` and estimates when the fixed window resets, because a
 * Propexo 429 carries no Retry-After. The window started no later than the first response we saw in it (a rise
 * of `remaining` marks a new window), so `firstSeen + window` is an upper bound on the reset: waiting that long
 * never retries too early. When the estimate is stale or unknown, the whole window is the answer.
 */
export class PropexoRateLimitTracker {
  readonly windowMs: number;
  readonly #now: () => number;
  #state: RateLimitState | null = null;
  #windowSeenAt: number | null = null;

  constructor(windowMs = PROPEXO_WINDOW_MS, now: () => number = Date.now) {
    this.windowMs = windowMs;
    this.#now = now;
  }

  observe(headers: ResponseHeaders): void {
    const limit = headerNumber(headers['x-ratelimit-limit']);
    const remaining = headerNumber(headers['x-ratelimit-remaining']);
    if (limit === null || remaining === null) return;
    const now = this.#now();
    const previous = this.#state;
    const stale = this.#windowSeenAt === null || now - this.#windowSeenAt >= this.windowMs;
    if (previous === null || remaining > previous.remaining || stale) this.#windowSeenAt = now;
    this.#state = { limit, remaining, observedAt: now };
  }

  state(): RateLimitState | null {
    return this.#state === null ? null : { ...this.#state };
  }

  /** How long to wait after a 429 before the budget is back: until the estimated reset, at most one window. */
  retryAfterMs(): number {
    if (this.#windowSeenAt === null) return this.windowMs;
    const left = this.#windowSeenAt + this.windowMs - this.#now();
    return left > 0 ? Math.min(left, this.windowMs) : this.windowMs;
  }
}

/**
 * Sizes the connection's shared request budget from `x-ratelimit-limit`. The docs give 150 a minute as the usual
 * contract, but say the limit "might be higher or lower" and report it on every answer. The shared gate (Redis,
 * every process) counts in units of the configured budget (`PROPEXO_RATE_LIMIT`); once a limit is observed, each
 * call costs `configured / observed` units, so the same shared gate lets exactly the observed number of calls
 * through per window, across all processes, which all read the same header. Before the first answer a call costs
 * one unit (the configured budget holds).
 */
export class SizedRequestGate implements RequestGate {
  readonly #inner: RequestGate;
  readonly #configured: number;
  readonly #observed: () => number | null;
  /** Units taken from the shared gate and not yet spent (a call may cost a fraction of one). */
  #credit = 0;

  constructor(inner: RequestGate, configuredLimit: number, observedLimit: () => number | null) {
    this.#inner = inner;
    this.#configured = configuredLimit;
    this.#observed = observedLimit;
  }

  /** What one call costs now, in the shared gate's units. */
  cost(): number {
    const observed = this.#observed();
    return observed !== null && observed > 0 ? this.#configured / observed : 1;
  }

  async acquire(): Promise<number> {
    const cost = this.cost();
    while (this.#credit < cost - 1e-9) {
      const wait = await this.#inner.acquire();
      if (wait > 0) return wait;
      this.#credit += 1;
    }
    this.#credit -= cost;
    return 0;
  }
}
