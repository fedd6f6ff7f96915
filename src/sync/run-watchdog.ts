import { randomUUID } from 'node:crypto';
import type { JobType, Queue } from 'bullmq';
import { countRunRecovered, type RunRecoveryAction } from '../metrics.ts';
import { PageJob, RunJob, SYNC_QUEUE, pagePriority, pushQueueName } from '../queues/contracts.ts';
import { childJobId, type SyncContext } from './context.ts';
import type { SyncDefinition } from './definition.ts';
import { durably } from './durable.ts';
import type { RunProgress } from './ledger.ts';
import { abandonBatch } from './push-processor.ts';
import { onRunFinished } from './run-end.ts';

/**
 * The run watchdog: a run is a chain of jobs (run → pages → push batches) and nothing else drives it, so a job
 * Redis lost after acknowledging it (an AOF `everysec` restart after `kill -9`, a Cluster failover to a replica)
 * would leave its run PENDING for ever, holding its sync's active-run lock. Every `stallMs / 3`, one process looks at
 * each sync's recent PENDING runs that have not moved (a page recorded, a batch closed) for `stallMs`; one with no
 * job alive in any of its queues is re-driven from what its ledger recorded, or ended FAILURE with its reason.
 *
 * The hot path pays nothing for this: the ledger scripts it already runs note `touchedAt` and the next page job.
 */

/** States in which a job will still run, and so drive its run on (a paused queue keeps its jobs in `wait`). */
const ALIVE: JobType[] = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'];
const FINISHED = new Set(['completed', 'failed']);
/** Runs looked at per sync and sweep: the newest (queued runs open their ledger too), and the lock's holder. */
const RECENT_RUNS = 50;

export interface RunWatchdogOptions {
  /** A PENDING run that has not moved this long, with no job alive, is re-driven or ended. */
  stallMs: number;
  /** Enqueues a run (the engine's enqueueRun). */
  enqueueRun(sync: string, options: { trigger: 'recovery'; jobId: string; full?: boolean; sourceIds?: string[]; records?: RunJob['records'] }): Promise<string>;
}

export class RunWatchdog {
  readonly #ctx: SyncContext;
  readonly #options: RunWatchdogOptions;
  #timer: NodeJS.Timeout | undefined;
  #sweeping = false;
  #stopped = false;

  constructor(ctx: SyncContext, options: RunWatchdogOptions) {
    this.#ctx = ctx;
    this.#options = options;
  }

  get intervalMs(): number {
    return Math.max(250, Math.floor(this.#options.stallMs / 3));
  }

  start(): void {
    if (this.#timer) return;
    this.#stopped = false;
    this.#timer = setInterval(() => void this.#tick(), this.intervalMs);
    this.#timer.unref();
  }

  /** Stops sweeping; a sweep under way ends at its next run (it is not awaited: with Redis down it could hang). */
  stop(): void {
    this.#stopped = true;
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  async #tick(): Promise<void> {
    if (this.#sweeping) return;
    this.#sweeping = true;
    try {
      await this.sweep();
    } catch (error) {
      if (!this.#stopped) this.#ctx.logger.warn({ err: error }, 'run watchdog: sweep failed (tried again at the next one)');
    } finally {
      this.#sweeping = false;
    }
  }

  /**
   * One sweep, if no other process holds the sweep (the lock lapses on its own after one interval). Returns how
   * many runs it acted on.
   */
  async sweep(): Promise<number> {
    const ctx = this.#ctx;
    const token = randomUUID();
    if ((await ctx.redis.set(ctx.keys.runWatchdog(), token, 'PX', this.intervalMs, 'NX')) !== 'OK') return 0;
    let acted = 0;
    // Syncs a reload removed too: a run of one goes on with the definitions it started on, and can be lost the same way.
    for (const sync of [...ctx.syncs.values(), ...(ctx.versions?.removedSyncs() ?? [])]) {
      if (this.#stopped) break;
      acted += await this.#sweepSync(sync);
    }
    return acted;
  }

  async #sweepSync(sync: SyncDefinition): Promise<number> {
    const ctx = this.#ctx;
    const [holder, recent] = await Promise.all([ctx.redis.get(ctx.keys.activeRun(sync.name)), ctx.redis.zrevrange(ctx.keys.syncRuns(sync.name), 0, RECENT_RUNS - 1)]);
    let acted = 0;
    for (const runId of new Set([...(holder ? [holder] : []), ...recent])) {
      if (this.#stopped) break;
      const run = await ctx.ledger.progress(runId, sync.name);
      if (!run || run.status !== 'PENDING' || Date.now() - run.movedAtMs < this.#options.stallMs) continue;
      if (await this.#anyJobAlive(sync, runId)) continue;
      if (await this.#recover(sync, runId, run)) acted++;
    }
    return acted;
  }

  /**
   * Whether any job of the run would still run. The sync queue is read before the push queues: a page adds its
   * push batches before it completes, so a job moving on while we look is seen in one or the other (each queue is
   * read in one script), or it moved the run (checked again before acting).
   */
  async #anyJobAlive(sync: SyncDefinition, runId: string): Promise<boolean> {
    const prefix = childJobId(runId, '');
    const isOfRun = (id: string) => id === runId || id.startsWith(prefix);
    for (const name of [SYNC_QUEUE, ...this.#pushQueues(sync)]) {
      const ids = await this.#ctx.queues.queue(name).getRanges(ALIVE, 0, -1);
      if (ids.some(isOfRun)) return true;
    }
    return false;
  }

  /**
   * The push queues a run of `sync` may have jobs in: its targets' connections, and every other connection this
   * process knows, because a run goes on with the definitions it started on and a reload since may have moved the
   * sync to another connection (its jobs are then in the old connection's queue, which the sync no longer names).
   */
  #pushQueues(sync: SyncDefinition): Set<string> {
    return new Set([...sync.targets.map((t) => t.connection), ...this.#ctx.connectors.names()].map(pushQueueName));
  }

  /** Acts on a run nobody drives; false when it moved meanwhile (or another process got there first). */
  async #recover(sync: SyncDefinition, runId: string, run: RunProgress): Promise<boolean> {
    const ctx = this.#ctx;
    const queue = ctx.queues.queue(SYNC_QUEUE);
    // A sync a reload removed runs no more: its lost run ends, and nothing is enqueued for it (its run job would
    // find no sync to start).
    const removed = !ctx.syncs.has(sync.name);
    if (!run.pullDone) {
      const next = parsePage(run.next);
      if (next) {
        const jobId = childJobId(runId, `p${next.page}`);
        if (!(await this.#enqueueAgain(queue, sync, runId, run, { name: 'page', data: next, jobId, priority: pagePriority(next.page) }))) return false;
        return this.#report('redrive-page', sync, runId, `its page ${next.page} job was lost`, `page ${next.page} enqueued again (job ${jobId})`);
      }
      // Its start was lost (the first page, or what the run job recorded): the run job starts it again.
      const job = await queue.getJob(runId);
      const data = job && !removed ? RunJob.safeParse(job.data) : null;
      if (data?.success && (await this.#enqueueAgain(queue, sync, runId, run, { name: 'run', data: data.data, jobId: runId }))) {
        return this.#report('redrive-run', sync, runId, 'its first page job was lost', 'the run job enqueued again');
      }
      if (data?.success) return false;
      // Nothing to start it from: it read nothing and moved no cursor, so the next run reads what it would have.
      const recovery = `run-${randomUUID()}`;
      const reason = removed
        ? `Redis lost this run's start (its jobs were missing after a Redis restart or failover): nothing was read, and its sync was removed since, so no run follows it`
        : `Redis lost this run's start (its jobs were missing after a Redis restart or failover): nothing was read; recovery run ${recovery} reads what it would have`;
      if (!(await this.#end(sync, runId, run, reason, false))) return false;
      if (removed) return this.#report('failed-start', sync, runId, 'its run job and first page job', 'ended FAILURE; its sync was removed, so no recovery run');
      // The run already ended naming this recovery run: its enqueue (idempotent, by its id) is retried until Redis takes it.
      await durably(() => this.#options.enqueueRun(sync.name, { trigger: 'recovery', jobId: recovery, full: run.full }));
      return this.#report('failed-start', sync, runId, 'its run job and first page job', `ended FAILURE; recovery run ${recovery} enqueued`);
    }
    if (run.pendingBatches === 0) {
      // Every batch closed and the pull is done: only the write that ends the run was lost.
      if (!(await ctx.ledger.finalize(runId, sync.name))) return false;
      await onRunFinished(ctx, sync.name, runId);
      return this.#report('finalized', sync, runId, 'the write that ended it', 'finalized');
    }
    // A batch that failed for good but was never settled (its worker died between the two): settled now, as the
    // worker would have (its records become record-level failures, retried by the next run).
    const settled = await this.#settleFailedPushes(sync, runId);
    if (settled > 0) return this.#report('settled-pushes', sync, runId, `the settling of ${settled} failed push batch${settled === 1 ? '' : 'es'}`, 'settled');
    // Push batches were lost, and the bodies they carried with them: the run ends, and a recovery run reads those
    // records again (the diff skips what did arrive, so nothing is written twice).
    const recovery = `run-${randomUUID()}`;
    const lost = `${run.pendingBatches} push batch${run.pendingBatches === 1 ? '' : 'es'}`;
    // A run reading from the cursor: from where this one started, or (the cursor moved on since) a full scan. A run of
    // given ids or records: the same ones, from its job or (retention removed the job) what its ledger kept. Read
    // before the run ends: its end drops what the ledger kept.
    const given = run.from === null ? await this.#givenInput(sync.name, runId) : {};
    const what = `Redis lost ${lost} of this run (their jobs were missing after a Redis restart or failover; their records were not written by this run)`;
    const reason = removed
      ? `${what}, and its sync was removed since, so no recovery run sends them`
      : given === null
        ? `${what}, and what the run was given to write is gone too: send those records again`
        : `${what}: recovery run ${recovery} sends them`;
    const ended = await this.#end(sync, runId, run, reason, run.from !== null);
    if (!ended) return false;
    if (removed || given === null) return this.#report('failed-pushes', sync, runId, lost, `ended FAILURE; ${removed ? 'its sync was removed' : 'what it was given is gone'}, so no recovery run`);
    // The run already ended naming this recovery run: its enqueue (idempotent, by its id) is retried until Redis takes it.
    await durably(() => this.#options.enqueueRun(sync.name, { trigger: 'recovery', jobId: recovery, full: run.from !== null && !ended.cursorReset, ...given }));
    return this.#report('failed-pushes', sync, runId, lost, `ended FAILURE${ended.cursorReset ? '; the sync\'s cursor put back to where the run started' : ''}; recovery run ${recovery} enqueued`);
  }

  /** The ids or records a run that moves no cursor was given: from its run job, else from its ledger; null if neither. */
  async #givenInput(sync: string, runId: string): Promise<{ sourceIds?: string[]; records?: NonNullable<RunJob['records']> } | null> {
    const job = RunJob.safeParse((await this.#ctx.queues.queue(SYNC_QUEUE).getJob(runId))?.data);
    const given = job.success ? job.data : parsePage(await this.#ctx.ledger.input(runId, sync));
    if (!given) return null;
    return { ...(given.sourceIds ? { sourceIds: given.sourceIds } : {}), ...(given.records ? { records: given.records } : {}) };
  }

  /** Settles the run's push jobs that failed for good without being settled; returns how many. */
  async #settleFailedPushes(sync: SyncDefinition, runId: string): Promise<number> {
    const prefix = childJobId(runId, '');
    let settled = 0;
    for (const name of this.#pushQueues(sync)) {
      const queue = this.#ctx.queues.queue(name);
      for (const id of (await queue.getRanges(['failed'], 0, -1)).filter((id) => id.startsWith(prefix))) {
        if (await this.#ctx.ledger.batchClosed(runId, sync.name, id)) continue;
        const job = await queue.getJob(id);
        if (!job) continue;
        await abandonBatch(this.#ctx, job, job.failedReason || 'the push job failed');
        settled++;
      }
    }
    return settled;
  }

  /**
   * Enqueues a lost job again under its own id. A finished job of that id (Redis kept its end, not what it did)
   * is retried; a job hash in no state is removed first (an add of an existing id is a no-op).
   */
  async #enqueueAgain(
    queue: Queue,
    sync: SyncDefinition,
    runId: string,
    seen: RunProgress,
    job: { name: 'run' | 'page'; data: RunJob | PageJob; jobId: string; priority?: number },
  ): Promise<boolean> {
    const state = await queue.getJobState(job.jobId);
    if (ALIVE.includes(state as JobType)) return false;
    // Moved while we looked (a page recorded, a batch closed): not stalled after all.
    const now = await this.#ctx.ledger.progress(runId, sync.name);
    if (!now || now.status !== 'PENDING' || now.touchedAt !== seen.touchedAt || now.next !== seen.next) return false;
    const existing = await queue.getJob(job.jobId);
    if (existing && FINISHED.has(state)) {
      await existing.retry(state as 'completed' | 'failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
      return true;
    }
    if (existing) await queue.remove(job.jobId);
    await queue.add(job.name, job.data, { jobId: job.jobId, ...(job.priority !== undefined ? { priority: job.priority } : {}) });
    return true;
  }

  /** Ends the run FAILURE (unless it moved since `seen`), then releases its sync and reports it as any run's end. */
  async #end(sync: SyncDefinition, runId: string, seen: RunProgress, reason: string, resetCursor: boolean): Promise<{ cursorReset: boolean } | null> {
    const ended = await this.#ctx.ledger.abandon(runId, sync.name, { touchedAt: seen.touchedAt, reason, resetCursor });
    if (!ended.ended) return null;
    await onRunFinished(this.#ctx, sync.name, runId);
    return { cursorReset: ended.cursorReset };
  }

  #report(action: RunRecoveryAction, sync: SyncDefinition, runId: string, lost: string, done: string): true {
    countRunRecovered(action);
    this.#ctx.logger.warn({ sync: sync.name, runId, action, lost, done, stallMs: this.#options.stallMs }, `run watchdog: run ${runId} of ${sync.name} had not moved for ${this.#options.stallMs} ms with no job left (lost: ${lost}): ${done}`);
    return true;
  }
}

/** The recorded next page job, checked (it is JSON we wrote, but maybe by an older deploy). */
function parsePage(json: string | null): PageJob | null {
  if (json === null) return null;
  try {
    const parsed = PageJob.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
