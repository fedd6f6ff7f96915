import { isIPv6 } from 'node:net';
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

/**
 * The bucket failures of `address` count in. An IPv6 subscriber gets a whole /64 (often a /56) and picks any
 * address in it, so counting per address would let it rotate past the limit: IPv6 counts per /64. An IPv4 address
 * counts as itself, written in its IPv4-mapped IPv6 forms too (a proxy's X-Forwarded-For may use either).
 */
export function throttleKey(address: string): string {
  const bare = address.split('%')[0] ?? address; // a zone id ("fe80::1%eth0") names an interface, not a host
  if (!isIPv6(bare)) return address;
  let text = bare.toLowerCase();
  const dotted = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(text);
  if (dotted) {
    const [a, b, c, d] = dotted.slice(1).map(Number) as [number, number, number, number];
    text = `${text.slice(0, dotted.index)}${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const part = (s: string | undefined) => (s ? s.split(':') : []);
  const groups = tail === undefined ? part(head) : [...part(head), ...Array<string>(8 - part(head).length - part(tail).length).fill('0'), ...part(tail)];
  const words = groups.map((g) => parseInt(g, 16));
  if (words.slice(0, 5).every((w) => w === 0) && words[5] === 0xffff) {
    const [hi = 0, lo = 0] = words.slice(6);
    return `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
  }
  return `${words.slice(0, 4).map((w) => w.toString(16)).join(':')}::/64`;
}

/** Entries kept in memory before expired ones are swept (addresses are cheap to make: IPv6). */
const SWEEP_AT = 10_000;

/**
 * Throttles failed authentication per client address (an IPv6 /64 counts as one: `throttleKey`). Failures are
 * counted in Redis, so every API process shares the count (a fixed window per address); a process that sees an address cross the limit remembers the
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
    return this.#retryAfterS(throttleKey(address), now);
  }

  #retryAfterS(address: string, now: number): number | null {
    const until = this.#blocked.get(address);
    if (until === undefined) return null;
    if (until <= now) {
      this.#blocked.delete(address);
      return null;
    }
    return Math.max(1, Math.ceil((until - now) / 1_000));
  }

  /** Counts one failure; answers the seconds to wait when the address is now blocked, else null. */
  async fail(client: string): Promise<number | null> {
    const address = throttleKey(client);
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
    return this.#retryAfterS(address, now);
  }
}

function sweep<V>(map: Map<string, V>, now: number, until: (value: V) => number): void {
  if (map.size < SWEEP_AT) return;
  for (const [key, value] of map) if (until(value) <= now) map.delete(key);
}
