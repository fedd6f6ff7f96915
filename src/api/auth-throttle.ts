import type { RedisClient } from '../redis/connection.ts';
import { withDeadline } from './errors.ts';

export interface AuthThrottleOptions {
  /** Failed attempts (wrong bearer token, wrong sign-in) per client address before it is refused. @default 10 */
  limit: number;
  /** The window the failures are counted in; a refused address may try again when it ends, seconds. @default 60 */
  windowS: number;
}

export const DEFAULT_AUTH_THROTTLE: AuthThrottleOptions = Object.freeze({ limit: 10, windowS: 60 });

// One round trip: count the failure, start the window on the first one, answer the count and the time left.
const COUNT_FAILURE = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {n, ttl}
`;

/** Entries kept in memory before expired ones are swept (addresses are cheap to make: IPv6). */
const SWEEP_AT = 10_000;

/**
 * Throttles failed authentication per client address. Failures are counted in Redis, so every API process
 * shares the count (a fixed window per address); a process that sees an address cross the limit remembers the
 * block in memory until the window ends, so refusing it costs no Redis call and a correct token from a blocked
 * address is refused too (otherwise the block would not slow guessing down). Successful requests never touch
 * Redis. When Redis does not answer, failures are counted in this process instead, so guessing stays throttled.
 */
export class AuthThrottle {
  readonly #redis: RedisClient;
  readonly #keyOf: (address: string) => string;
  readonly #options: AuthThrottleOptions;
  readonly #deadlineMs: number;
  /** address → blocked until (epoch ms). */
  readonly #blocked = new Map<string, number>();
  /** address → local count while Redis is unavailable. */
  readonly #local = new Map<string, { count: number; until: number }>();

  constructor(redis: RedisClient, keyOf: (address: string) => string, options: AuthThrottleOptions, deadlineMs: number) {
    this.#redis = redis;
    this.#keyOf = keyOf;
    this.#options = options;
    this.#deadlineMs = deadlineMs;
  }

  /** Seconds until `address` may try again, or null when it is not blocked. */
  retryAfterS(address: string, now = Date.now()): number | null {
    const until = this.#blocked.get(address);
    if (until === undefined) return null;
    if (until <= now) {
      this.#blocked.delete(address);
      return null;
    }
    return Math.max(1, Math.ceil((until - now) / 1_000));
  }

  /** Counts one failure; answers the seconds to wait when the address is now blocked, else null. */
  async fail(address: string): Promise<number | null> {
    const windowMs = this.#options.windowS * 1_000;
    const now = Date.now();
    let count: number;
    let ttlMs: number;
    try {
      const [n, ttl] = (await withDeadline(this.#redis.eval(COUNT_FAILURE, 1, this.#keyOf(address), windowMs) as Promise<[number, number]>, this.#deadlineMs));
      count = Number(n);
      ttlMs = Number(ttl);
    } catch {
      const entry = this.#local.get(address);
      const current = entry && entry.until > now ? entry : { count: 0, until: now + windowMs };
      current.count += 1;
      this.#local.set(address, current);
      sweep(this.#local, now, (e) => e.until);
      count = current.count;
      ttlMs = current.until - now;
    }
    if (count <= this.#options.limit) return null;
    this.#blocked.set(address, now + ttlMs);
    sweep(this.#blocked, now, (until) => until);
    return this.retryAfterS(address, now);
  }
}

function sweep<V>(map: Map<string, V>, now: number, until: (value: V) => number): void {
  if (map.size < SWEEP_AT) return;
  for (const [key, value] of map) if (until(value) <= now) map.delete(key);
}
