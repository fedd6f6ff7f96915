import { observeRun } from '../metrics.ts';
import { SYNC_QUEUE } from '../queues/contracts.ts';
import type { SyncContext } from './context.ts';
import type { RunSummary } from './ledger.ts';
import { showRunFailed } from './run-job-failed.ts';
import { logRunErrors } from './run-job-log.ts';

/**
 * Where a run ends, whoever ends it: the last page, the last push batch, or a job that failed for good. Holding
 * the active-run lock, releasing it and reporting the end all live here, so there is one definition of each.
 */

/** Locks are refreshed by every page; a run silent this long is taken to be dead. */
export const ACTIVE_RUN_TTL_S = 3600;

// KEYS: the sync's active-run key. ARGV: the run that must hold it.
const RELEASE_IF_HELD = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
// KEYS: the active-run key. ARGV: the holder seen, the new holder, the TTL.
const SWAP_IF_HELD = "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) return 1 end return 0";

/** Makes `runId` the only active run of its sync; false while another run is still under way. */
export async function acquireActiveRun(ctx: SyncContext, sync: string, runId: string): Promise<boolean> {
  const key = ctx.keys.activeRun(sync);
  if ((await ctx.redis.set(key, runId, 'EX', ACTIVE_RUN_TTL_S, 'NX')) === 'OK') return true;
  const holder = await ctx.redis.get(key);
  if (holder === runId) return true;
  const holderRun = holder ? await ctx.ledger.get(holder) : null;
  if (holderRun && holderRun.status === 'PENDING') return false;
  // The holder finished (or vanished) without releasing: take over, atomically against other takers.
  return (await ctx.redis.eval(SWAP_IF_HELD, 1, key, holder ?? '', runId, ACTIVE_RUN_TTL_S)) === 1;
}

/** Keeps the lock while the run is alive (every page calls this). */
export async function refreshActiveRun(ctx: SyncContext, sync: string): Promise<void> {
  await ctx.redis.expire(ctx.keys.activeRun(sync), ACTIVE_RUN_TTL_S);
}

/** The run reached its final status (the ledger decided it): release the sync and report. */
export async function onRunFinished(ctx: SyncContext, sync: string, runId: string): Promise<void> {
  await ctx.redis.eval(RELEASE_IF_HELD, 1, ctx.keys.activeRun(sync), runId);
  // What a run of given ids or records was given is kept only while it may have to be read again.
  await ctx.redis.del(ctx.keys.runInput(sync, runId));
  const run = await reportProgress(ctx, runId);
  if (run) observeRun(run);
  ctx.logger.info({ sync, runId, status: run?.status, counts: run?.counts, reason: run?.reason ?? undefined }, 'run finished');
  // For bull-board: a run that ended FAILURE shows as a failed job with its reason (src/sync/run-job-failed.ts),
  // and any run's record errors are in its job's log (src/sync/run-job-log.ts).
  if (run?.status === 'FAILURE') await showRunFailed(ctx, run);
  if (run) await logRunErrors(ctx, run).catch((error: unknown) => ctx.logger.warn({ sync, runId, err: error }, 'run errors not written to its job log'));
}

/** Ends a run that cannot go on (its source failed for good). */
export async function failRun(ctx: SyncContext, sync: string, runId: string, reason: string): Promise<void> {
  ctx.logger.error({ sync, runId, reason }, 'run failing: its source failed (it ends once its enqueued pushes settle)');
  // Ended now if no push of it is pending; otherwise the last push batch ends it (FAILURE) and releases the sync.
  if (await ctx.ledger.fail(runId, reason)) await onRunFinished(ctx, sync, runId);
}

/** Shows the run's counts as its job's progress, so the dashboard follows a run as it goes. */
export async function reportProgress(ctx: SyncContext, runId: string): Promise<RunSummary | null> {
  const run = await ctx.ledger.get(runId);
  const job = run ? await ctx.queues.queue(SYNC_QUEUE).getJob(runId) : undefined;
  if (run && job) await job.updateProgress({ status: run.status, ...run.counts, pendingBatches: run.pendingBatches, pullDone: run.pullDone });
  return run;
}
