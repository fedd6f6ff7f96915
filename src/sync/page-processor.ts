import { DelayedError, type Job } from 'bullmq';
import { countRateLimitWait, countRecords } from '../metrics.ts';
import { ProviderRateLimitedError } from '../providers/errors.ts';
import { applyMapping } from '../mapping/index.ts';
import { PageJob, SYNC_QUEUE, pagePriority, pushQueueName, type PushJob, type PushRecord } from '../queues/contracts.ts';
import type { SourceRecord } from '../providers/types.ts';
import { isEcho } from './echo.ts';
import { placeOf } from './keys.ts';
import { pushScope, type PageState } from './record-links.ts';
import { sentState } from './sent-state.ts';
import { childJobId, getSync, parseJobData, type SyncContext } from './context.ts';
import type { SyncDefinition, SyncTarget } from './definition.ts';
import type { RecordErrorEntry } from './ledger.ts';
import { parseStoredObject } from './stored-json.ts';
import { onRunFinished, refreshActiveRun, reportProgress } from './run-end.ts';

/** Failed records re-read per retry page at the end of a run (the retry phase goes on page by page). */
const RETRY_IDS_PER_PAGE = 500;

/**
 * One page of a run: read it, map and validate every record for every target, drop what is unchanged since it
 * was last sent, enqueue the rest in small push batches, and only then move the run on (next page or done).
 * Job ids are derived from the run and the page, so a page retried after a crash enqueues nothing twice and the
 * ledger counts it once.
 */
export async function processPage(ctx: SyncContext, job: Job, token: string | undefined, signal?: AbortSignal): Promise<{ records: number; batches: number }> {
  const data = parseJobData(PageJob, job);
  const { runId, retryPhase, sync } = data;
  // Retries go after this run's own pushes: a record in both must not have two creates racing each other.
  const waitForPushes = retryPhase && ((await ctx.ledger.get(runId))?.pendingBatches ?? 0) > 0;
  if (waitForPushes || (await pushBacklog(ctx, sync)) > ctx.settings.maxPushBacklog) {
    // Backpressure: reading on while the targets lag only piles record bodies up in Redis.
    await job.moveToDelayed(Date.now() + 250, token);
    throw new DelayedError();
  }
  try {
    return await pullPage(ctx, job, data, signal);
  } catch (error) {
    if (!(error instanceof ProviderRateLimitedError)) throw error;
    // The source's budget is spent: park this page until it refills, holding no worker and spending no attempt.
    countRateLimitWait(error.provider, error.retryAfterMs ?? 1_000, ctx.syncs.get(sync)?.source.connection);
    await job.moveToDelayed(Date.now() + (error.retryAfterMs ?? 1_000), token);
    throw new DelayedError();
  }
}

async function pullPage(ctx: SyncContext, job: Job, data: PageJob, signal?: AbortSignal): Promise<{ records: number; batches: number }> {
  const sync = getSync(ctx, data.sync, data.definitions);
  const source = ctx.connectors.get(sync.source.connection);
  const log = ctx.logger.child({ queue: SYNC_QUEUE, jobId: job.id, provider: source.provider, sync: sync.name, runId: data.runId, page: data.page });

  const { records, next, done } = await readPage(ctx, sync, data, signal);
  const errors: RecordErrorEntry[] = [];
  const batches: Array<{ target: SyncTarget; records: PushRecord[] }> = [];
  let unchanged = 0;

  const states = await lastSent(ctx, sync, records);
  sync.targets.forEach((target, t) => {
    const sent = sentState(target.mapping);
    const changed: PushRecord[] = [];
    records.forEach((record, r) => {
      const state = states[t]?.[r];
      // A record that is only what a sync from this target wrote into it is not a change to send back.
      if (isEcho(source.provider, record.data, state?.echo)) {
        unchanged++;
        return;
      }
      const before = state?.sent ?? null;
      const result = applyMapping(target.mapping, record.data, { sourceId: record.id, previous: sent.previous(before) });
      if (!result.ok) {
        const at = new Date().toISOString();
        for (const e of result.errors) errors.push({ sourceId: record.id, target: target.connection, path: e.path, reason: e.reason, value: e.value, code: 'REJECTED', at });
        return;
      }
      const fingerprint = sent.of(result.body);
      if (fingerprint === before) {
        unchanged++;
        return;
      }
      changed.push({ sourceId: record.id, body: result.body, fingerprint });
    });
    // Batches cut from records in partition order: a push job then touches few partitions of the state (one script
    // call each, see RecordLinks), not one per record.
    const byPartition = changed.map((r) => ({ r, p: placeOf(r.sourceId).partition })).sort((a, b) => a.p - b.p).map(({ r }) => r);
    for (let i = 0; i < byPartition.length; i += ctx.settings.batchSize) batches.push({ target, records: byPartition.slice(i, i + ctx.settings.batchSize) });
  });

  // The failed records of earlier runs get one more try at the end of every normal run: all of them, a page of
  // ids at a time (a run that failed 20,000 records for a wrong setting is made good by the next one).
  const partial = data.sourceIds !== undefined || data.records !== undefined;
  const retryFrom = !done ? null : data.retryPhase ? (data.retryCursor ?? '0') : partial ? null : '0';
  const retry = retryFrom !== null && !(data.retryPhase && retryFrom === '0') ? await failedIds(ctx, sync.name, data.runId, retryFrom) : NO_RETRY;
  const retryIds = retry.ids;
  const pullDone = done && retryIds.length === 0;
  const rejected = new Set(errors.map((e) => `${e.target}\u0000${e.sourceId}`)).size;
  // The page after this one: the next of the scan, else the first retry page, else none (the pull is done).
  const nextPage: PageJob | null = !done
    ? { sync: sync.name, runId: data.runId, page: data.page + 1, cursor: next, definitions: data.definitions }
    : retryIds.length > 0
      ? { sync: sync.name, runId: data.runId, page: data.page + 1, cursor: null, sourceIds: retryIds, retryPhase: true, retryCursor: retry.cursor, definitions: data.definitions }
      : null;

  // Count first (idempotent per page), then enqueue: a crash in between re-runs this page, which counts nothing
  // twice and adds the same job ids again. The next page is recorded with the count, so that the run watchdog can
  // enqueue it again should Redis lose the add.
  const finished = await ctx.ledger.recordPage(
    data.runId, sync.name, `p${data.page}`,
    { pulled: records.length, unchanged, rejected, batches: batches.length },
    errors, pullDone, nextPage ? JSON.stringify(nextPage) : null,
  );
  if (batches.length > 0) {
    await Promise.all(
      groupByQueue(batches).map(([queueName, group]) =>
        ctx.queues.queue(queueName).addBulk(
          group.map(({ target, records: batchRecords }, i) => ({
            name: 'push',
            data: { sync: sync.name, runId: data.runId, target: target.key, records: batchRecords, confirmPolls: 0, definitions: data.definitions } satisfies PushJob,
            opts: { jobId: childJobId(data.runId, `p${data.page}.t${target.key}.b${i}`) },
          })),
        ),
      ),
    );
  }

  if (nextPage) {
    await ctx.queues.queue(SYNC_QUEUE).add('page', nextPage, { jobId: childJobId(data.runId, `p${nextPage.page}`), priority: pagePriority(nextPage.page) });
    // Refresh the active-run lock while the run is alive.
    if (!done) await refreshActiveRun(ctx, sync.name);
  }
  if (done && !partial && !data.retryPhase && source.resumeCursor) {
    // The checkpoint for the next run: every page of this one is read and its pushes are enqueued.
    const resume = source.resumeCursor(next, sync.lookbackMs ?? ctx.settings.lookbackMs);
    await ctx.redis.set(ctx.keys.cursor(sync.name), JSON.stringify(resume));
  }
  for (const target of sync.targets) {
    const count = new Set(errors.filter((e) => e.target === target.connection).map((e) => e.sourceId)).size;
    if (count > 0) countRecords(target.provider, 'rejected', count, target.connection);
  }
  // A record rejected before that now maps, for every target, to what they already hold is no longer failed.
  const open = new Set([...errors.map((e) => e.sourceId), ...batches.flatMap((b) => b.records.map((r) => r.sourceId))]);
  await ctx.ledger.clearRejected(sync.name, records.map((r) => r.id).filter((id) => !open.has(id)));
  if (finished) await onRunFinished(ctx, sync.name, data.runId);
  else await reportProgress(ctx, data.runId);
  log.debug({ records: records.length, unchanged, rejected, batches: batches.length, done }, 'page processed');
  return { records: records.length, batches: batches.length };
}

/** Push jobs waiting in the queues of this sync's target connections (another connection's backlog is not ours). */
async function pushBacklog(ctx: SyncContext, syncName: string): Promise<number> {
  const sync = ctx.syncs.get(syncName);
  if (!sync) return 0;
  const queues = [...new Set(sync.targets.map((t) => pushQueueName(t.connection)))];
  const counts = await Promise.all(queues.map((name) => ctx.queues.queue(name).getWaitingCount()));
  return counts.reduce((a, b) => a + b, 0);
}

async function readPage(ctx: SyncContext, sync: SyncDefinition, data: PageJob, signal?: AbortSignal) {
  const source = ctx.connectors.get(sync.source.connection);
  if (data.records) return { records: data.records, next: null, done: true };
  if (data.sourceIds) {
    if (!source.get) return { records: [], next: null, done: true };
    const found = await Promise.all(data.sourceIds.map((id) => source.get!(id, { signal })));
    const records = found.filter((r): r is SourceRecord => r !== null);
    // A record deleted at the source has nothing left to retry.
    const gone = data.sourceIds.filter((id) => !records.some((r) => r.id === id));
    if (gone.length > 0) await ctx.redis.hdel(ctx.keys.failed(sync.name), ...gone);
    return { records, next: null, done: true };
  }
  if (!source.listPage) throw new Error(`${source.provider} cannot be listed`);
  return source.listPage(data.cursor, { pageSize: sync.pageSize ?? ctx.settings.pageSize, signal });
}

/** Per target, each record's last sent state and what a sync from that target wrote into it (echo). */
async function lastSent(ctx: SyncContext, sync: SyncDefinition, records: SourceRecord[]): Promise<PageState[][]> {
  if (records.length === 0) return sync.targets.map(() => []);
  const ids = records.map((r) => r.id);
  return Promise.all(sync.targets.map((target) => ctx.links.pageStates(pushScope(sync, target), ids)));
}

const NO_RETRY = { ids: [] as string[], cursor: '0' };

/**
 * Up to a page of records that failed in earlier runs (this run's own failures were just tried), from an HSCAN
 * cursor; the cursor to go on from ('0' when the scan is complete). HSCAN returns every field present for the
 * whole scan, so records failing again meanwhile (now marked with this run) are neither lost nor tried twice.
 */
async function failedIds(ctx: SyncContext, sync: string, runId: string, from: string): Promise<{ ids: string[]; cursor: string }> {
  const ids: string[] = [];
  let cursor = from;
  do {
    const [next, entries] = await ctx.redis.hscan(ctx.keys.failed(sync), cursor, 'COUNT', RETRY_IDS_PER_PAGE);
    cursor = next;
    // HSCAN answers field, value, field, value...
    for (let i = 0; i + 1 < entries.length; i += 2) {
      const entry = parseStoredObject(entries[i + 1]);
      // A rejected record is retried when asked (its mapping may have been fixed), not by every run.
      if (entry?.['runId'] !== runId && entry?.['code'] !== 'REJECTED') ids.push(entries[i] ?? '');
    }
  } while (cursor !== '0' && ids.length < RETRY_IDS_PER_PAGE);
  // COUNT is a hint: a page job holds at most 1,000 ids; any beyond wait for the next run.
  return { ids: ids.slice(0, 1_000), cursor };
}

function groupByQueue(batches: Array<{ target: SyncTarget; records: PushRecord[] }>) {
  const groups = new Map<string, typeof batches>();
  for (const batch of batches) {
    const name = pushQueueName(batch.target.connection);
    groups.set(name, [...(groups.get(name) ?? []), batch]);
  }
  return [...groups.entries()];
}
