import { Cluster, Redis, type RedisOptions as IORedisOptions } from 'ioredis';
import type { Logger } from '../logger.ts';

// ioredis 6 types the reply mapping per instance; we always use the default (legacy) one.
type RedisOptions = Omit<IORedisOptions, 'replyMapping'>;

/** A connection to one Redis, or to a Redis Cluster (REDIS_URL naming any of its nodes). */
export type RedisClient = Redis | Cluster;

/** First reconnect delay, ms; it doubles per failed attempt. */
export const RECONNECT_BASE_MS = 100;
/**
 * Longest reconnect delay, ms. It bounds both the log rate of a long outage (one line per attempt) and how long a
 * process may stay idle after Redis is back.
 */
export const RECONNECT_MAX_MS = 2_000;

/** ioredis `retryStrategy`: 100, 200, 400 ... ms, capped at RECONNECT_MAX_MS, retried forever. */
export function reconnectDelay(attempt: number): number {
  return Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** Math.max(0, attempt - 1));
}

/**
 * What ioredis and BullMQ raise when the connection is down (as opposed to an error a command answered). On a
 * cluster, a node that is down shows as CLUSTERDOWN (the others marked it failed), as a MOVED loop (its slots'
 * owner is not reachable: "Too many Cluster redirections") or as a slot map that cannot be read.
 */
const CONNECTION_DOWN = /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|ENOTFOUND|EAI_AGAIN|Connection is closed|Stream isn't writeable|enableOfflineQueue|max retries per request|CLUSTERDOWN|Too many Cluster redirections|Failed to refresh slots cache|None of startup nodes is available/i;

/** True for the connection-level errors that the outage log already reports once per reconnect attempt. */
export function isConnectionError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  return error.name === 'MaxRetriesPerRequestError' || CONNECTION_DOWN.test(typeof code === 'string' ? code : '') || CONNECTION_DOWN.test(error.message);
}

/**
 * One log line per reconnect attempt of a process, however many connections it has: every connection of the
 * process backs off on the same schedule, so attempt N is logged by whichever connection reaches it first and the
 * others stay quiet. Logs the host and port only: a URL's password never reaches the log.
 */
export class RedisOutageLog {
  readonly #logger: Logger;
  #highestAttempt = 0;
  #lastError: Error | null = null;

  constructor(logger: Logger) {
    this.#logger = logger;
  }

  /** A connection reported an error (called before ioredis asks for the next retry delay). */
  error(error: Error): void {
    this.#lastError = error;
  }

  attempt(attempt: number, delayMs: number, where: string): void {
    if (attempt <= this.#highestAttempt) return;
    this.#highestAttempt = attempt;
    const error = this.#lastError as (Error & { code?: unknown }) | null;
    const code = typeof error?.code === 'string' ? error.code : (error?.name ?? 'CONNECTION_CLOSED');
    // Redis's own answer says why (WRONGPASS, NOAUTH, LOADING); it never carries the password, and the logger
    // scrubs every configured secret anyway.
    const reason = error?.message ? error.message.slice(0, 200) : undefined;
    this.#logger.warn({ redis: where, attempt, delayMs, code, reason }, `redis unreachable: reconnect attempt ${attempt} in ${delayMs} ms`);
  }

  ready(where: string): void {
    if (this.#highestAttempt === 0) return;
    this.#logger.info({ redis: where, attempts: this.#highestAttempt }, 'redis reachable again');
    this.#highestAttempt = 0;
    this.#lastError = null;
  }
}

/** `host:port` of a Redis URL, without user or password. */
function whereOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.hostname}:${parsed.port || '6379'}`;
  } catch {
    return 'redis';
  }
}

/**
 * Every connection reconnects with capped exponential backoff, and its error events have a listener: ioredis emits
 * one per failed attempt and, with none, Node prints each ("Unhandled error event") as a raw stack. Commands still
 * fail on their own and readiness probes report Redis down; the outage itself is logged by `outages`, when given.
 */
function connect(url: string, options: RedisOptions, outages: RedisOutageLog | undefined, cluster: boolean): RedisClient {
  const where = whereOf(url);
  // BullMQ duplicates worker connections (for its blocking reads) with these same options, so the duplicates back
  // off and report on the same schedule too.
  const retryStrategy = (attempt: number) => {
    const delay = reconnectDelay(attempt);
    outages?.attempt(attempt, delay, where);
    return delay;
  };
  const redis = cluster ? connectCluster(url, options, retryStrategy) : new Redis(url, { retryStrategy, ...options });
  redis.on('error', (error: Error) => outages?.error(error));
  if (outages) redis.on('ready', () => outages.ready(where));
  return redis;
}

/**
 * A cluster client seeded with the URL's node: ioredis reads the slot map from it (CLUSTER SLOTS) and follows
 * MOVED/ASK. The URL's user, password and TLS (`rediss:`) apply to every node.
 */
function connectCluster(url: string, options: RedisOptions, retryStrategy: (attempt: number) => number): Cluster {
  const parsed = new URL(url);
  const { enableOfflineQueue = true, ...nodeOptions } = options;
  const cluster = new Cluster([{ host: parsed.hostname, port: Number(parsed.port || 6379) }], {
    clusterRetryStrategy: retryStrategy,
    // BullMQ takes a cluster that has connected (before it has read the slot map) as ready and sends at once: the
    // first commands wait for the cluster; a fail-fast connection fails fast from then on (ioredis reads the option
    // per command).
    enableOfflineQueue: true,
    // No CLUSTER INFO ready check: when it finds `cluster_state:fail` (a master just back from an outage), ioredis
    // reconnects on its own and never settles the connect() it was called for, and BullMQ awaits that promise when it
    // resets a worker's blocking connection: the queue was never served again (chaos --cluster). Without it, a
    // command meeting the failed state gets CLUSTERDOWN, retried by ioredis, then parked as an outage.
    enableReadyCheck: false,
    redisOptions: {
      ...nodeOptions,
      ...(parsed.username ? { username: decodeURIComponent(parsed.username) } : {}),
      ...(parsed.password ? { password: decodeURIComponent(parsed.password) } : {}),
      ...(parsed.protocol === 'rediss:' ? { tls: {} } : {}),
    },
  });
  if (!enableOfflineQueue) cluster.once('ready', () => (cluster.options.enableOfflineQueue = false));
  return cluster;
}

/**
 * Whether the Redis at `url` runs in cluster mode (`INFO cluster` says `cluster_enabled:1`): the process then
 * talks to it as a cluster. Asked once at start; while Redis cannot be reached it asks again with the usual
 * backoff (each attempt logged by `outages`). An answer that is an error (a wrong password) is thrown.
 */
export async function detectCluster(url: string, outages?: RedisOutageLog): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2_000, enableOfflineQueue: false, retryStrategy: () => null });
    probe.on('error', (error: Error) => outages?.error(error));
    try {
      await probe.connect();
      const info = await probe.info('cluster');
      outages?.ready(whereOf(url));
      return /^cluster_enabled:1\s*$/m.test(info);
    } catch (error) {
      if (!isConnectionError(error)) throw error;
      const delay = reconnectDelay(attempt);
      outages?.attempt(attempt, delay, whereOf(url));
      await new Promise((resolve) => setTimeout(resolve, delay));
    } finally {
      probe.disconnect();
    }
  }
}

/**
 * Worker connections block (BRPOPLPUSH-style waits), so ioredis must never give up on a command:
 * `maxRetriesPerRequest: null` is what BullMQ requires for them.
 */
export function workerConnection(url: string, extra?: RedisOptions, outages?: RedisOutageLog, cluster?: false): Redis;
export function workerConnection(url: string, extra: RedisOptions | undefined, outages: RedisOutageLog | undefined, cluster: boolean): RedisClient;
export function workerConnection(url: string, extra: RedisOptions = {}, outages?: RedisOutageLog, cluster = false): RedisClient {
  return connect(url, { maxRetriesPerRequest: null, ...extra }, outages, cluster);
}

/**
 * Producer connections (the API, the scheduler) must fail fast when Redis is down instead of queueing commands
 * in memory: `enableOfflineQueue: false` makes an add reject at once, so the API answers 503 instead of hanging.
 */
export function producerConnection(url: string, extra?: RedisOptions, outages?: RedisOutageLog, cluster?: false): Redis;
export function producerConnection(url: string, extra: RedisOptions | undefined, outages: RedisOutageLog | undefined, cluster: boolean): RedisClient;
export function producerConnection(url: string, extra: RedisOptions = {}, outages?: RedisOutageLog, cluster = false): RedisClient {
  return connect(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 1_000, ...extra }, outages, cluster);
}

/** A plain connection for our own keys (crosswalk, fingerprints, ledger). */
export function dataConnection(url: string, extra?: RedisOptions, outages?: RedisOutageLog, cluster?: false): Redis;
export function dataConnection(url: string, extra: RedisOptions | undefined, outages: RedisOutageLog | undefined, cluster: boolean): RedisClient;
export function dataConnection(url: string, extra: RedisOptions = {}, outages?: RedisOutageLog, cluster = false): RedisClient {
  return connect(url, { maxRetriesPerRequest: 3, ...extra }, outages, cluster);
}

/**
 * The connections of one process to one Redis: they share one outage log, and a shutdown that ran out of time
 * can drop every one of them at once (`disconnect` does not wait for Redis, unlike `quit`).
 */
export class RedisConnections {
  readonly url: string;
  readonly outages: RedisOutageLog;
  /** Redis runs in cluster mode: every connection made here is a cluster client. */
  readonly cluster: boolean;
  readonly #made: RedisClient[] = [];

  constructor(url: string, logger: Logger, options: { cluster?: boolean } = {}) {
    this.url = url;
    this.outages = new RedisOutageLog(logger);
    this.cluster = options.cluster ?? false;
  }

  /** Asks the Redis at `url` whether it is a cluster (detectCluster), then connects accordingly. */
  static async open(url: string, logger: Logger): Promise<RedisConnections> {
    const connections = new RedisConnections(url, logger);
    const cluster = await detectCluster(url, connections.outages);
    if (cluster) logger.info({ redis: whereOf(url) }, 'redis runs in cluster mode: connecting as a cluster client');
    return cluster ? new RedisConnections(url, logger, { cluster }) : connections;
  }

  data(): RedisClient {
    return this.#keep(dataConnection(this.url, {}, this.outages, this.cluster));
  }

  producer(): RedisClient {
    return this.#keep(producerConnection(this.url, {}, this.outages, this.cluster));
  }

  worker(): RedisClient {
    return this.#keep(workerConnection(this.url, {}, this.outages, this.cluster));
  }

  /** Drops every connection made here at once; commands still queued fail with "Connection is closed". */
  disconnectAll(): void {
    for (const redis of this.#made) redis.disconnect();
  }

  #keep(redis: RedisClient): RedisClient {
    this.#made.push(redis);
    return redis;
  }
}
