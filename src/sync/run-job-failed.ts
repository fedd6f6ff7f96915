import { setTimeout as sleep } from 'node:timers/promises';
import type { Queue } from 'bullmq';
import { SYNC_QUEUE } from '../queues/contracts.ts';
import type { SyncContext } from './context.ts';
import type { RunSummary } from './ledger.ts';

/**
 * A run's job (the `run` job on the sync queue, whose id is the run id) completes as soon as it has enqueued the
 * first page; the run ends later, in the ledger. So that bull-board's failed tab answers "which runs failed", a run
 * that ended FAILURE has its job moved from completed to failed with the run's reason. BullMQ has no call for
 * that (moveToFailed wants an active, locked job), so this script does what its own finishing script does to a
 * failed job: the job id from the completed set to the failed set (same finishedOn), `failedReason` on the job,
 * and a `failed` event on the queue's stream. Every key is the queue's own, under its hash tag: one slot.
 */
const MOVE_COMPLETED_TO_FAILED = `
local completed, failed, job, events = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local id, reason = ARGV[1], ARGV[2]
local finishedOn = redis.call('ZSCORE', completed, id)
if not finishedOn then return 0 end
redis.call('ZREM', completed, id)
redis.call('ZADD', failed, finishedOn, id)
redis.call('HSET', job, 'failedReason', reason)
redis.call('XADD', events, 'MAXLEN', '~', 10000, '*', 'event', 'failed', 'jobId', id, 'failedReason', reason, 'prev', 'completed')
return 1
`;

/** What the failed job says: the run's own reason, or what its counts tell. */
export function runFailureReason(run: RunSummary): string {
  if (run.reason) return `run FAILURE: ${run.reason}`;
  const { rejected, failed } = run.counts;
  return `run FAILURE: nothing written (${rejected} rejected, ${failed} failed); GET /v1/syncs/${run.sync}/errors lists them`;
}

async function moveToFailed(ctx: SyncContext, queue: Queue, jobId: string, reason: string): Promise<boolean> {
  // Our own connection to the same Redis; the keys are BullMQ's, as the queue names them.
  const moved = await ctx.redis.eval(MOVE_COMPLETED_TO_FAILED, 4, queue.keys['completed'] ?? '', queue.keys['failed'] ?? '', queue.toKey(jobId), queue.keys['events'] ?? '', jobId, reason);
  return moved === 1;
}

/**
 * Shows a run that ended FAILURE as a failed job. The run may end while its job is still finishing (a run whose
 * first page rejects everything): then this waits for the job to complete, briefly. A job already removed (or a
 * record push with no run job) is left alone.
 */
export async function showRunFailed(ctx: SyncContext, run: RunSummary, options: { tries?: number; waitMs?: number } = {}): Promise<boolean> {
  const queue = ctx.queues.queue(SYNC_QUEUE);
  const reason = runFailureReason(run);
  for (let tries = options.tries ?? 20; tries > 0; tries--) {
    if (await moveToFailed(ctx, queue, run.runId, reason)) return true;
    const state = await queue.getJobState(run.runId);
    if (state !== 'active' && state !== 'waiting' && state !== 'delayed' && state !== 'prioritized') return false;
    await sleep(options.waitMs ?? 100);
  }
  return false;
}
