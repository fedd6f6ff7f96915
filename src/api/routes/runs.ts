import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { AppDeps } from '../deps.ts';
import type { IdempotencyStore } from '../idempotency.ts';
import { Accepted, ErrorResponse, IdempotencyHeaders, PushRecordsBody, StartRunBody, SyncParams } from '../schemas.ts';
import { requireSync, startWork } from './start-work.ts';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 409: ErrorResponse, 503: ErrorResponse };

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
};
