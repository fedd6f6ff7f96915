import type { ResponseHeaders } from '../http.ts';
import type { RateLimitState } from '../types.ts';

/** Propexo's documented budget window: 150 requests per minute. */
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
