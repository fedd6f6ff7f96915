import { DelayedError, type Job } from 'bullmq';
import { RunJob, SYNC_QUEUE, type PageJob } from '../queues/contracts.ts';
import { childJobId, getSync, parseJobData, type SyncContext } from './context.ts';

/** Locks are refreshed by every page; a run silent this long is taken to be dead. */
const ACTIVE_RUN_TTL_S = 3600;

/**
 * Starts a run: opens its ledger, makes sure it is the only active run of its sync, and enqueues its first page
 * (from the saved cursor, or from the start for a full resync).
 */
export async function processRun(ctx: SyncContext, job: Job, token: string | undefined): Promise<{ runId: string }> {
  const data = parseJobData(RunJob, job);
  const sync = getSync(ctx, data.sync);
  const runId = job.id ?? '';
  await ctx.ledger.open(runId, { sync: sync.name, trigger: data.trigger, full: data.full });

  if (!(await acquireActiveRun(ctx, sync.name, runId))) {
    // Another run of this sync is under way: wait without holding a worker slot.
    await job.moveToDelayed(Date.now() + ctx.settings.activeRunRetryMs, token);
    throw new DelayedError();
  }

  const cursorJson = data.full || data.sourceIds || data.records ? null : await ctx.redis.get(ctx.keys.cursor(sync.name));
  const first: PageJob = {
    sync: sync.name,
    runId,
    page: 0,
    cursor: cursorJson ? (JSON.parse(cursorJson) as PageJob['cursor']) : null,
    ...(data.sourceIds ? { sourceIds: data.sourceIds } : {}),
    ...(data.records ? { records: data.records } : {}),
  };
  await ctx.queues.queue(SYNC_QUEUE).add('page', first, { jobId: childJobId(runId, 'p0') });
  ctx.logger.info({ sync: sync.name, runId, trigger: data.trigger, full: data.full, from: first.cursor }, 'run started');
  return { runId };
}

async function acquireActiveRun(ctx: SyncContext, sync: string, runId: string): Promise<boolean> {
  const key = ctx.keys.activeRun(sync);
  if ((await ctx.redis.set(key, runId, 'EX', ACTIVE_RUN_TTL_S, 'NX')) === 'OK') return true;
  const holder = await ctx.redis.get(key);
  if (holder === runId) return true;
  const holderRun = holder ? await ctx.ledger.get(holder) : null;
  if (holderRun && holderRun.status === 'PENDING') return false;
  // The holder finished (or vanished) without releasing: take over, atomically against other takers.
  const swapped = await ctx.redis.eval(
    "if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3]) return 1 end return 0",
    1, key, holder ?? '', runId, ACTIVE_RUN_TTL_S,
  );
  return swapped === 1;
}

/** Called by whoever finished the run. */
export async function releaseActiveRun(ctx: SyncContext, sync: string, runId: string): Promise<void> {
  await ctx.redis.eval("if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0", 1, ctx.keys.activeRun(sync), runId);
}
