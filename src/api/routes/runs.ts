import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../deps.ts';
import type { IdempotencyStore } from '../idempotency.ts';
import { Accepted, ErrorResponse, IdempotencyHeaders, PushRecordsBody, StartRunBody, SyncParams } from '../schemas.ts';
import { z } from 'zod';
import { ApiError, ApiErrorCode, withDeadline } from '../errors.ts';
import { requireSync, startWork } from './start-work.ts';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 503: ErrorResponse };

/** A record of a sync, by its id at the source (as `GET /v1/syncs/{name}/errors` lists it). */
const RecordParams = SyncParams.extend({ source_id: z.string().min(1).max(512) });

/** The routes that start work: each answers 202 with a job id at once; the outcome is read from /v1/jobs. */
export const runRoutes: FastifyPluginAsyncZod<{ deps: AppDeps; idempotency: IdempotencyStore }> = async (app, { deps, idempotency }) => {
  app.post('/v1/syncs/:name/runs', {
    schema: {
      summary: 'Start a run of a sync',
      description: 'Reads the source from the saved cursor (or from the start with `full`), maps and pushes what changed.',
      tags: ['runs'],
      params: SyncParams,
      headers: IdempotencyHeaders,
      body: StartRunBody,
      response: { 202: Accepted, ...errors },
    },
  }, async (request, reply) => {
    const { name } = request.params;
    requireSync(deps, name, 'params.name');
    const full = request.body?.full ?? false;
    const started = await startWork(deps, idempotency, request, 'run', (jobId, commit) => deps.engine.enqueueRun(name, { full, trigger: 'api', jobId, commit }));
    return reply.code(202).send({ job_id: started.jobId, data: { kind: 'sync-run', sync: name, full, replayed: started.replayed } });
  });

  app.post('/v1/records', {
    schema: {
      summary: 'Push source records through a sync now',
      description: "The records are mapped with the sync's mappings and written to its targets, without reading the source.",
      tags: ['runs'],
      headers: IdempotencyHeaders,
      body: PushRecordsBody,
      response: { 202: Accepted, ...errors },
    },
  }, async (request, reply) => {
    const { sync, records } = request.body;
    requireSync(deps, sync, 'body.sync');
    const inline = records.map((r) => ({ id: r.id, updatedAt: r.updatedAt ?? null, data: r.data }));
    const started = await startWork(deps, idempotency, request, 'records', (jobId, commit) => deps.engine.enqueueRun(sync, { records: inline, trigger: 'api', jobId, commit }));
    return reply.code(202).send({ job_id: started.jobId, data: { kind: 'records', sync, records: records.length, replayed: started.replayed } });
  });

  app.post('/v1/syncs/:name/errors/retry', {
    schema: {
      summary: "Retry a sync's failed records",
      description: 'Starts a run that re-reads the records whose last attempt failed (up to 1000). 409 when there are none.',
      tags: ['runs'],
      params: SyncParams,
      headers: IdempotencyHeaders,
      response: { 202: Accepted, ...errors },
    },
  }, async (request, reply) => {
    const { name } = request.params;
    requireSync(deps, name, 'params.name');
    const started = await startWork(deps, idempotency, request, 'retry', (jobId, commit) => deps.engine.retryFailed(name, { jobId, commit }));
    return reply.code(202).send({ job_id: started.jobId, data: { kind: 'retry', sync: name, replayed: started.replayed } });
  });

  app.post('/v1/syncs/:name/errors/:source_id/retry', {
    schema: {
      summary: 'Retry one failed record',
      description:
        'Starts a run that re-reads this record at the source, maps it again and writes it (a rejected record is retried too: its mapping or data may have been fixed). 404 when the record is not failed now.',
      tags: ['runs'],
      params: RecordParams,
      headers: IdempotencyHeaders,
      response: { 202: Accepted, ...errors },
    },
  }, async (request, reply) => {
    const { name, source_id: sourceId } = request.params;
    requireSync(deps, name, 'params.name');
    const failed = await withDeadline(deps.engine.ledger.failedNow(name, [sourceId]), deps.redisDeadlineMs ?? 800);
    if (failed.size === 0) {
      throw new ApiError(404, ApiErrorCode.NOT_FOUND, `record "${sourceId}" is not failed in sync "${name}" (GET /v1/syncs/${name}/errors lists those that are)`, [{ field: 'params.source_id', message: 'not a failed record' }]);
    }
    const started = await startWork(deps, idempotency, request, 'retry', (jobId, commit) => deps.engine.retryFailed(name, { jobId, commit, sourceIds: [sourceId] }));
    return reply.code(202).send({ job_id: started.jobId, data: { kind: 'retry', sync: name, records: 1, replayed: started.replayed } });
  });
};
