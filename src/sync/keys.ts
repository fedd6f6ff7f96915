import { crc32 } from 'node:zlib';

/**
 * Every Redis key crm-bridge keeps besides BullMQ's own, in one place, laid out for Redis Cluster: what one script
 * or MULTI touches shares one hash tag (one slot), and the tags are many, so the shards share the load.
 *
 * - `{<base>:s:<sync>}`: a sync and its runs (ledger, errors, failed records, cursor, active-run lock). Every
 *   ledger script touches one run and its sync, so they stay atomic.
 * - `{<base>:r:<own>:<other>:<partition>}`: per-record state of the records of connection `own` paired with
 *   connection `other`, partitioned by a hash of the record id (STATE_PARTITIONS tags per pair and direction).
 *   Within a partition, each kind of state is spread over STATE_BUCKETS small hashes: Redis stores a hash of up to
 *   128 short fields as a listpack (about 30 bytes a field instead of about 90), so at a million records per pair
 *   the buckets stay small and compact.
 * - `<prefix>:cb:...`: single-key values (idempotency, request budgets, pending async writes, run → sync index).
 *
 * `base` is the queue prefix without braces: the tags above are made here, one per sync and partition.
 */
export const STATE_PARTITIONS = 64;
export const STATE_BUCKETS = 256;

/** Where a record's state lives within its pair: the partition (hash tag) and the bucket (hash) in it. */
export interface RecordPlace {
  partition: number;
  bucket: number;
}

/** Stable for ever: changing it would orphan every record's state. */
export function placeOf(id: string): RecordPlace {
  const h = crc32(id);
  return { partition: h % STATE_PARTITIONS, bucket: Math.floor(h / STATE_PARTITIONS) % STATE_BUCKETS };
}

/** The queue prefix without hash-tag braces; tags are made per queue, sync and partition from it. */
export function basePrefix(prefix: string): string {
  return prefix.replace(/[{}]/g, '');
}

/** The state of the records of connection `own` paired with connection `other`, in one partition (one slot). */
export interface PartitionKeys {
  /** The hash tag: every key below shares it. */
  readonly tag: string;
  /** own id → other id: the record in `other` this record is linked to. */
  crosswalk(bucket: number): string;
  /** own id → run id: a create into `other` was started and its outcome is not recorded yet. */
  intent(bucket: number): string;
  /** own id → echo state of what a sync from `other` last wrote into this record (see echo.ts). */
  echo(bucket: number): string;
  /** own id → sent state of the body a sync from `own` last wrote to `other` as its target `target` (sent-state.ts). */
  sent(sync: string, target: string, bucket: number): string;
}

/** What a stored per-record state is: the kinds of PartitionKeys. */
export type RecordStateKind = 'crosswalk' | 'intent' | 'echo' | 'sent';

function partitionKeysOf(tag: string): PartitionKeys {
  return {
    tag,
    crosswalk: (bucket) => `${tag}:xw:${bucket}`,
    intent: (bucket) => `${tag}:in:${bucket}`,
    echo: (bucket) => `${tag}:ec:${bucket}`,
    sent: (sync, target, bucket) => `${tag}:st:${sync}:${target}:${bucket}`,
  };
}

export function syncKeys(prefix: string) {
  const base = basePrefix(prefix);
  const misc = (...parts: string[]) => [prefix, 'cb', ...parts].join(':');
  const syncKey = (sync: string, ...parts: string[]) => [`{${base}:s:${sync}}`, ...parts].join(':');
  // own → other → partition: looked up without building a string, several times for every record a sync writes.
  const partitionKeys = new Map<string, Map<string, PartitionKeys[]>>();
  return {
    /** run id → its sync: the ledger finds a run's keys (tagged by its sync) from its id alone. */
    runSync: (runId: string) => misc('runsync', runId),
    run: (sync: string, runId: string) => syncKey(sync, 'run', runId),
    runErrors: (sync: string, runId: string) => syncKey(sync, 'run', runId, 'errors'),
    runPages: (sync: string, runId: string) => syncKey(sync, 'run', runId, 'pages'),
    runBatches: (sync: string, runId: string) => syncKey(sync, 'run', runId, 'batches'),
    /** `target:sourceId` of the records this run counted as failed (each once). */
    runFailed: (sync: string, runId: string) => syncKey(sync, 'run', runId, 'failed'),
    /** `target:sourceId` of the records this run counted as created or updated (each once, however often retried). */
    runWritten: (sync: string, runId: string) => syncKey(sync, 'run', runId, 'written'),
    /** JSON of the page job that drives the run on (the run watchdog re-adds it if Redis lost it); gone once pulled. */
    runNext: (sync: string, runId: string) => syncKey(sync, 'run', runId, 'next'),
    /**
     * JSON of the first page job of a run that moves no cursor (given ids, inline records): what it was asked to
     * read, should Redis lose its push batches after retention removed its run job; gone when the run ends.
     */
    runInput: (sync: string, runId: string) => syncKey(sync, 'run', runId, 'input'),
    syncRuns: (sync: string) => syncKey(sync, 'runs'),
    syncErrors: (sync: string) => syncKey(sync, 'errors'),
    cursor: (sync: string) => syncKey(sync, 'cursor'),
    activeRun: (sync: string) => syncKey(sync, 'active'),
    /** sourceId → JSON of the record's last error, for retries. */
    failed: (sync: string) => syncKey(sync, 'failed'),
    /** sourceId → when (ms since epoch) a record failed before left the failed records by succeeding. */
    resolved: (sync: string) => syncKey(sync, 'resolved'),
    /** The per-record state of `own`'s records paired with `other`, in one partition. */
    records(own: string, other: string, partition: number): PartitionKeys {
      // Made once per pair and partition: this is asked several times for every record a sync writes.
      let others = partitionKeys.get(own);
      if (!others) partitionKeys.set(own, (others = new Map()));
      let partitions = others.get(other);
      if (!partitions) others.set(other, (partitions = []));
      return (partitions[partition] ??= partitionKeysOf(`{${base}:r:${own}:${other}:${partition}}`));
    },
    idempotency: (key: string) => misc('idem', key),
    /** A connection's request budget in the current window (shared by every process). */
    requestBudget: (connection: string) => misc('budget', connection),
    /** A provider's async write job id → `queue|pushJobId` of the parked push job confirming it. */
    pendingWrite: (writeJobId: string) => misc('pw', writeJobId),
    /** Held by the one process sweeping for stalled runs at a time (run-watchdog.ts). */
    runWatchdog: () => misc('watchdog'),
  };
}
export type SyncKeys = ReturnType<typeof syncKeys>;
