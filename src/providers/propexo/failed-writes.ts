/**
 * Which writes ended in FAILURE, remembered per connector (so per process), so that when the engine retries a
 * failed record and sends the very same write again, the connector re-runs the failed job through
 * `POST /v1/admin/retry-write/{root_job_id}` instead of queueing a second write (Propexo keeps the failed job and
 * its logs; a retry-write continues them). A write counts as the same when its endpoint, target id and body are.
 *
 * Kept in memory on purpose (simple): a retry that lands on another process, or after a restart, sends a new
 * write, which is what happened before this existed. Both maps are bounded.
 */
export class FailedWrites {
  readonly #max: number;
  /** Job id → the write it carried, for the jobs this connector queued. */
  readonly #sent = new Map<string, string>();
  /** The write → the id of its last job, once that job ended in FAILURE. */
  readonly #failed = new Map<string, string>();

  constructor(max = 10_000) {
    this.#max = max;
  }

  /** A write was queued as `jobId`. */
  sent(jobId: string, write: string): void {
    bounded(this.#sent, this.#max).set(jobId, write);
  }

  /** write-status said FAILURE for `jobId`. */
  failed(jobId: string): void {
    const write = this.#sent.get(jobId);
    if (write !== undefined) bounded(this.#failed, this.#max).set(write, jobId);
  }

  /** The failed job carrying exactly this write, forgotten as it is handed out (one retry-write per failure). */
  take(write: string): string | undefined {
    const jobId = this.#failed.get(write);
    this.#failed.delete(write);
    return jobId;
  }

  /** Hands a failed job back (its retry-write could not be sent). */
  restore(write: string, jobId: string): void {
    bounded(this.#failed, this.#max).set(write, jobId);
  }
}

/** Drops the oldest entry when the map is full (Maps iterate in insertion order). */
function bounded<K, V>(map: Map<K, V>, max: number): Map<K, V> {
  if (map.size >= max) {
    const oldest = map.keys().next();
    if (!oldest.done) map.delete(oldest.value);
  }
  return map;
}
