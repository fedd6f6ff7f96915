import { SYNC_QUEUE } from '../queues/contracts.ts';
import { scrubText } from '../secrets.ts';
import type { SyncContext } from './context.ts';
import type { RunSummary } from './ledger.ts';

/** Record errors a run's job log lists; the rest are a page of the API or the runs page away. */
export const JOB_LOG_ERRORS = 20;
const MAX_LINE = 500;

/**
 * Writes a finished run's record errors into its job's log, so bull-board's Logs tab of the run job answers "which
 * records failed and why" without the API (the job's progress already shows the final status and counts). Only a
 * run with record errors or a reason writes anything: a clean run costs no Redis call here. Written once: a run
 * reported finished again finds its log there. A job already removed is left alone.
 */
export async function logRunErrors(ctx: SyncContext, run: RunSummary): Promise<void> {
  const { rejected, failed } = run.counts;
  if (rejected + failed === 0 && !run.reason) return;
  const queue = ctx.queues.queue(SYNC_QUEUE);
  if ((await queue.getJobLogs(run.runId, 0, 0)).count > 0) return;
  const { total, errors } = await ctx.ledger.errors(run.runId, 0, JOB_LOG_ERRORS);
  const lines = [`run ${run.status}: ${rejected} rejected, ${failed} failed${run.reason ? `; ${run.reason}` : ''}`];
  for (const e of errors) {
    const value = e.value === undefined ? '' : ` (value ${JSON.stringify(e.value)})`;
    lines.push(`${e.code ?? 'ERROR'} ${e.sourceId} → ${e.target}${e.path ? ` at ${e.path}` : ''}: ${e.reason}${value}`);
  }
  if (total > errors.length) lines.push(`… and ${total - errors.length} more: GET /v1/jobs/${run.runId}, or the runs page`);
  for (const line of lines) {
    // -1: the job is gone (removed by age or count); nothing to show it on.
    if ((await queue.addJobLog(run.runId, scrubText(line).slice(0, MAX_LINE)).catch(() => -1)) === -1) return;
  }
}
