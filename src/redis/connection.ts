import { Redis, type RedisOptions as IORedisOptions } from 'ioredis';

// ioredis 6 types the reply mapping per instance; we always use the default (legacy) one.
type RedisOptions = Omit<IORedisOptions, 'replyMapping'>;

/**
 * ioredis emits connection errors as events; with no listener Node prints each one ("Unhandled error event") on
 * every reconnect attempt. Commands still fail on their own, and readiness probes report Redis down, so the event
 * itself needs only a quiet listener.
 */
function quiet(redis: Redis): Redis {
  redis.on('error', () => {});
  return redis;
}

/**
 * Worker connections block (BRPOPLPUSH-style waits), so ioredis must never give up on a command:
 * `maxRetriesPerRequest: null` is what BullMQ requires for them.
 */
export function workerConnection(url: string, extra: RedisOptions = {}): Redis {
  const options: RedisOptions = { maxRetriesPerRequest: null, ...extra };
  return quiet(new Redis(url, options));
}

/**
 * Producer connections (the API, the scheduler) must fail fast when Redis is down instead of queueing commands
 * in memory: `enableOfflineQueue: false` makes an add reject at once, so the API answers 503 instead of hanging.
 */
export function producerConnection(url: string, extra: RedisOptions = {}): Redis {
  const options: RedisOptions = { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 1_000, ...extra };
  return quiet(new Redis(url, options));
}

/** A plain connection for our own keys (crosswalk, fingerprints, ledger). */
export function dataConnection(url: string, extra: RedisOptions = {}): Redis {
  const options: RedisOptions = { maxRetriesPerRequest: 3, ...extra };
  return quiet(new Redis(url, options));
}
