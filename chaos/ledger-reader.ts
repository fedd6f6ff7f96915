/**
 * Reads crm-bridge's ledger straight from Redis (run summaries, run errors, the sync's failed records, a record's
 * crosswalk and intent), through the product's own key layout. Read-only; every read retries while the nemesis
 * has Redis down or paused. On a cluster it reads through an ioredis Cluster client (the keys live on three
 * shards); a read waiting on a node the nemesis took down gives up after READ_TIMEOUT_MS and is tried again.
 */
import { Cluster, Redis } from 'ioredis';
import { setTimeout as sleep } from 'node:timers/promises';
import { queuePrefix } from '../src/queues/factory.ts';
import { placeOf, syncKeys, type SyncKeys } from '../src/sync/keys.ts';
import type { RedisClient } from '../src/redis/connection.ts';
import { RecordLinks } from '../src/sync/record-links.ts';
import type { Report } from './checker.ts';

export interface RunState {
  runId: string;
  sync: string;
  status: string;
  counts: Record<'pulled' | 'unchanged' | 'created' | 'updated' | 'rejected' | 'failed', number>;
  pendingBatches: number;
  pullDone: boolean;
  reason: string | null;
}

const COUNTERS = ['pulled', 'unchanged', 'created', 'updated', 'rejected', 'failed'] as const;

/** The fields a record error is matched on; anything else in the entry is kept for the evidence only. */
interface ErrorEntry {
  sourceId?: unknown;
  target?: unknown;
  code?: unknown;
  reason?: unknown;
  runId?: unknown;
}

function toReport(raw: string): (Report & { sourceId: string; target: string }) | null {
  try {
    const entry = JSON.parse(raw) as ErrorEntry;
    if (typeof entry.sourceId !== 'string') return null;
    return {
      sourceId: entry.sourceId,
      target: typeof entry.target === 'string' ? entry.target : '',
      code: typeof entry.code === 'string' ? entry.code : 'UNKNOWN',
      reason: typeof entry.reason === 'string' ? entry.reason : '',
      runId: typeof entry.runId === 'string' ? entry.runId : undefined,
    };
  } catch {
    return null;
  }
}

const READ_TIMEOUT_MS = 3_000;

/** A read that has not answered within `ms` fails (a cluster client queues commands for a node that is down). */
function within<T>(ms: number, read: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`ledger read took over ${ms} ms`)), ms)));
  return Promise.race([read, timeout]).finally(() => clearTimeout(timer));
}

function connectReader(redisUrl: string, cluster: boolean): RedisClient {
  const node = { maxRetriesPerRequest: 1, commandTimeout: 2_000, connectTimeout: 1_000 };
  if (!cluster) return new Redis(redisUrl, { ...node, retryStrategy: () => 200 });
  const url = new URL(redisUrl);
  return new Cluster([{ host: url.hostname, port: Number(url.port) }], {
    clusterRetryStrategy: () => 200,
    redisOptions: { ...node, ...(url.password ? { password: decodeURIComponent(url.password) } : {}) },
  });
}

export class LedgerReader {
  readonly #redis: RedisClient;
  readonly keys: SyncKeys;

  constructor(redisUrl: string, prefix: string, options: { cluster?: boolean } = {}) {
    this.#redis = connectReader(redisUrl, options.cluster ?? false);
    this.#redis.on('error', () => {});
    this.keys = syncKeys(prefix);
  }

  async #retry<T>(read: (redis: RedisClient) => Promise<T>, totalMs = 30_000): Promise<T> {
    const deadline = Date.now() + totalMs;
    for (;;) {
      try {
        return await within(READ_TIMEOUT_MS, read(this.#redis));
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await sleep(250);
      }
    }
  }

  /** One run's summary; null while Redis cannot be read (the caller polls again) or if there is none. */
  async tryRun(runId: string): Promise<RunState | null> {
    try {
      return await within(READ_TIMEOUT_MS, this.#readRun(this.#redis, runId));
    } catch {
      return null;
    }
  }

  run(runId: string): Promise<RunState | null> {
    return this.#retry((redis) => this.#readRun(redis, runId));
  }

  /** A run's keys carry its sync's hash tag: found through the run → sync index. */
  async #syncOf(redis: RedisClient, runId: string): Promise<string> {
    return (await redis.get(this.keys.runSync(runId))) ?? '';
  }

  async #readRun(redis: RedisClient, runId: string): Promise<RunState | null> {
    const raw = await redis.hgetall(this.keys.run(await this.#syncOf(redis, runId), runId));
    if (!raw['sync']) return null;
    return {
      runId,
      sync: raw['sync'],
      status: raw['status'] ?? 'PENDING',
      counts: Object.fromEntries(COUNTERS.map((c) => [c, Number(raw[c] ?? 0)])) as RunState['counts'],
      pendingBatches: Number(raw['pendingBatches'] ?? 0),
      pullDone: raw['pullDone'] === '1',
      reason: raw['reason'] ?? null,
    };
  }

  /** Every run of the sync the ledger lists (oldest first). */
  syncRuns(sync: string): Promise<string[]> {
    return this.#retry((redis) => redis.zrange(this.keys.syncRuns(sync), 0, -1));
  }

  /** A run's record errors (the ledger keeps the first 1000 per run). */
  async runErrors(runId: string): Promise<Array<Report & { sourceId: string; target: string }>> {
    const items = await this.#retry(async (redis) => redis.lrange(this.keys.runErrors(await this.#syncOf(redis, runId), runId), 0, -1));
    return items.map(toReport).filter((r) => r !== null);
  }

  /** The sync's records whose last attempt failed, with that failure (what a retry would re-read). */
  async failed(sync: string): Promise<Map<string, Report & { target: string }>> {
    const all = await this.#retry((redis) => redis.hgetall(this.keys.failed(sync)));
    const out = new Map<string, Report & { target: string }>();
    for (const [sourceId, raw] of Object.entries(all)) {
      const report = toReport(raw);
      out.set(sourceId, report ?? { code: 'UNKNOWN', reason: raw, target: '' });
    }
    return out;
  }

  /** The crosswalk: source id → the target id the product linked it to. */
  async crosswalk(sourceConnection: string, targetConnection: string): Promise<Map<string, string>> {
    return this.#retry((redis) => new RecordLinks(redis, this.keys).entries('crosswalk', sourceConnection, targetConnection));
  }

  /** The create intents: source id → the run (and, for an async write, `pending:<run>:<write id>`). */
  async intents(sourceConnection: string, targetConnection: string): Promise<Map<string, string>> {
    return this.#retry((redis) => new RecordLinks(redis, this.keys).entries('intent', sourceConnection, targetConnection));
  }

  /** What Redis knows of one record on one target: for the evidence of a duplicate or a loss. */
  async recordState(sync: string, sourceConnection: string, targetConnection: string, targetKey: string, sourceId: string) {
    const k = this.keys;
    // Per-record state lives in the record's partition and bucket (src/sync/keys.ts).
    const { partition, bucket } = placeOf(sourceId);
    const part = k.records(sourceConnection, targetConnection, partition);
    return this.#retry(async (redis) => {
      const [crosswalk, intent, sent, failed] = await Promise.all([
        redis.hget(part.crosswalk(bucket), sourceId),
        redis.hget(part.intent(bucket), sourceId),
        redis.hget(part.sent(sync, targetKey, bucket), sourceId),
        redis.hget(k.failed(sync), sourceId),
      ]);
      return { crosswalk, intent, sent: sent !== null, failed };
    });
  }

  /** Jobs still queued or running in the push queues (a run can end while its pushes go on). */
  async pushBacklog(prefix: string): Promise<Record<string, number>> {
    return this.#retry(async (redis) => {
      const out: Record<string, number> = {};
      for (const provider of ['trata', 'powerchord', 'propexo', 'overplane']) {
        const base = `${queuePrefix(prefix, `push-${provider}`)}:push-${provider}`;
        const [wait, active, delayed, prioritized] = await Promise.all([
          redis.llen(`${base}:wait`),
          redis.llen(`${base}:active`),
          redis.zcard(`${base}:delayed`),
          redis.zcard(`${base}:prioritized`),
        ]);
        const total = wait + active + delayed + prioritized;
        if (total > 0) out[provider] = total;
      }
      return out;
    });
  }

  async close(): Promise<void> {
    this.#redis.disconnect();
  }
}
