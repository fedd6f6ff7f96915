/** Propexo's documented budget: 150 requests a minute, slowed by 2 s past 80 %, 429 at 100 %. */
export interface RateLimitConfig {
  /** Requests per window. @default 150 */
  budget: number;
  /** Window length in ms (a fixed window, reset as a whole). @default 60000 */
  windowMs: number;
  /** Delay added to each response once more than 80 % of the budget is spent. @default 2000 */
  slowdownMs: number;
}

export const DEFAULT_RATE_LIMIT: RateLimitConfig = Object.freeze({ budget: 150, windowMs: 60_000, slowdownMs: 2_000 });

export interface RateLimitVerdict {
  limit: number;
  remaining: number;
  /** `slow`: serve after `slowdownMs`; `limited`: answer 429. */
  verdict: 'ok' | 'slow' | 'limited';
  resetInMs: number;
}

/** One fixed window per simulator (one token). Every authenticated request spends one unit, 429s included. */
export class FixedWindowLimiter {
  config: RateLimitConfig;
  readonly #now: () => number;
  #windowStart: number;
  #used = 0;

  constructor(config: Partial<RateLimitConfig> = {}, now: () => number = Date.now) {
    this.config = { ...DEFAULT_RATE_LIMIT, ...config };
    this.#now = now;
    this.#windowStart = now();
  }

  take(): RateLimitVerdict {
    const now = this.#now();
    const { budget, windowMs } = this.config;
    if (now - this.#windowStart >= windowMs) {
      this.#windowStart = now;
      this.#used = 0;
    }
    this.#used++;
    const remaining = Math.max(0, budget - this.#used);
    const resetInMs = this.#windowStart + windowMs - now;
    if (this.#used > budget) return { limit: budget, remaining: 0, verdict: 'limited', resetInMs };
    const verdict = this.#used > budget * 0.8 ? 'slow' : 'ok';
    return { limit: budget, remaining, verdict, resetInMs };
  }

  /** A fresh window, optionally with new settings (tests). */
  reset(config: Partial<RateLimitConfig> = {}): void {
    this.config = { ...this.config, ...config };
    this.#windowStart = this.#now();
    this.#used = 0;
  }
}
