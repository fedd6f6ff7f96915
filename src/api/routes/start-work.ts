import type { FastifyRequest } from 'fastify';
import type { AppDeps } from '../deps.ts';
import { ApiError, ApiErrorCode, withDeadline } from '../errors.ts';
import { IdempotencyStore, newJobId } from '../idempotency.ts';

export interface Started {
  jobId: string;
  replayed: boolean;
}

/**
 * Runs `start` once per Idempotency-Key (when the request has one), under a deadline so a Redis outage is a 503.
 * `start` receives the job id to enqueue under and answers the id used, or null when there was nothing to do.
 */
export async function startWork(
  deps: AppDeps,
  store: IdempotencyStore,
  request: FastifyRequest,
  kind: Parameters<typeof newJobId>[0],
  start: (jobId: string) => Promise<string | null>,
): Promise<Started> {
  const key = request.headers['idempotency-key'];
  const deadline = deps.redisDeadlineMs ?? 800;
  if (typeof key !== 'string' || key === '') {
    const jobId = await withDeadline(start(newJobId(kind)), deadline);
    if (jobId === null) throw nothingToDo();
    return { jobId, replayed: false };
  }
  const fingerprint = IdempotencyStore.fingerprint(`${request.method} ${request.routeOptions.url ?? ''} ${JSON.stringify(request.params ?? {})}`, request.body);
  const result = await withDeadline(store.run(key, fingerprint, () => newJobId(kind), start), deadline);
  if (result === null) throw nothingToDo();
  return { jobId: result.jobId, replayed: !result.created };
}

function nothingToDo(): ApiError {
  return new ApiError(409, ApiErrorCode.NOTHING_TO_RETRY, 'this sync has no failed records to retry');
}

export function requireSync(deps: AppDeps, name: string, field: string): void {
  if (!deps.engine.syncs.has(name)) {
    throw new ApiError(404, ApiErrorCode.NOT_FOUND, `no sync named "${name}" (GET /v1/syncs lists them)`, [{ field, message: 'unknown sync' }]);
  }
}
