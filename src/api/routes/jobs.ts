import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { SYNC_QUEUE } from '../../queues/contracts.ts';
import type { AppDeps } from '../deps.ts';
import { ApiError, ApiErrorCode, withDeadline } from '../errors.ts';
import { queuedView, runView } from '../job-view.ts';
import { ErrorResponse, JobParams, JobView, Paging } from '../schemas.ts';

export const jobRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const { engine } = deps;
  const deadline = deps.redisDeadlineMs ?? 800;

  app.get('/v1/jobs/:job_id', {
    schema: {
      summary: 'Look up a job',
      description: "Status (Propexo's vocabulary: PENDING, SUCCESS, PARTIAL_SUCCESS, FAILURE), progress, counts and record-level errors (paged with offset/limit).",
      tags: ['jobs'],
      params: JobParams,
      querystring: Paging,
      response: { 200: JobView, 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 503: ErrorResponse },
    },
  }, async (request) => {
    const { job_id: jobId } = request.params;
    const { offset, limit } = request.query;
    const view = await withDeadline(
      (async () => {
        const run = await engine.ledger.get(jobId);
        if (run) {
          const page = await engine.ledger.errors(jobId, offset, limit);
          return { ...runView(run), errors: { total: page.total, offset, limit, items: page.errors } };
        }
        // Enqueued but not opened by a worker yet (or waiting behind another run of its sync).
        // An id may name one of the queue's own keys (`wait`, `events`, `<id>:logs`): Redis answers WRONGTYPE, no job.
        const job = await engine.queues.queue(SYNC_QUEUE).getJob(jobId).catch((error: unknown) => {
          if (error instanceof Error && error.message.startsWith('WRONGTYPE')) return undefined;
          throw error;
        });
        if (!job || job.name !== 'run') return null;
        const data = job.data as { sync?: unknown; trigger?: unknown };
        const failed = (await job.isFailed()) ? (job.failedReason ?? 'the run could not start') : null;
        const queued = queuedView(jobId, String(data.sync ?? ''), String(data.trigger ?? 'api'), job.timestamp, failed);
        return { ...queued, errors: { total: 0, offset, limit, items: [] } };
      })(),
      deadline,
    );
    if (!view) throw new ApiError(404, ApiErrorCode.NOT_FOUND, `no job "${jobId}" (job ids are kept for 7 days)`, [{ field: 'params.job_id', message: 'unknown job' }]);
    return view;
  });
};
