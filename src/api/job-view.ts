import type { RunSummary } from '../sync/ledger.ts';
import type { JobKind, JobView, RunView } from './schemas.ts';

/** The kind of work behind a job id: our ids name it (`records-…`), scheduled ones are BullMQ's `repeat:…`. */
export function kindOf(jobId: string, trigger: string): JobKind {
  if (jobId.startsWith('records-')) return 'records';
  if (jobId.startsWith('retry-') || trigger === 'retry') return 'retry';
  if (jobId.startsWith('webhook-') || trigger === 'webhook') return 'webhook';
  if (jobId.startsWith('repeat:') || trigger === 'schedule') return 'scheduled';
  return 'sync-run';
}

/** A run as the API shows it. Progress is derived from the ledger's counts; a finished run is 100 %. */
export function runView(run: RunSummary): RunView {
  const c = run.counts;
  const done = c.unchanged + c.created + c.updated + c.rejected + c.failed;
  const finished = run.status !== 'PENDING';
  // Until the source is read to its end the total is unknown: never claim 100 % for an unfinished run.
  const percent = finished ? 100 : c.pulled === 0 ? 0 : Math.min(99, Math.floor((done / c.pulled) * 100));
  return {
    job_id: run.runId,
    kind: kindOf(run.runId, run.trigger),
    sync: run.sync,
    status: run.status,
    progress: { done, pulled: c.pulled, pull_done: run.pullDone, percent },
    counts: { ...c, pushed: c.created + c.updated },
    reason: run.reason,
    created_at: run.createdAt,
    finished_at: run.finishedAt,
  };
}

/** A run job that no worker has opened yet: no ledger, only the queued job. */
export function queuedView(jobId: string, sync: string, trigger: string, createdAtMs: number, failedReason: string | null): RunView {
  return {
    job_id: jobId,
    kind: kindOf(jobId, trigger),
    sync,
    status: failedReason === null ? 'PENDING' : 'FAILURE',
    progress: { done: 0, pulled: 0, pull_done: false, percent: failedReason === null ? 0 : 100 },
    counts: { pulled: 0, unchanged: 0, created: 0, updated: 0, pushed: 0, rejected: 0, failed: 0 },
    reason: failedReason,
    created_at: new Date(createdAtMs).toISOString(),
    finished_at: failedReason === null ? null : new Date(createdAtMs).toISOString(),
  };
}

export type { JobView };
