import { DelayedError, type Job } from 'bullmq';
import { PageJob, RunJob, SYNC_QUEUE, pagePriority } from '../queues/contracts.ts';
import { childJobId, getSync, parseJobData, type SyncContext } from './context.ts';
import { acquireActiveRun } from './run-end.ts';

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
    cursor: parseCursor(cursorJson),
    ...(data.sourceIds ? { sourceIds: data.sourceIds } : {}),
    ...(data.records ? { records: data.records } : {}),
    // The run finishes on the definitions loaded now, whatever a reload swaps in meanwhile.
    ...(ctx.versions ? { definitions: ctx.versions.current.hash } : {}),
  };
  // Recorded before the add: should Redis lose the add, the run watchdog knows what to enqueue again.
  const movesCursor = !(data.sourceIds || data.records);
  await ctx.ledger.start(runId, sync.name, JSON.stringify(first), movesCursor ? JSON.stringify(first.cursor) : null);
  await ctx.queues.queue(SYNC_QUEUE).add('page', first, { jobId: childJobId(runId, 'p0'), priority: pagePriority(0) });
  ctx.logger.info({ sync: sync.name, runId, trigger: data.trigger, full: data.full, from: first.cursor, definitions: first.definitions }, 'run started');
  return { runId };
}

/** The saved cursor, checked: after a crash or an older deploy it may be anything, and then the scan starts over. */
function parseCursor(json: string | null): PageJob['cursor'] {
  if (json === null) return null;
  try {
    const parsed = PageJob.shape.cursor.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
