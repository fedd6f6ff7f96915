import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { SYNC_QUEUE } from '../../queues/contracts.ts';
import type { SyncDefinition } from '../../sync/definition.ts';
import type { AppDeps } from '../deps.ts';
import { withDeadline } from '../errors.ts';
import { runView } from '../job-view.ts';
import { ErrorResponse, ErrorsPage, Paging, RunView, SyncParams, SyncView } from '../schemas.ts';
import { cursorRoutes } from './cursor.ts';
import { requireSync } from './start-work.ts';
import { DefinitionsView, definitionsView } from './definitions.ts';

const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 503: ErrorResponse };

export const syncRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const { engine } = deps;
  const deadline = deps.redisDeadlineMs ?? 800;
  await app.register(cursorRoutes, { deps });

  app.get('/v1/syncs', {
    schema: {
      summary: 'List the syncs',
      description:
        'Every loaded sync definition with its schedule, next scheduled run and last run; with `connection`, only the syncs that read from it or write to it. `definitions`: the hash of the job and mapping files in use, and the issues of files on disk that could not be reloaded.',
      tags: ['syncs'],
      querystring: z.object({ connection: z.string().min(1).max(63).optional().describe('only the syncs reading from or writing to this connection') }),
      response: { 200: z.object({ syncs: z.array(SyncView), definitions: DefinitionsView.optional() }), ...errors },
    },
  }, async (request) => {
    const { connection } = request.query;
    const queue = engine.queues.queue(SYNC_QUEUE);
    const uses = (sync: SyncDefinition) => connection === undefined || connectionsOf(sync).includes(connection);
    const syncs = await withDeadline(
      Promise.all(
        [...engine.syncs.values()].filter(uses).map(async (sync) => {
          const [scheduler, last] = await Promise.all([sync.schedule ? queue.getJobScheduler(sync.name) : null, engine.ledger.runs(sync.name, 0, 1)]);
          const next = scheduler?.next;
          const lastRun = last.runs[0];
          return { ...describe(sync), next_run_at: typeof next === 'number' ? new Date(next).toISOString() : null, last_run: lastRun ? runView(lastRun) : null };
        }),
      ),
      deadline,
    );
    return { syncs, ...(deps.definitions ? { definitions: definitionsView(deps.definitions.status()) } : {}) };
  });

  app.get('/v1/syncs/:name/runs', {
    schema: {
      summary: "A sync's runs",
      description: 'Newest first, paged; run ledgers are kept 7 days (at most 500 per sync).',
      tags: ['syncs'],
      params: SyncParams,
      querystring: Paging,
      response: { 200: z.object({ total: z.number(), offset: z.number(), limit: z.number(), items: z.array(RunView) }), ...errors },
    },
  }, async (request) => {
    const { name } = request.params;
    requireSync(deps, name, 'params.name');
    const { offset, limit } = request.query;
    const page = await withDeadline(engine.ledger.runs(name, offset, limit), deadline);
    return { total: page.total, offset, limit, items: page.runs.map(runView) };
  });

  app.get('/v1/syncs/:name/errors', {
    schema: {
      summary: "A sync's failed records",
      description:
        'Each record of the sync that is failed now (rejected by its mapping, or refused by a target) with its last error, newest first, paged. A record that later succeeds leaves the list; `POST …/errors/retry` retries exactly these. With `connection`, only those whose last error names that connection (`target`). Each run keeps its own errors (`GET /v1/jobs/{job_id}`).',
      tags: ['syncs'],
      params: SyncParams,
      querystring: Paging.extend({ connection: z.string().min(1).max(63).optional().describe('only the records whose last error is at this target connection') }),
      response: { 200: ErrorsPage, ...errors },
    },
  }, async (request) => {
    const { name } = request.params;
    requireSync(deps, name, 'params.name');
    const { offset, limit, connection } = request.query;
    if (connection === undefined) {
      const page = await withDeadline(engine.ledger.currentErrors(name, offset, limit), deadline);
      return { total: page.total, offset, limit, items: page.errors };
    }
    // A sync keeps at most 5000 failed records, all read at once anyway: filtered here, then paged.
    const all = await withDeadline(engine.ledger.currentErrors(name, 0, Number.MAX_SAFE_INTEGER), deadline);
    const matching = all.errors.filter((e) => e.target === connection);
    return { total: matching.length, offset, limit, items: matching.slice(offset, offset + limit) };
  });
};

/** The connections a sync reads from or writes to. */
function connectionsOf(sync: SyncDefinition): string[] {
  return [sync.source.connection, ...sync.targets.map((t) => t.connection)];
}

function describe(sync: SyncDefinition) {
  return {
    name: sync.name,
    enabled: sync.enabled,
    source: sync.source,
    targets: sync.targets.map((t) => ({ provider: t.provider, connection: t.connection, mapping: t.mapping.name, mode: t.mode })),
    schedule: sync.schedule === null ? null : 'every' in sync.schedule ? { every_ms: sync.schedule.every } : { cron: sync.schedule.cron, tz: sync.schedule.tz },
  };
}
