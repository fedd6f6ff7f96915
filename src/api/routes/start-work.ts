import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../deps.ts';
import { ApiError, ApiErrorCode, UnavailableError, isRedisDown } from '../errors.ts';
import { IdempotencyStore, newJobId, type JobKind } from '../idempotency.ts';
import { SYNC_QUEUE } from '../../queues/contracts.ts';

export interface Started {
  jobId: string;
  replayed: boolean;
}

/**
 * `start` calls this right before it sends the command that makes the work happen (the enqueue). It throws once
 * the request has answered 503, so work a client was told did not start never starts later; once it has returned,
 * the request answers with the job id whatever the deadline does.
 */
export type Commit = () => void;

/**
 * Runs `start` once per Idempotency-Key (when the request has one), under a deadline, and never answers 503 for
 * work that will happen. A Redis that is paused (SIGSTOP) or slow keeps the commands already written to it and runs
 * them when it resumes, so what a request sent before its deadline still happens after the client got its answer:
 *
 * - deadline before `commit`: 503 "nothing was started", and `commit` then calls the rest off (the enqueue is never
 *   sent). The client may retry.
 * - deadline after `commit`: 202 with the job id. The enqueue is in Redis's hands and runs when Redis answers (the
 *   job may read as 503, then 404 until it does). If the enqueue then fails (the connection or a Cluster node went
 *   down before the add landed), it is sent again under the same id until Redis takes it (PromisedEnqueues).
 * - a connection failure after `commit` leaves the enqueue's outcome unknown: 503 naming the job id to look up.
 *
 * With an Idempotency-Key the job id is derived from the key and the request, so any retry (after a 503, a lost
 * answer, or a reservation another attempt cleared) names the same job, and BullMQ adds a job id only once.
 * `start` receives the job id to enqueue under and answers the id used, or null when there was nothing to do.
 */
export async function startWork(
  deps: AppDeps,
  store: IdempotencyStore,
  request: FastifyRequest,
  kind: JobKind,
  start: (jobId: string, commit: Commit) => Promise<string | null>,
): Promise<Started> {
  const header = request.headers['idempotency-key'];
  const key = typeof header === 'string' && header !== '' ? header : null;
  const fingerprint = key === null ? '' : IdempotencyStore.fingerprint(`${request.method} ${request.routeOptions.url ?? ''} ${JSON.stringify(request.params ?? {})}`, request.body);
  let jobId = key === null ? newJobId(kind) : IdempotencyStore.jobIdFor(kind, key, fingerprint);

  // An object, not a `let`: the closures below change it, and TypeScript would narrow a `let` as if they did not.
  const state: { phase: 'pending' | 'committed' | 'abandoned' | 'enqueued' } = { phase: 'pending' };
  const commit: Commit = () => {
    if (state.phase === 'abandoned') throw new UnavailableError('the request gave up waiting for Redis: nothing was started');
    state.phase = 'committed';
  };
  const run = async (id: string) => {
    jobId = id; // a reservation made before job ids were derived from the key keeps its own
    const used = await start(id, commit);
    if (used !== null) state.phase = 'enqueued';
    return used;
  };
  const work: Promise<Started | null> =
    key === null
      ? run(jobId).then((id) => (id === null ? null : { jobId: id, replayed: false }))
      : store.run(key, fingerprint, jobId, run).then((result) => result && { jobId: result.jobId, replayed: !result.created });
  // What fails after the answer was sent has no one else to tell.
  let answered = false;
  work.catch((error: unknown) => {
    if (answered && state.phase === 'abandoned') deps.logger?.info({ jobId }, 'start of work called off: its request had answered 503');
    else if (answered && state.phase === 'enqueued') deps.logger?.warn({ err: error, jobId }, 'bookkeeping failed after a job answered 202 was enqueued (the job exists)');
  });

  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'deadline'>((resolve) => {
    timer = setTimeout(() => {
      // Decided here, synchronously, so no reply that arrives in the same turn can slip a commit in after it.
      if (state.phase === 'pending') state.phase = 'abandoned';
      resolve('deadline');
    }, deps.redisDeadlineMs ?? 800);
  });
  try {
    const result = await Promise.race([work, deadline]);
    if (result === 'deadline') {
      answered = true;
      if (state.phase === 'abandoned') throw new UnavailableError('Redis did not answer in time: nothing was started, try again shortly');
      // Answered 202 before Redis answered: should the enqueue fail or never be answered, it is sent again under
      // the same job id until Redis takes it, so the 202 holds.
      const promised = jobId;
      const queue = deps.engine.queues.queue(SYNC_QUEUE);
      request.server.promisedEnqueues.watch(promised, work, {
        enqueue: () => start(promised, () => undefined),
        // A job that ran and was then removed (the queue keeps 1,000 finished jobs) left its run's ledger (its id is
        // the run's): enqueued again, the run would run twice.
        exists: async () => (await queue.getJobState(promised)) !== 'unknown' || (await deps.engine.ledger.get(promised)) !== null,
      });
      return { jobId, replayed: false };
    }
    if (result === null) throw nothingToDo();
    return result;
  } catch (error) {
    if (state.phase === 'enqueued') return { jobId, replayed: false }; // the job is in; only bookkeeping after it failed
    if (state.phase === 'committed' && isRedisDown(error) && !/enableOfflineQueue/.test(String((error as Error).message))) {
      throw new UnavailableError(`Redis failed while job ${jobId} was being enqueued, so it may or may not exist: GET /v1/jobs/${jobId} once Redis is back (retries with the same Idempotency-Key name the same job)`);
    }
    throw isRedisDown(error) ? new UnavailableError() : error;
  } finally {
    clearTimeout(timer);
  }
}

function nothingToDo(): ApiError {
  return new ApiError(409, ApiErrorCode.NOTHING_TO_RETRY, 'this sync has no failed records to retry');
}

export function requireSync(deps: AppDeps, name: string, field: string): void {
  if (!deps.engine.syncs.has(name)) {
    throw new ApiError(404, ApiErrorCode.NOT_FOUND, `no sync named "${name}" (GET /v1/syncs lists them)`, [{ field, message: 'unknown sync' }]);
  }
}
