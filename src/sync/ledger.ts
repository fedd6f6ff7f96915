import type { RedisClient } from '../redis/connection.ts';
import { z } from 'zod';
import type { SyncKeys } from './keys.ts';
// Errors and reasons may quote a provider's answer, which may echo our credentials: scrubbed before they are kept.
import { scrubJsonText, scrubText } from '../secrets.ts';

export const RUN_STATUSES = ['PENDING', 'SUCCESS', 'PARTIAL_SUCCESS', 'FAILURE'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const COUNTERS = ['pulled', 'unchanged', 'created', 'updated', 'rejected', 'failed'] as const;
export type Counter = (typeof COUNTERS)[number];
export type Counts = Record<Counter, number>;

/** A record-level error: which record, which target, which field, why. */
export const RecordErrorEntry = z.object({
  sourceId: z.string(),
  target: z.string(),
  path: z.string(),
  reason: z.string(),
  value: z.unknown().optional(),
  code: z.string().optional(),
  at: z.string(),
});
export type RecordErrorEntry = z.infer<typeof RecordErrorEntry>;
/** As stored: each entry names the run it happened in. */
const StoredErrorEntry = RecordErrorEntry.extend({ runId: z.string().optional() });
type StoredErrorEntry = z.infer<typeof StoredErrorEntry>;
/**
 * As a run's or a sync's history shows it: `resolved` once the record is no longer failed (a later write
 * succeeded, its mapping now agrees with what the target holds, or it was deleted at the source), `resolvedAt`
 * when a success resolved it (null for a deletion, or while unresolved).
 */
export type ShownErrorEntry = StoredErrorEntry & { resolved: boolean; resolvedAt: string | null };

export interface RunSummary {
  runId: string;
  sync: string;
  trigger: string;
  full: boolean;
  status: RunStatus;
  counts: Counts;
  pendingBatches: number;
  pullDone: boolean;
  reason: string | null;
  createdAt: string;
  finishedAt: string | null;
}

/** A run's hash as Redis holds it (strings), checked and typed; counters missing mean 0. */
const count = z.coerce.number().int().catch(0).default(0);
const RunHash = z.object({
  sync: z.string().min(1),
  trigger: z.string().default('api'),
  full: z.string().optional().transform((v) => v === '1'),
  status: z.enum(RUN_STATUSES).catch('PENDING'),
  pendingBatches: count,
  pullDone: z.string().optional().transform((v) => v === '1'),
  reason: z.string().nullable().default(null),
  createdAt: z.string().default(new Date(0).toISOString()),
  finishedAt: z.string().nullable().default(null),
  ...Object.fromEntries(COUNTERS.map((c) => [c, count])) as Record<Counter, typeof count>,
});

/** A stored error entry; one that does not parse (half-written, or from an older deploy) is shown as such. */
function parseErrorEntry(json: string): StoredErrorEntry {
  try {
    const parsed = StoredErrorEntry.safeParse(JSON.parse(json));
    if (parsed.success) return parsed.data;
  } catch {
    // fall through
  }
  return { sourceId: '', target: '', path: '', reason: 'unreadable error entry', code: 'UNREADABLE', at: new Date(0).toISOString() };
}

/** Errors kept per run and per sync: enough to act on, bounded so Redis stays flat. */
export const MAX_ERRORS_PER_RUN = 1_000;
export const MAX_ERRORS_PER_SYNC = 5_000;
export const MAX_RUNS_PER_SYNC = 500;
/** Run ledgers live a week after they are written. */
const RUN_TTL_S = 7 * 24 * 3600;

// Decides a finished run's status from its counts, once: PENDING → SUCCESS | PARTIAL_SUCCESS | FAILURE. The run's
// written marks (which record a write was counted for: see RecordLinks.markSent) and its closed batches go then: a
// finished run counts nothing more and closes no batch (FINISH_BATCH refuses it), and a mark per record written
// would otherwise stay a week (a million-record first sync: ~70 MB; its 20,000 batch ids ~1.2 MB).
const FINALIZE = `
local run, written, batches = KEYS[1], KEYS[2], KEYS[3]
if redis.call('HGET', run, 'status') ~= 'PENDING' then return 0 end
if redis.call('HGET', run, 'pullDone') ~= '1' then return 0 end
if tonumber(redis.call('HGET', run, 'pendingBatches') or '0') > 0 then return 0 end
local bad = tonumber(redis.call('HGET', run, 'failed') or '0') + tonumber(redis.call('HGET', run, 'rejected') or '0')
local good = tonumber(redis.call('HGET', run, 'created') or '0') + tonumber(redis.call('HGET', run, 'updated') or '0') + tonumber(redis.call('HGET', run, 'unchanged') or '0')
local status = 'SUCCESS'
if bad > 0 then status = (good > 0) and 'PARTIAL_SUCCESS' or 'FAILURE' end
if redis.call('HGET', run, 'sourceFailed') == '1' then status = 'FAILURE' end
redis.call('HSET', run, 'status', status, 'finishedAt', ARGV[1])
redis.call('DEL', written, batches)
return 1
`;

/**
 * Records a page once (a retried page job counts nothing twice), then tries to finish the run. A rejected record
 * is also marked failed (its first error, code REJECTED), so the errors listing and a retry see it; the automatic
 * retry at a run's end leaves REJECTED ones alone (the same data would be rejected again).
 */
const RECORD_PAGE = `
local run, pages, errors, syncErrors, failed, written, batches, nextPage = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6], KEYS[7], KEYS[8]
if redis.call('HSETNX', pages, ARGV[1], '1') == 0 then return -1 end
redis.call('EXPIRE', pages, ${RUN_TTL_S})
-- For the run watchdog: the run moved, and which page job drives it on (none once the pull is done).
redis.call('HSET', run, 'touchedAt', ARGV[9])
if ARGV[8] ~= '' then redis.call('SET', nextPage, ARGV[8], 'EX', ${RUN_TTL_S}) else redis.call('DEL', nextPage) end
redis.call('HINCRBY', run, 'pulled', ARGV[2])
redis.call('HINCRBY', run, 'unchanged', ARGV[3])
redis.call('HINCRBY', run, 'rejected', ARGV[4])
redis.call('HINCRBY', run, 'pendingBatches', ARGV[5])
if ARGV[6] == '1' then redis.call('HSET', run, 'pullDone', '1') end
local marked = {}
for i = 10, #ARGV do
  redis.call('RPUSH', errors, ARGV[i])
  redis.call('LPUSH', syncErrors, ARGV[i])
  local sourceId = cjson.decode(ARGV[i]).sourceId
  if not marked[sourceId] then
    marked[sourceId] = true
    redis.call('HSET', failed, sourceId, ARGV[i])
  end
end
redis.call('LTRIM', errors, 0, ${MAX_ERRORS_PER_RUN - 1})
redis.call('LTRIM', syncErrors, 0, ${MAX_ERRORS_PER_SYNC - 1})
redis.call('EXPIRE', errors, ${RUN_TTL_S})
${FINALIZE.replace('local run, written, batches = KEYS[1], KEYS[2], KEYS[3]', '').replaceAll('ARGV[1]', 'ARGV[7]')}
`;

/** Marks the source failed (a page failed for good) and tries to finish the run. */
const FAIL_SOURCE = `
local run, written, batches = KEYS[1], KEYS[2], KEYS[3]
if redis.call('HGET', run, 'status') ~= 'PENDING' then return -1 end
redis.call('HSET', run, 'sourceFailed', '1', 'pullDone', '1', 'reason', ARGV[1])
redis.call('DEL', KEYS[4])
${FINALIZE.replace('local run, written, batches = KEYS[1], KEYS[2], KEYS[3]', '').replaceAll('ARGV[1]', 'ARGV[2]')}
`;

/** Closes one push batch once, adds its per-record outcomes, then tries to finish the run. */
const FINISH_BATCH = `
local run, batches, written = KEYS[1], KEYS[2], KEYS[3]
-- A finished run had every batch closed: this is a re-delivered job's repeat (and its closed batches are gone).
if redis.call('HGET', run, 'status') ~= 'PENDING' then return -1 end
if redis.call('HSETNX', batches, ARGV[1], '1') == 0 then return -1 end
redis.call('EXPIRE', batches, ${RUN_TTL_S})
redis.call('HINCRBY', run, 'pendingBatches', -1)
redis.call('HSET', run, 'touchedAt', ARGV[3])
${FINALIZE.replace('local run, written, batches = KEYS[1], KEYS[2], KEYS[3]', '').replaceAll('ARGV[1]', 'ARGV[2]')}
`;

/**
 * Records push failures atomically: each (target, record) counts once per run however often a re-run job fails
 * it again, and the count, the error entries and the retry mark are written together (a crash cannot leave a
 * count without its error).
 */
const RECORD_FAILURES = `
local run, marks, errors, syncErrors, failed = KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5]
local fresh = 0
for i = 1, #ARGV, 3 do
  redis.call('HSET', failed, ARGV[i + 1], ARGV[i + 2])
  if redis.call('HSETNX', marks, ARGV[i], '1') == 1 then
    fresh = fresh + 1
    redis.call('RPUSH', errors, ARGV[i + 2])
    redis.call('LPUSH', syncErrors, ARGV[i + 2])
  end
end
if fresh > 0 then
  redis.call('HINCRBY', run, 'failed', fresh)
  redis.call('LTRIM', errors, 0, ${MAX_ERRORS_PER_RUN - 1})
  redis.call('LTRIM', syncErrors, 0, ${MAX_ERRORS_PER_SYNC - 1})
end
redis.call('EXPIRE', marks, ${RUN_TTL_S})
redis.call('EXPIRE', errors, ${RUN_TTL_S})
return fresh
`;

/**
 * Clears the failed mark of records whose mark is a rejection (a push failure stays until a push succeeds), noting
 * when each was resolved. KEYS: failed, resolved.
 */
const CLEAR_REJECTED = `
local cleared = 0
local t = redis.call('TIME')
local now = tostring(t[1] * 1000 + math.floor(t[2] / 1000))
for i = 1, #ARGV do
  local entry = redis.call('HGET', KEYS[1], ARGV[i])
  local ok, parsed = pcall(cjson.decode, entry or 'null')
  if ok and type(parsed) == 'table' and parsed.code == 'REJECTED' then
    redis.call('HDEL', KEYS[1], ARGV[i])
    redis.call('HSET', KEYS[2], ARGV[i], now)
    cleared = cleared + 1
  end
end
if cleared > 0 then redis.call('EXPIRE', KEYS[2], ${RUN_TTL_S}) end
return cleared
`;

/**
 * A run's first page is about to be enqueued: the run moved, its first page job drives it on, and where it started:
 * the cursor, for a run that reads from the saved cursor; else what it was given to read (ids or records), kept
 * beside the run for as long as it lasts. KEYS: run, next, pages, input. ARGV: the page job's JSON, the starting
 * cursor's JSON ('' for a run that moves no cursor), now (ms).
 */
const START_RUN = `
local run, nextPage, pages = KEYS[1], KEYS[2], KEYS[3]
if redis.call('HGET', run, 'status') ~= 'PENDING' then return 0 end
redis.call('HSET', run, 'touchedAt', ARGV[3])
if ARGV[2] ~= '' then redis.call('HSETNX', run, 'from', ARGV[2]) else redis.call('SET', KEYS[4], ARGV[1], 'NX', 'EX', ${RUN_TTL_S}) end
-- A re-delivered run job must not send a run that read pages back to its first one.
if redis.call('HGET', run, 'pullDone') ~= '1' and redis.call('EXISTS', pages) == 0 then redis.call('SET', nextPage, ARGV[1], 'NX', 'EX', ${RUN_TTL_S}) end
return 1
`;

/**
 * Ends a run whose jobs Redis lost (run-watchdog.ts): FAILURE with the reason, unless it moved since the watchdog
 * looked (touchedAt changed). With ARGV[5] = '1', the sync's cursor goes back to where the run started, so the next
 * run re-reads what the lost jobs carried, but only while this run still holds the sync (or nobody does): a newer
 * run's position is not the watchdog's to move. KEYS: run, written, batches, next, active, cursor. ARGV: run id,
 * touchedAt seen, reason, finishedAt, reset. Returns 0 (not ended), 1 (ended), 2 (ended, cursor put back).
 */
const ABANDON_RUN = `
local run = KEYS[1]
if redis.call('HGET', run, 'status') ~= 'PENDING' then return 0 end
if (redis.call('HGET', run, 'touchedAt') or '') ~= ARGV[2] then return 0 end
local reason = ARGV[3]
local earlier = redis.call('HGET', run, 'reason')
if earlier then reason = reason .. '; ' .. earlier end
redis.call('HSET', run, 'status', 'FAILURE', 'reason', reason, 'finishedAt', ARGV[4])
redis.call('DEL', KEYS[2], KEYS[3], KEYS[4])
if ARGV[5] ~= '1' then return 1 end
local from = redis.call('HGET', run, 'from')
if not from then return 1 end
local holder = redis.call('GET', KEYS[5])
if holder and holder ~= ARGV[1] then return 1 end
if from == 'null' then redis.call('DEL', KEYS[6]) else redis.call('SET', KEYS[6], from) end
return 2
`;

/** What the run watchdog reads of a run: is it moving, and what would drive it on. */
export interface RunProgress {
  status: RunStatus;
  trigger: string;
  full: boolean;
  pullDone: boolean;
  pendingBatches: number;
  /** As stored (compared as is when ending the run); '' when never written (a run from an older deploy). */
  touchedAt: string;
  /** When it last moved (ms): touchedAt, else its creation. */
  movedAtMs: number;
  /** JSON of the page job that drives it on; null before its start was recorded, and once it is pulled. */
  next: string | null;
  /** JSON of the cursor it started at; null for a run that moves no cursor (retries, inline records). */
  from: string | null;
}

type LedgerRedis = RedisClient & {
  cbClearRejected(...args: string[]): Promise<number>;
  cbRecordFailures(...args: (string | number)[]): Promise<number>;
  cbRecordPage(...args: (string | number)[]): Promise<number>;
  cbFinishBatch(...args: (string | number)[]): Promise<number>;
  cbFinalize(...args: (string | number)[]): Promise<number>;
  cbFailSource(...args: (string | number)[]): Promise<number>;
  cbStartRun(...args: (string | number)[]): Promise<number>;
  cbAbandonRun(...args: (string | number)[]): Promise<number>;
};

/** Runs whose sync this process knows (a run's keys carry its sync's hash tag), at most this many. */
const KNOWN_RUNS = 10_000;

/**
 * The run ledger: every run's status, counts and record-level errors, kept in Redis. A run's keys share its sync's
 * hash tag (keys.ts), so every script here touches one slot of a Redis Cluster; a run found by its id alone is
 * looked up in the run → sync index once per process.
 */
export class RunLedger {
  readonly #redis: LedgerRedis;
  readonly #keys: SyncKeys;
  readonly #syncs = new Map<string, string>();

  constructor(redis: RedisClient, keys: SyncKeys) {
    if (!('cbRecordPage' in redis)) {
      redis.defineCommand('cbRecordPage', { numberOfKeys: 8, lua: RECORD_PAGE });
      redis.defineCommand('cbFinishBatch', { numberOfKeys: 3, lua: FINISH_BATCH });
      redis.defineCommand('cbFinalize', { numberOfKeys: 3, lua: FINALIZE });
      redis.defineCommand('cbFailSource', { numberOfKeys: 4, lua: FAIL_SOURCE });
      redis.defineCommand('cbStartRun', { numberOfKeys: 4, lua: START_RUN });
      redis.defineCommand('cbAbandonRun', { numberOfKeys: 6, lua: ABANDON_RUN });
      redis.defineCommand('cbRecordFailures', { numberOfKeys: 5, lua: RECORD_FAILURES });
      redis.defineCommand('cbClearRejected', { numberOfKeys: 2, lua: CLEAR_REJECTED });
    }
    this.#redis = redis as LedgerRedis;
    this.#keys = keys;
  }

  /** The sync of a run, from this process's memory or the run → sync index; null for a run never opened. */
  async #syncOf(runId: string): Promise<string | null> {
    const known = this.#syncs.get(runId);
    if (known !== undefined) return known;
    const sync = await this.#redis.get(this.#keys.runSync(runId));
    if (sync !== null) this.#remember(runId, sync);
    return sync;
  }

  #remember(runId: string, sync: string): void {
    if (this.#syncs.size >= KNOWN_RUNS) this.#syncs.delete(this.#syncs.keys().next().value ?? '');
    this.#syncs.set(runId, sync);
  }

  /** Creates the run's ledger unless it exists already (a retried run job must not reset it). */
  async open(runId: string, run: { sync: string; trigger: string; full: boolean }): Promise<void> {
    // The index first: a run whose ledger exists can always be found by its id alone.
    await this.#redis.set(this.#keys.runSync(runId), run.sync, 'EX', RUN_TTL_S);
    this.#remember(runId, run.sync);
    const key = this.#keys.run(run.sync, runId);
    const now = new Date();
    const created = await this.#redis.hsetnx(key, 'sync', run.sync);
    if (created === 0) return;
    await this.#redis
      .multi()
      .hset(key, { trigger: run.trigger, full: run.full ? '1' : '0', status: 'PENDING', createdAt: now.toISOString(), touchedAt: now.getTime(), pendingBatches: 0, pullDone: 0 })
      .expire(key, RUN_TTL_S)
      .zadd(this.#keys.syncRuns(run.sync), now.getTime(), runId)
      .zremrangebyrank(this.#keys.syncRuns(run.sync), 0, -(MAX_RUNS_PER_SYNC + 1))
      .exec();
  }

  /**
   * The run's first page job is about to be enqueued (`next`, its JSON); `from`: the JSON of the cursor it reads
   * from, for a run that moves the sync's cursor (else null).
   */
  async start(runId: string, sync: string, next: string, from: string | null): Promise<void> {
    const k = this.#keys;
    await this.#redis.cbStartRun(k.run(sync, runId), k.runNext(sync, runId), k.runPages(sync, runId), k.runInput(sync, runId), next, from ?? '', Date.now());
  }

  /** JSON of the first page job of a run that moves no cursor, while it lasts (see `start`); else null. */
  async input(runId: string, sync: string): Promise<string | null> {
    return this.#redis.get(this.#keys.runInput(sync, runId));
  }

  /**
   * Returns true if this call finished the run. `next`: the JSON of the page job this page enqueues after it (null
   * when it is the last), recorded with the page so that a lost enqueue can be made good (run-watchdog.ts).
   */
  async recordPage(
    runId: string,
    sync: string,
    page: string,
    counts: { pulled: number; unchanged: number; rejected: number; batches: number },
    errors: RecordErrorEntry[],
    pullDone: boolean,
    next: string | null = null,
  ): Promise<boolean> {
    const k = this.#keys;
    const result = await this.#redis.cbRecordPage(
      k.run(sync, runId), k.runPages(sync, runId), k.runErrors(sync, runId), k.syncErrors(sync), k.failed(sync), k.runWritten(sync, runId), k.runBatches(sync, runId), k.runNext(sync, runId),
      page, counts.pulled, counts.unchanged, counts.rejected, counts.batches, pullDone ? '1' : '0', new Date().toISOString(), next ?? '', Date.now(),
      ...errors.map((e) => scrubJsonText(JSON.stringify({ runId, ...e }))),
    );
    return result === 1;
  }

  /** Returns true if this call finished the run. */
  async finishBatch(runId: string, batchId: string): Promise<boolean> {
    const k = this.#keys;
    const sync = await this.#syncOf(runId);
    if (sync === null) return false;
    return (await this.#redis.cbFinishBatch(k.run(sync, runId), k.runBatches(sync, runId), k.runWritten(sync, runId), batchId, new Date().toISOString(), Date.now())) === 1;
  }

  /** Counts and keeps push failures (each record once per run and target); returns how many were new. */
  async recordFailures(runId: string, sync: string, failures: RecordErrorEntry[]): Promise<number> {
    if (failures.length === 0) return 0;
    const k = this.#keys;
    const args = failures.flatMap((f) => [`${f.target}:${f.sourceId}`, f.sourceId, scrubJsonText(JSON.stringify({ runId, ...f }))]);
    return this.#redis.cbRecordFailures(k.run(sync, runId), k.runFailed(sync, runId), k.runErrors(sync, runId), k.syncErrors(sync), k.failed(sync), ...args);
  }

  async increment(runId: string, counter: Counter, by = 1): Promise<void> {
    const sync = await this.#syncOf(runId);
    if (sync !== null) await this.#redis.hincrby(this.#keys.run(sync, runId), counter, by);
  }

  async recordErrors(runId: string, sync: string, errors: RecordErrorEntry[]): Promise<void> {
    if (errors.length === 0) return;
    const json = errors.map((e) => scrubJsonText(JSON.stringify({ runId, ...e })));
    await this.#redis
      .multi()
      .rpush(this.#keys.runErrors(sync, runId), ...json)
      .ltrim(this.#keys.runErrors(sync, runId), 0, MAX_ERRORS_PER_RUN - 1)
      .lpush(this.#keys.syncErrors(sync), ...json)
      .ltrim(this.#keys.syncErrors(sync), 0, MAX_ERRORS_PER_SYNC - 1)
      .exec();
  }

  /** Gives a run its one reason (the first said wins), e.g. a connection that refused every call. */
  async noteReason(runId: string, reason: string): Promise<void> {
    const sync = await this.#syncOf(runId);
    if (sync !== null) await this.#redis.hsetnx(this.#keys.run(sync, runId), 'reason', scrubText(reason));
  }

  /** Ends a run that cannot go on (its source failed for good). */
  /**
   * The run's source failed for good: nothing more will be read. The run ends FAILURE once the pushes it already
   * enqueued have settled (until then it stays the sync's active run, so no next run races them). Returns true if
   * it ended now.
   */
  async fail(runId: string, reason: string): Promise<boolean> {
    const sync = await this.#syncOf(runId);
    if (sync === null) return false;
    const k = this.#keys;
    return (await this.#redis.cbFailSource(k.run(sync, runId), k.runWritten(sync, runId), k.runBatches(sync, runId), k.runNext(sync, runId), scrubText(reason), new Date().toISOString())) === 1;
  }

  /** Where a run stands for the run watchdog; null for a run without a readable ledger. */
  async progress(runId: string, sync: string): Promise<RunProgress | null> {
    const k = this.#keys;
    const replies = await this.#redis
      .multi()
      .hmget(k.run(sync, runId), 'status', 'trigger', 'full', 'pullDone', 'pendingBatches', 'touchedAt', 'createdAt', 'from')
      .get(k.runNext(sync, runId))
      .exec();
    const fields = replies?.[0]?.[1] as (string | null)[] | undefined;
    const next = (replies?.[1]?.[1] as string | null | undefined) ?? null;
    if (!fields || fields[0] === null || fields[0] === undefined) return null;
    const [status, trigger, full, pullDone, pendingBatches, touchedAt, createdAt, from] = fields;
    const movedAtMs = Number(touchedAt ?? Number.NaN);
    return {
      status: RunHash.shape.status.parse(status),
      trigger: trigger ?? 'api',
      full: full === '1',
      pullDone: pullDone === '1',
      pendingBatches: Number(pendingBatches ?? 0) || 0,
      touchedAt: touchedAt ?? '',
      movedAtMs: Number.isFinite(movedAtMs) ? movedAtMs : Date.parse(createdAt ?? '') || 0,
      next,
      from: from ?? null,
    };
  }

  /** Whether the run closed this push batch (finishBatch ran for it). */
  async batchClosed(runId: string, sync: string, batchId: string): Promise<boolean> {
    return (await this.#redis.hexists(this.#keys.runBatches(sync, runId), batchId)) === 1;
  }

  /** Finishes a pulled run whose batches are all closed (its finishing write was lost); true if it ended now. */
  async finalize(runId: string, sync: string): Promise<boolean> {
    const k = this.#keys;
    return (await this.#redis.cbFinalize(k.run(sync, runId), k.runWritten(sync, runId), k.runBatches(sync, runId), new Date().toISOString())) === 1;
  }

  /**
   * Ends a run nobody drives any more FAILURE with `reason`, unless it moved since `touchedAt` was read.
   * `resetCursor`: put the sync's cursor back to where the run started (see ABANDON_RUN).
   */
  async abandon(runId: string, sync: string, options: { touchedAt: string; reason: string; resetCursor: boolean }): Promise<{ ended: boolean; cursorReset: boolean }> {
    const k = this.#keys;
    const result = await this.#redis.cbAbandonRun(
      k.run(sync, runId), k.runWritten(sync, runId), k.runBatches(sync, runId), k.runNext(sync, runId), k.activeRun(sync), k.cursor(sync),
      runId, options.touchedAt, scrubText(options.reason), new Date().toISOString(), options.resetCursor ? '1' : '0',
    );
    return { ended: result >= 1, cursorReset: result === 2 };
  }

  /** `sync` when the caller knows it (saves the index lookup). */
  async get(runId: string, knownSync?: string): Promise<RunSummary | null> {
    const ofRun = knownSync ?? (await this.#syncOf(runId));
    if (ofRun === null) return null;
    const parsed = RunHash.safeParse(await this.#redis.hgetall(this.#keys.run(ofRun, runId)));
    // No ledger, or one a crash left without its opening fields: not a run anyone can act on.
    if (!parsed.success) return null;
    const { sync, trigger, full, status, pendingBatches, pullDone, reason, createdAt, finishedAt, ...counts } = parsed.data;
    return { runId, sync, trigger, full, status, counts, pendingBatches, pullDone, reason, createdAt, finishedAt };
  }

  async errors(runId: string, offset = 0, limit = 100): Promise<{ total: number; errors: ShownErrorEntry[] }> {
    const sync = await this.#syncOf(runId);
    if (sync === null) return { total: 0, errors: [] };
    const key = this.#keys.runErrors(sync, runId);
    const [total, items] = await Promise.all([this.#redis.llen(key), this.#redis.lrange(key, offset, offset + limit - 1)]);
    return { total, errors: await this.#withResolution(sync, items.map(parseErrorEntry)) };
  }

  async syncErrors(sync: string, offset = 0, limit = 100): Promise<{ total: number; errors: ShownErrorEntry[] }> {
    const key = this.#keys.syncErrors(sync);
    const [total, items] = await Promise.all([this.#redis.llen(key), this.#redis.lrange(key, offset, offset + limit - 1)]);
    return { total, errors: await this.#withResolution(sync, items.map(parseErrorEntry)) };
  }

  /** Marks each past error resolved when its record is not failed now (read in one slot: the sync's). */
  async #withResolution(sync: string, entries: StoredErrorEntry[]): Promise<ShownErrorEntry[]> {
    const ids = [...new Set(entries.map((e) => e.sourceId).filter((id) => id !== ''))];
    if (ids.length === 0) return entries.map((e) => ({ ...e, resolved: false, resolvedAt: null }));
    const [failed, resolved] = await Promise.all([this.#redis.hmget(this.#keys.failed(sync), ...ids), this.#redis.hmget(this.#keys.resolved(sync), ...ids)]);
    const failedNow = new Set(ids.filter((_, i) => failed[i] !== null));
    const resolvedAt = new Map(ids.map((id, i) => [id, resolved[i] ?? null]));
    return entries.map((e) => {
      if (e.sourceId === '' || failedNow.has(e.sourceId)) return { ...e, resolved: false, resolvedAt: null };
      const ms = Number(resolvedAt.get(e.sourceId) ?? Number.NaN);
      return { ...e, resolved: true, resolvedAt: Number.isFinite(ms) ? new Date(ms).toISOString() : null };
    });
  }

  /**
   * The sync's records that are failed now, each with its last error (rejected by a mapping, or refused by a
   * target), newest first: a record that later succeeded is no longer here. Retrying takes exactly these.
   */
  async currentErrors(sync: string, offset = 0, limit = 100): Promise<{ total: number; errors: ShownErrorEntry[] }> {
    const all = (await this.#redis.hvals(this.#keys.failed(sync))).map(parseErrorEntry);
    all.sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
    return { total: all.length, errors: all.slice(offset, offset + limit).map((e) => ({ ...e, resolved: false, resolvedAt: null })) };
  }

  /** These records map without error and their targets hold the result: a rejection of theirs is over. */
  async clearRejected(sync: string, sourceIds: readonly string[]): Promise<number> {
    if (sourceIds.length === 0) return 0;
    return this.#redis.cbClearRejected(this.#keys.failed(sync), this.#keys.resolved(sync), ...sourceIds);
  }

  /** Of these records, those failed now (a record absent from the answer has succeeded since, or was deleted). */
  async failedNow(sync: string, sourceIds: readonly string[]): Promise<Set<string>> {
    if (sourceIds.length === 0) return new Set();
    const values = await this.#redis.hmget(this.#keys.failed(sync), ...sourceIds);
    return new Set(sourceIds.filter((_, i) => values[i] !== null));
  }

  /** Newest first. */
  async runs(sync: string, offset = 0, limit = 50): Promise<{ total: number; runs: RunSummary[] }> {
    const key = this.#keys.syncRuns(sync);
    const [total, ids] = await Promise.all([this.#redis.zcard(key), this.#redis.zrevrange(key, offset, offset + limit - 1)]);
    const runs = (await Promise.all(ids.map((id) => this.get(id, sync)))).filter((r): r is RunSummary => r !== null);
    return { total, runs };
  }
}
