import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { RewindSourceError, RewindTimeError, RunInProgressError, cursorState, rewindCursor, type CursorState } from '../../sync/rewind.ts';
import type { SyncDefinition } from '../../sync/definition.ts';
import type { AppDeps } from '../deps.ts';
import { ApiError, ApiErrorCode, withDeadline } from '../errors.ts';
import { ErrorResponse, SyncParams } from '../schemas.ts';
import { requireSync } from './start-work.ts';

export const CursorView = z.object({
  sync: z.string(),
  incremental: z
    .boolean()
    .describe('whether the source can be read from a time on; when false (Overplane), every run reads all of it and the diff drops what did not change'),
  reads_from: z
    .string()
    .nullable()
    .describe('the next run reads the records updated at or after this instant (ISO 8601); null: from the start (or, not incremental, everything)'),
});
export const RewindView = CursorView.extend({
  previous_reads_from: z.string().nullable().describe('where the next run would have started before the rewind'),
});

/** A time with a zone, or "start"; a time in the future is refused by the rewind itself (the server's clock). */
export const RewindBody = z.strictObject({
  to: z
    .union([z.literal('start'), z.iso.datetime({ offset: true })])
    .describe('"start", or an ISO 8601 time with a zone (`2026-11-30T22:00:00Z`, `2026-11-30T23:00:00+01:00`), not in the future'),
});

const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 503: ErrorResponse };
const view = (state: CursorState) => ({ sync: state.sync, incremental: state.incremental, reads_from: state.readsFrom });

/** The sync's cursor: where its next run reads from (GET), and moving it back (POST; src/sync/rewind.ts). */
export const cursorRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const { engine } = deps;
  const deadline = deps.redisDeadlineMs ?? 800;
  const syncOf = (name: string): SyncDefinition => {
    requireSync(deps, name, 'params.name');
    return engine.syncs.get(name) as SyncDefinition;
  };

  app.get('/v1/syncs/:name/cursor', {
    schema: {
      summary: "Where a sync's next run reads from",
      description: "The saved cursor of the sync's source, as the instant its next run reads from. A run moves it forward when its last page is read.",
      tags: ['syncs'],
      params: SyncParams,
      response: { 200: CursorView, ...errors },
    },
  }, async (request) => view(await withDeadline(cursorState(engine.ctx, syncOf(request.params.name)), deadline)));

  app.post('/v1/syncs/:name/cursor', {
    schema: {
      summary: "Rewind a sync's cursor",
      description:
        'Moves the cursor back, so the next run re-reads the source from `to` (or from the start): records updated since then are read again, and only those whose mapped body differs from what the target last got are written (the diff). Refused with 409 `RUN_IN_PROGRESS` while a run of the sync is under way (its end would overwrite the cursor): rewind once it has finished. A time in the future is refused.',
      tags: ['syncs'],
      params: SyncParams,
      body: RewindBody,
      response: { 200: RewindView, 409: ErrorResponse, ...errors },
    },
  }, async (request) => {
    const sync = syncOf(request.params.name);
    try {
      const result = await withDeadline(rewindCursor(engine.ctx, sync, request.body.to), deadline);
      return { ...view(result), previous_reads_from: result.previousReadsFrom };
    } catch (error) {
      if (error instanceof RunInProgressError) throw new ApiError(409, ApiErrorCode.RUN_IN_PROGRESS, error.message);
      if (error instanceof RewindTimeError) throw new ApiError(400, ApiErrorCode.VALIDATION, error.message, [{ field: 'body.to', message: error.message }]);
      if (error instanceof RewindSourceError) throw new ApiError(409, ApiErrorCode.SOURCE_NOT_CONFIGURED, error.message);
      throw error;
    }
  });
};
