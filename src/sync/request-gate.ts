import type { RedisClient } from '../redis/connection.ts';
import type { RequestGate } from '../providers/types.ts';

// A fixed window that opens on its first request, as Propexo's does. Past the limit the counter still rises
// (nothing is sent), and the answer is the time left in the window.
const ACQUIRE = `
local n = redis.call('INCR', KEYS[1])
if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
if n <= tonumber(ARGV[1]) then return 0 end
local ttl = redis.call('PTTL', KEYS[1])
if ttl <= 0 then redis.call('PEXPIRE', KEYS[1], ARGV[2]) return tonumber(ARGV[2]) end
return ttl
`;

/**
 * A provider's request budget, counted in Redis so that every worker process on every machine shares it.
 * Our window is a little longer than the provider's (`marginMs`): we count a request when we send it, the provider
 * when it arrives, so an exactly equal window could open our next one before the provider's closes.
 */
export class RedisRequestGate implements RequestGate {
  readonly #redis: RedisClient & { cbGateAcquire?: (key: string, limit: number, windowMs: number) => Promise<number> };
  readonly #key: string;
  readonly #limit: number;
  readonly #windowMs: number;

  constructor(redis: RedisClient, key: string, budget: { limit: number; windowMs: number }, marginMs = 250) {
    if (!('cbGateAcquire' in redis)) redis.defineCommand('cbGateAcquire', { numberOfKeys: 1, lua: ACQUIRE });
    this.#redis = redis;
    this.#key = key;
    this.#limit = budget.limit;
    this.#windowMs = budget.windowMs + marginMs;
  }

  async acquire(): Promise<number> {
    return Number(await this.#redis.cbGateAcquire!(this.#key, this.#limit, this.#windowMs));
  }
}
