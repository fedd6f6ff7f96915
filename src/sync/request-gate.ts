import type { RedisClient } from '../redis/connection.ts';
import type { RequestGate } from '../providers/types.ts';

// A fixed window that opens on its first request, as Propexo's does, and admits requests only until ARGV[3] ms
// before it closes. Past the limit, or in that closing span, the counter still rises (nothing is sent), and the
// answer is the time left in the window.
const ACQUIRE = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl <= 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return tonumber(ARGV[2]) end
if n <= tonumber(ARGV[1]) and ttl > tonumber(ARGV[3]) then return 0 end
return ttl
`;

/**
 * A provider's request budget, counted in Redis so that every worker process on every machine shares it.
 *
 * We count a request when we send it, the provider when it arrives (`marginMs` covers how much that delay may vary),
 * and the provider's fixed window opens on the first request it sees, not on ours. Our window is `windowMs +
 * marginMs` long but sends only in its first `windowMs - marginMs`: so all of one window's requests arrive within
 * the provider window that the first of them opened, and the next window's first request arrives after that one
 * closed. A window that merely ran `marginMs` longer than the provider's was not enough: a request sent late in our
 * window opened the provider's next window early, and our next window's full budget then landed in it too (the
 * scale-out test on the cluster: 4-9 × 429 in some runs).
 */
export class RedisRequestGate implements RequestGate {
  readonly #redis: RedisClient & { cbGateAcquire?: (key: string, limit: number, windowMs: number, closingMs: number) => Promise<number> };
  readonly #key: string;
  readonly #limit: number;
  readonly #windowMs: number;
  /** The closing span of our window, in which nothing is sent: twice the margin. */
  readonly #closingMs: number;

  constructor(redis: RedisClient, key: string, budget: { limit: number; windowMs: number }, marginMs = 250) {
    if (!('cbGateAcquire' in redis)) redis.defineCommand('cbGateAcquire', { numberOfKeys: 1, lua: ACQUIRE });
    this.#redis = redis;
    this.#key = key;
    this.#limit = budget.limit;
    // A margin as long as half the window would leave no time to send: keep at least half the window open.
    const margin = Math.min(marginMs, Math.floor(budget.windowMs / 4));
    this.#windowMs = budget.windowMs + margin;
    this.#closingMs = 2 * margin;
  }

  async acquire(): Promise<number> {
    return Number(await this.#redis.cbGateAcquire!(this.#key, this.#limit, this.#windowMs, this.#closingMs));
  }
}
