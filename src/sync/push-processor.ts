import pLimit, { type LimitFunction } from 'p-limit';
import { DelayedError, RateLimitError, UnrecoverableError, type Job } from 'bullmq';
import { isProviderError, PartialCreateError, ProviderRateLimitedError, ProviderUnavailableError, ProviderValidationError } from '../providers/errors.ts';
import { providers } from '../providers/registry.ts';
import { connectionFault } from './connection-breaker.ts';
import { durably } from './durable.ts';
import type { Connector, WriteResult, WriteStatus } from '../providers/types.ts';
import { PushJob, pushQueueName, type PushRecord } from '../queues/contracts.ts';
import { getSync, parseJobData, type SyncContext } from './context.ts';
import type { SyncDefinition, SyncTarget } from './definition.ts';
import type { RecordErrorEntry } from './ledger.ts';
import { countRateLimitWait, countRecords } from '../metrics.ts';
import { onRunFinished } from './run-end.ts';
import { FORGOTTEN_PREFIX, LINKED_PREFIX, UNCOUNTED_CREATE_SUFFIX, UNSETTLED_PREFIX, type PushScope, type PushState, type SentRecord } from './record-links.ts';

/** What happened to one record in this attempt. */
type Outcome =
  | { kind: 'done'; op: 'created' | 'updated' | 'skipped'; sent?: SentRecord }
  | { kind: 'pending'; record: PushRecord }
  /** An accepted async write whose status could not be read (a refused token, an open breaker): `why` says so. */
  | { kind: 'unconfirmed'; record: PushRecord; why: string }
  | { kind: 'retry'; record: PushRecord }
  | { kind: 'failed'; error: RecordErrorEntry }
  | { kind: 'rate-limited'; retryAfterMs: number };

/** When a 429 names no wait and the provider documents none. */
const DEFAULT_RATE_LIMIT_WAIT_MS = 1_000;

/**
 * Writes one batch of records to one target. Each record is decided on its own: created or updated through the
 * crosswalk, or a record-level failure with the provider's reason. Transient failures keep only the unfinished
 * records in the job and hand the retry to BullMQ's attempts; a 429 hands it to the queue's rate limiter; an
 * async write (Propexo) parks the job, delayed, until write-status answers.
 */
export async function processPush(ctx: SyncContext, job: Job, token: string | undefined, signal?: AbortSignal, limit: LimitFunction = pLimit(1)): Promise<{ done: number }> {
  const data = parseJobData(PushJob, job);
  const sync = getSync(ctx, data.sync, data.definitions);
  const target = sync.targets.find((t) => t.key === data.target);
  if (!target) throw new UnrecoverableError(`sync ${sync.name} has no target ${data.target}`);
  const connector = ctx.connectors.get(target.connection);
  const log = ctx.logger.child({ queue: job.queueName, jobId: job.id, provider: connector.provider, sync: sync.name, runId: data.runId });
  const lastAttempt = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);

  const unfinished: PushRecord[] = [];
  const pending: PushRecord[] = [];
  const unconfirmedNow: Array<{ record: PushRecord; why: string }> = [];
  const failures: RecordErrorEntry[] = [];
  const sent: SentRecord[] = [];
  // Set from inside the limited calls below (a cast, or TypeScript would hold it to `null` after them).
  let rateLimitedMs = null as number | null;
  let done = 0;

  const states = await ctx.links.pushStates(scopeOf(sync, target), data.records.map((r) => r.sourceId));
  // The whole batch goes to the provider's limiter at once: its calls run side by side (their Redis writes then
  // coalesce, see RecordLinks) while the process never has more than its push concurrency in flight.
  const settled = await Promise.allSettled(
    data.records.map((record, i) =>
      limit(async (): Promise<Outcome> => {
        // After a 429 the rest of the batch waits for the queue's rate limit instead of knocking again.
        if (rateLimitedMs !== null) return { kind: 'retry', record };
        const outcome = await pushOne(ctx, sync, target, connector, data.runId, record, states[i] ?? NO_STATE, signal);
        if (outcome.kind === 'rate-limited') rateLimitedMs = Math.max(rateLimitedMs ?? 0, outcome.retryAfterMs);
        return outcome;
      }),
    ),
  );
  let unexpected: { error: unknown } | null = null;
  const erred: PushRecord[] = [];
  // Counted for the metrics once per job, not per record (a labelled counter hashes its labels on every call).
  let created = 0;
  let updated = 0;
  for (const [i, result] of settled.entries()) {
    if (result.status === 'rejected') {
      unexpected ??= { error: result.reason };
      erred.push(data.records[i]!);
      continue;
    }
    const outcome = result.value;
    switch (outcome.kind) {
      case 'done':
        done++;
        if (outcome.op === 'created') created++;
        else if (outcome.op === 'updated') updated++;
        if (outcome.sent) sent.push(outcome.sent);
        break;
      case 'pending':
        pending.push(outcome.record);
        break;
      case 'unconfirmed':
        unconfirmedNow.push(outcome);
        break;
      case 'retry':
        unfinished.push(outcome.record);
        break;
      case 'failed':
        failures.push(outcome.error);
        break;
      case 'rate-limited':
        unfinished.push(data.records[i]!);
        break;
    }
  }

  countRecords(connector.provider, 'created', created, target.connection);
  countRecords(connector.provider, 'updated', updated, target.connection);

  // Writes that stay unconfirmed past the deadline, or whose status could not be read, end here as failures naming
  // the write (a create's outcome is then unknown: the next run asks its status, never sends it again blindly).
  const deadline = data.confirmDeadline ?? Date.now() + ctx.settings.confirmTimeoutMs;
  if (pending.length > 0 && Date.now() >= deadline) {
    const waited = `was still PENDING after ${Math.round(ctx.settings.confirmTimeoutMs / 1000)} s`;
    for (const record of pending.splice(0)) unconfirmedNow.push({ record, why: waited });
  }
  if (lastAttempt && rateLimitedMs === null) {
    // Out of attempts, an accepted write whose status kept failing to be read (5xx, timeouts) was sent all the same:
    // it ends like one whose status was refused, not as a record never written (RETRIES_EXHAUSTED, whose next update
    // would be sent at once and could be overwritten by this one).
    for (const record of unfinished.filter((r) => r.pendingJobId)) {
      unfinished.splice(unfinished.indexOf(record), 1);
      unconfirmedNow.push({ record, why: `could not be confirmed (${record.lastError ?? 'transient errors until the last attempt'})` });
    }
  }
  if (unconfirmedNow.length > 0) {
    for (const { record, why } of unconfirmedNow) failures.push(unconfirmed(connector.provider, target, record, why));
    // An update given up on may still be applied later, after a newer one: remembered, so that the next update of
    // the record waits until it settled (see writeOne); and, if it completed a create, that the create is uncounted.
    const updates = unconfirmedNow
      .map(({ record }) => record)
      .filter((r) => r.pendingOp === 'update' && r.pendingJobId)
      .map((r) => ({ sourceId: r.sourceId, writeJobId: r.pendingJobId!, uncountedCreate: r.pendingCounts === 'created' }));
    await durably(() => ctx.links.recordUnsettledUpdates(scopeOf(sync, target), updates));
  }

  // Retried until Redis answers, step by step (see RecordLinks.markSent for the order and why).
  await ctx.links.markSent(scopeOf(sync, target), data.runId, sent);
  countRecords(connector.provider, 'failed', await ctx.ledger.recordFailures(data.runId, sync.name, failures), target.connection);

  if (unexpected) {
    // An unexpected error (Redis down, a bug) fails the attempt and BullMQ retries it, but what the batch settled
    // stays settled: only the records not finished, and the writes still to confirm, stay in the job.
    await job.updateData({ ...data, records: [...erred, ...unfinished, ...pending] });
    throw unexpected.error;
  }
  if (rateLimitedMs !== null) {
    countRateLimitWait(connector.provider, rateLimitedMs, target.connection);
    // The queue's limiter owns 429s: no attempt is spent, no worker sleeps.
    await job.updateData({ ...data, records: [...unfinished, ...pending] });
    // This connection's queue only: another connection of the provider has its own budget.
    await ctx.queues.queue(pushQueueName(target.connection)).rateLimit(rateLimitedMs);
    log.warn({ retryAfterMs: rateLimitedMs, left: unfinished.length }, 'rate limited by the provider');
    throw new RateLimitError();
  }
  if (unfinished.length > 0 && !lastAttempt) {
    await job.updateData({ ...data, records: [...unfinished, ...pending] });
    throw new Error(`${unfinished.length} of ${data.records.length} records hit a transient error: ${unfinished[0]?.lastError ?? 'unknown'}`);
  }
  if (unfinished.length > 0) {
    // Out of attempts: what is left becomes record-level failures, retried by the next run.
    const exhausted = unfinished.map((r) => failure(r.sourceId, target, r.lastError ?? 'transient errors until the last attempt', 'RETRIES_EXHAUSTED'));
    countRecords(connector.provider, 'failed', await ctx.ledger.recordFailures(data.runId, sync.name, exhausted), target.connection);
  }
  if (pending.length > 0) {
    // So that a webhook naming the write (Propexo WRITE_OPERATION_FAILURE) can wake this job at once.
    const index = ctx.redis.pipeline();
    for (const r of pending) index.set(ctx.keys.pendingWrite(r.pendingJobId ?? ''), `${job.queueName}|${job.id}`, 'EX', 86_400);
    await index.exec();
    const polls = data.confirmPolls + 1;
    await job.updateData({ ...data, records: pending, confirmDeadline: deadline, confirmPolls: polls });
    // Parked, holding no worker slot, until the next write-status poll.
    // The last poll falls on the deadline, not up to 30 s past it.
    const delay = Math.max(0, Math.min(ctx.settings.confirmPollMs * 2 ** Math.min(polls - 1, 5), 30_000, deadline - Date.now()));
    await job.moveToDelayed(Date.now() + delay, token);
    throw new DelayedError();
  }
  if (await ctx.ledger.finishBatch(data.runId, job.id ?? '')) await onRunFinished(ctx, sync.name, data.runId);
  return { done };
}

/** Settles a push job that failed for good: its unfinished records are record-level failures, the batch closes. */
export async function abandonBatch(ctx: SyncContext, job: Job, reason: string): Promise<void> {
  const parsed = PushJob.safeParse(job.data);
  if (!parsed.success) return;
  const data = parsed.data;
  const sync = ctx.versions ? ctx.versions.sync(data.sync, data.definitions) : ctx.syncs.get(data.sync);
  const target = sync?.targets.find((t) => t.key === data.target);
  if (!sync || !target) return;
  // A write the provider accepted (still to confirm) was sent: it ends like one whose status could not be read (a
  // create's outcome unknown, an update held until it settled), not as a record never written.
  const failures = data.records.map((r) => {
    const why = `${reason}${r.lastError ? ` (last error: ${r.lastError})` : ''}`;
    return r.pendingJobId ? unconfirmed(target.provider, target, r, `could not be confirmed (${why})`) : failure(r.sourceId, target, why, 'JOB_FAILED');
  });
  const updates = data.records
    .filter((r) => r.pendingOp === 'update' && r.pendingJobId)
    .map((r) => ({ sourceId: r.sourceId, writeJobId: r.pendingJobId!, uncountedCreate: r.pendingCounts === 'created' }));
  await durably(() => ctx.links.recordUnsettledUpdates(scopeOf(sync, target), updates));
  countRecords(target.provider, 'failed', await ctx.ledger.recordFailures(data.runId, sync.name, failures), target.connection);
  if (await ctx.ledger.finishBatch(data.runId, job.id ?? '')) await onRunFinished(ctx, sync.name, data.runId);
}

const NO_STATE: PushState = { sent: null, targetId: null, intent: null };

async function pushOne(
  ctx: SyncContext,
  sync: SyncDefinition,
  target: SyncTarget,
  connector: Connector,
  runId: string,
  record: PushRecord,
  state: PushState,
  signal?: AbortSignal,
): Promise<Outcome> {
  const halted = ctx.breaker.openReason(target.connection, runId);
  if (halted && !record.pendingJobId) return { kind: 'failed', error: failure(record.sourceId, target, halted, 'CONNECTION_FAILED') };
  const call: CallState = { operation: 'other', intentWritten: false, createSent: false };
  try {
    const outcome = await writeOne(ctx, sync, target, connector, runId, record, state, call, signal);
    if (outcome.kind === 'done' || outcome.kind === 'pending') ctx.breaker.succeeded(target.connection);
    return outcome;
  } catch (error) {
    const outcome = await settleError(ctx, sync, target, connector, runId, record, call, error);
    // The provider accepted this write earlier and its status could not be read now (a refused token, an open
    // breaker): it was sent, so it ends like a write still PENDING at the deadline (a create's outcome unknown, an
    // update held until it settled), not as a record that was never sent.
    if (record.pendingJobId && outcome.kind === 'failed') return { kind: 'unconfirmed', record, why: `could not be confirmed (${outcome.error.reason})` };
    return outcome;
  }
}

/** How far one record's write got: decides what an error means for its create intent. */
interface CallState {
  operation: 'create' | 'update' | 'other';
  /** The intent may be in Redis (its write was sent). */
  intentWritten: boolean;
  /** The create call was sent: from here only the provider's answer can tell whether the record exists. */
  createSent: boolean;
}

async function writeOne(
  ctx: SyncContext,
  sync: SyncDefinition,
  target: SyncTarget,
  connector: Connector,
  runId: string,
  record: PushRecord,
  { sent, targetId, intent, storedIntent }: PushState,
  call: CallState,
  signal?: AbortSignal,
): Promise<Outcome> {
  const scope = scopeOf(sync, target);
  if (record.pendingJobId) return await confirm(ctx, sync, target, connector, runId, record, signal);

  // Already written by an earlier attempt of this job (or a newer run): nothing to do.
  if (sent === record.fingerprint) return { kind: 'done', op: 'skipped' };

  if (targetId) {
    // mode: create never updates. A record a run linked without counting its create (intent `linked:`, see below)
    // is counted now, once; any other linked record was created and counted before.
    if (target.mode === 'create') return sentOutcome(record, targetId, intent?.startsWith(LINKED_PREFIX) ? 'created' : 'skipped');
    const unsettled = unsettledUpdate(intent);
    if (unsettled && connector.writeStatus) {
      // An earlier update of this record was given up on while PENDING. Sent now, this body could be overwritten
      // by that older one when the provider applies it, and nothing would tell: it waits until that write settled.
      const status = await knownWriteStatus(connector, unsettled.writeJobId, signal);
      if (status === null) {
        // The provider forgot that write, so it ended (assumed, see knownWriteStatus): it cannot land over this one.
        ctx.logger.warn({ sync: sync.name, runId, sourceId: record.sourceId, writeJobId: unsettled.writeJobId }, `${connector.provider} no longer knows write ${unsettled.writeJobId} (an earlier update this record was held on): taken as ended, the record's update is sent now`);
      } else if (status.status === 'PENDING') {
        return { kind: 'failed', error: failure(record.sourceId, target, `an earlier update of this record (${connector.provider} write ${unsettled.writeJobId}) is still PENDING: this one is sent once it settled, so that it cannot be overwritten by the older body`, 'CONFIRM_TIMEOUT', '', unsettled.writeJobId) };
      }
    }
    call.operation = 'update';
    // A run linked the record (its create answered, or a write-status or lookup found it) and did not mark it sent:
    // the update completes that create and counts as it, or not at all if this run counted it already. That run
    // may be this one (a retry, a crash) or an earlier one whose record then failed (an update refused, a breaker
    // opened): a run counts a create only with the record's "sent", which also clears `linked:`, so none counted
    // it. So does the update after one that completed a create and was given up on (no run counted that create).
    // An async update (Propexo) carries that to its confirmation.
    const counts = intent?.startsWith(LINKED_PREFIX) || unsettled?.uncountedCreate ? 'created' : intent === `counted:${runId}` ? 'none' : undefined;
    return settle(record, await connector.update!(targetId, record.body, { signal }), 'updated', counts);
  }
  if (target.mode === 'update') return { kind: 'failed', error: failure(record.sourceId, target, 'no record on the target to update (mode: update creates nothing)', 'NO_TARGET_RECORD') };

  // What a claim of the create must still find (stored form): anything else means another execution got there.
  let seenIntent = storedIntent === undefined ? intent : storedIntent;
  const forgotten = intent?.startsWith(FORGOTTEN_PREFIX) ? intent.slice(intent.lastIndexOf(':') + 1) : null;
  if (forgotten) return { kind: 'failed', error: forgottenCreate(connector.provider, target, record, forgotten) };
  const pendingCreate = intent?.startsWith('pending:') ? intent.slice(intent.lastIndexOf(':') + 1) : null;
  if (pendingCreate && connector.writeStatus) {
    // An earlier create was accepted as an async write: its status says whether the record exists. That create
    // wrote an older body, so a record that exists is linked, then sent its current body as an update.
    const status = await knownWriteStatus(connector, pendingCreate, signal);
    if (status === null) {
      // Its outcome can no longer be read, and Propexo (the one async target) has no lookup: creating now could
      // make a duplicate. Held for a human, whose retry lifts this hold (a `pending:` one it keeps for ever).
      await ctx.links.recordForgottenCreate(scope, record.sourceId, runId, pendingCreate);
      return { kind: 'failed', error: forgottenCreate(connector.provider, target, record, pendingCreate) };
    }
    if (status.status === 'PENDING') {
      return { kind: 'failed', error: failure(record.sourceId, target, `outcome unknown: ${connector.provider} write ${pendingCreate} (a create) is still PENDING; the next run asks its status again`, 'OUTCOME_UNKNOWN', '', pendingCreate) };
    }
    if (status.status === 'FAILURE') {
      await ctx.links.clearIntents(scope, [record.sourceId]);
      seenIntent = null;
    } else {
      if (!status.createdRecordId) return { kind: 'failed', error: failure(record.sourceId, target, `write ${pendingCreate} succeeded but named no record id`, 'NO_RECORD_ID') };
      const createdId = status.createdRecordId;
      await durably(() => ctx.links.linkCreated(scope, record.sourceId, createdId, runId));
      // The run that learns the create happened counts it (the run that sent it counted it as failed, outcome
      // unknown, or not at all), so the created counts of a sync's runs add up to the records it created. The
      // write is an update of a known record (confirmed by its id, held like any update if it stays PENDING);
      // mode: create sends none.
      if (target.mode === 'create') return sentOutcome(record, createdId, 'created');
      call.operation = 'update';
      return settle(record, await connector.update!(createdId, record.body, { signal }), 'updated', 'created');
    }
  }
  if (intent && !(pendingCreate && connector.writeStatus)) {
    // An earlier create may or may not have happened. Look before creating again, or, if the target cannot be
    // searched, stop and ask for a human: a duplicate is worse than a record held back.
    if (!connector.findExisting) {
      return { kind: 'failed', error: failure(record.sourceId, target, `outcome unknown: a create started by run ${intent} was interrupted, and ${connector.provider} cannot be searched to tell whether it happened. Check the target, then clear the intent by retrying the record.`, 'OUTCOME_UNKNOWN') };
    }
    const existing = await connector.findExisting(record.body, { signal });
    if (existing) {
      await durably(() => ctx.links.linkCreated(scope, record.sourceId, existing, runId));
      // Found after an interrupted create (this run's or an earlier one's, which counted it failed or not at all):
      // that create made it, and the run that learns so counts it, so a sync's created counts add up.
      if (target.mode === 'create') return sentOutcome(record, existing, 'created');
      call.operation = 'update';
      return settle(record, await connector.update!(existing, record.body, { signal }), 'updated', 'created');
    }
  }
  call.operation = 'create';
  call.intentWritten = true;
  if (!(await ctx.links.recordIntent(scope, record.sourceId, runId, seenIntent))) {
    // Another execution of this push claimed the create since this one read the record's state (a job taken over
    // after its lock lapsed while its first worker still ran it): creating as well would make a duplicate. The
    // retry reads the state again and finds the link (an update) or the other's intent.
    call.intentWritten = false;
    return { kind: 'retry', record: { ...record, lastError: 'another execution of this push was creating the record at the same time' } };
  }
  let linked = false;
  call.createSent = true;
  const created = await connector.create!(record.body, {
    signal,
    // The record exists: from here on a retry updates it, so the unknown-outcome window closes now.
    onCreated: async (newId) => {
      await durably(() => ctx.links.linkCreated(scope, record.sourceId, newId, runId));
      linked = true;
    },
  });
  // Linked at once (not only with the batch's "sent" at the end of the job): a crash before then must find the
  // record's id, not an intent it can only look up or hold for review.
  if (created.kind === 'done' && !linked) await durably(() => ctx.links.linkCreated(scope, record.sourceId, created.targetId, runId));
  if (created.kind === 'pending') await durably(() => ctx.links.recordPendingCreate(scope, record.sourceId, runId, created.jobId));
  return settle(record, created, 'created');
}

/**
 * What an error means for the record. Only an answer of the provider tells that a create did not happen; a failure
 * of our own store (Redis down mid-write) or a lost answer never clears the create intent, so a retry looks the
 * record up or holds it for review instead of creating it again.
 */
async function settleError(
  ctx: SyncContext,
  sync: SyncDefinition,
  target: SyncTarget,
  connector: Connector,
  runId: string,
  record: PushRecord,
  call: CallState,
  error: unknown,
): Promise<Outcome> {
  if (error instanceof PartialCreateError) {
    // The record exists; remember it, so the retry updates instead of creating.
    await durably(() => ctx.links.linkCreated(scopeOf(sync, target), record.sourceId, error.targetId, runId, true));
    await ctx.ledger.increment(runId, 'created');
    return { kind: 'retry', record: { ...record, lastError: error.message } };
  }
  const answeredNoCreate = isProviderError(error) && !(error instanceof ProviderUnavailableError && error.outcomeUnknown);
  if (call.intentWritten && (answeredNoCreate || !call.createSent)) {
    // Best effort: an intent left behind only costs a lookup (or a review) later, never a duplicate.
    await ctx.links.clearIntents(scopeOf(sync, target), [record.sourceId]).catch(() => undefined);
  }
  if (!isProviderError(error)) {
    if ((error as { name?: string }).name === 'ZodError') {
      return { kind: 'failed', error: failure(record.sourceId, target, `the mapped body does not fit ${connector.provider}: ${(error as Error).message}`, 'INVALID_BODY') };
    }
    throw error;
  }
  const fault = connectionFault(error, call.operation);
  if (fault) {
    const opened = ctx.breaker.failed(target.connection, runId, fault, { provider: connector.provider, message: error.message, hint: providers[connector.provider].settingHints?.[fault] });
    if (opened) {
      ctx.logger.error({ sync: sync.name, runId, connection: target.connection, fault }, opened);
      await ctx.ledger.noteReason(runId, opened);
    }
    const reason = ctx.breaker.openReason(target.connection, runId);
    if (reason) return { kind: 'failed', error: failure(record.sourceId, target, reason, 'CONNECTION_FAILED') };
  }
  if (error instanceof ProviderRateLimitedError) return { kind: 'rate-limited', retryAfterMs: error.retryAfterMs ?? DEFAULT_RATE_LIMIT_WAIT_MS };
  if (error.retryable) return { kind: 'retry', record: { ...record, lastError: error.message } };
  return { kind: 'failed', error: failure(record.sourceId, target, error.message, error.code, error.fields.join(', ')) };
}

/**
 * A synchronous write is done; an asynchronous one is confirmed later. `counts`: what the write counts as in the
 * run when that is not `op` (an update completing a create counts as the create, see PushRecord.pendingCounts).
 */
function settle(record: PushRecord, result: WriteResult, op: 'created' | 'updated', counts?: 'created' | 'none'): Outcome {
  if (result.kind === 'pending') {
    return { kind: 'pending', record: { ...record, pendingJobId: result.jobId, pendingOp: op === 'created' ? 'create' : 'update', ...(counts ? { pendingCounts: counts } : {}) } };
  }
  return countedAs(sentOutcome(record, result.targetId, op), counts);
}

/** A write's outcome counted as `counts` in its run instead of as its operation (see PushRecord.pendingCounts). */
function countedAs(outcome: Outcome, counts: 'created' | 'none' | undefined): Outcome {
  if (!counts || outcome.kind !== 'done' || !outcome.sent) return outcome;
  if (counts === 'none') return { ...outcome, sent: { ...outcome.sent, counter: null } };
  return { ...outcome, op: 'created', sent: { ...outcome.sent, counter: 'created' } };
}

function scopeOf(sync: SyncDefinition, target: SyncTarget): PushScope {
  return { sync: sync.name, targetKey: target.key, sourceConnection: sync.source.connection, targetConnection: target.connection, targetProvider: target.provider };
}

/**
 * The target holds the record's body now. What Redis must learn of it is written once for the whole batch, at
 * the end of the job (see processPush): until then a crash only costs a repeated update, never a duplicate,
 * because a created record was already linked when its create answered.
 */
function sentOutcome(record: PushRecord, targetId: string, op: 'created' | 'updated' | 'skipped'): Outcome {
  return { kind: 'done', op, sent: { sourceId: record.sourceId, targetId, fingerprint: record.fingerprint, body: record.body, counter: op === 'skipped' ? null : op } };
}

/** Polls write-status for an accepted async write. */
async function confirm(ctx: SyncContext, sync: SyncDefinition, target: SyncTarget, connector: Connector, runId: string, record: PushRecord, signal?: AbortSignal): Promise<Outcome> {
  const status = await connector.writeStatus!(record.pendingJobId!, { signal });
  const op = record.pendingOp === 'create' ? 'created' : 'updated';
  if (status.status === 'SUCCESS' || status.status === 'PARTIAL_SUCCESS') {
    // An update wrote the record we named: its id is the known one. `created_record_id` "could be related to a
    // different model than expected" (Propexo's OpenAPI: a job may spawn others), so only a create reads it.
    const known = await ctx.links.targetIdOf(scopeOf(sync, target), record.sourceId);
    const targetId = record.pendingOp === 'create' ? (status.createdRecordId ?? known) : known;
    if (!targetId) return { kind: 'failed', error: failure(record.sourceId, target, `write ${record.pendingJobId} succeeded but named no record id`, 'NO_RECORD_ID') };
    const outcome = countedAs(sentOutcome(record, targetId, op), record.pendingCounts);
    if (status.status === 'PARTIAL_SUCCESS') {
      await ctx.ledger.recordErrors(runId, sync.name, [failure(record.sourceId, target, `partial success: ${status.errors.join('; ')}`, 'PARTIAL_SUCCESS')]);
    }
    return outcome;
  }
  if (status.status === 'FAILURE') {
    // A create that failed leaves no record: its intent goes. A failed update keeps the record's intent: a
    // `linked:` one still tells the run that next sends the record that its create is uncounted.
    if (record.pendingOp === 'create') await ctx.links.clearIntents(scopeOf(sync, target), [record.sourceId]);
    return { kind: 'failed', error: failure(record.sourceId, target, `${connector.provider} write ${record.pendingJobId} failed: ${status.errors.join('; ') || 'no reason given'}`, 'WRITE_FAILED', undefined, record.pendingJobId) };
  }
  return { kind: 'pending', record };
}

/**
 * An async write still PENDING at the deadline, or whose status could not be read (`why` says which): its outcome
 * is unknown (create) or not confirmed (update).
 */
function unconfirmed(provider: string, target: SyncTarget, record: PushRecord, why: string): RecordErrorEntry {
  const write = `${provider} write ${record.pendingJobId ?? '?'}`;
  if (record.pendingOp === 'create') {
    return failure(record.sourceId, target, `outcome unknown: ${write} (a create) ${why}; the next run asks its status again (the record is not created twice)`, 'OUTCOME_UNKNOWN', '', record.pendingJobId);
  }
  return failure(record.sourceId, target, `${write} (an update) ${why}; it is sent again by the next run, once it settled`, 'CONFIRM_TIMEOUT', '', record.pendingJobId);
}

/**
 * The status of a write job we hold, or null when the provider no longer knows it: Propexo answers 400 for an unknown
 * job (the OpenAPI lists only 200 and 400) and documents nothing of how long it keeps them. *Assumed*: it forgets only
 * ended writes, so null means "no longer pending, outcome unreadable". Other errors (5xx, timeouts, 401) are thrown.
 */
async function knownWriteStatus(connector: Connector, writeJobId: string, signal: AbortSignal | undefined): Promise<WriteStatus | null> {
  try {
    return await connector.writeStatus!(writeJobId, { signal });
  } catch (error) {
    if (error instanceof ProviderValidationError && error.status === 400) return null;
    throw error;
  }
}

/** A create held because the provider forgot its accepted write (RecordLinks.recordForgottenCreate). */
function forgottenCreate(provider: string, target: SyncTarget, record: PushRecord, writeJobId: string): RecordErrorEntry {
  return failure(record.sourceId, target, `outcome unknown: ${provider} write ${writeJobId} (a create) is unknown to ${provider} now (its write-status answers 400), so whether it created the record cannot be read, and ${provider} cannot be searched for it. Check ${provider} for this record: retrying the record creates it.`, 'OUTCOME_UNKNOWN', '', writeJobId);
}

/** The write job of an update given up on while PENDING (RecordLinks.recordUnsettledUpdates), if any. */
function unsettledUpdate(intent: string | null | undefined): { writeJobId: string; uncountedCreate: boolean } | null {
  if (!intent?.startsWith(UNSETTLED_PREFIX)) return null;
  const uncountedCreate = intent.endsWith(UNCOUNTED_CREATE_SUFFIX);
  return { writeJobId: intent.slice(UNSETTLED_PREFIX.length, uncountedCreate ? -UNCOUNTED_CREATE_SUFFIX.length : undefined), uncountedCreate };
}

function failure(sourceId: string, target: SyncTarget, reason: string, code: string, path = '', writeJobId?: string): RecordErrorEntry {
  // Named by its connection (what the operator configured), not by its index in the job file.
  return { sourceId, target: target.connection, path, reason, code, at: new Date().toISOString(), ...(writeJobId ? { value: { writeJobId } } : {}) };
}
