import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DefinitionsStatus } from '../../bootstrap/live-definitions.ts';
import { formatFileIssue } from '../../errors.ts';
import type { AppDeps } from '../deps.ts';
import { ApiError, ApiErrorCode } from '../errors.ts';
import { ErrorResponse } from '../schemas.ts';

/** One problem in a job or mapping file, located as `crm-bridge check` prints it. */
export const DefinitionIssue = z.object({
  file: z.string(),
  line: z.number().int().nullable(),
  path: z.string().describe('the field inside the file; empty for the file as a whole'),
  message: z.string(),
});

/** The job and mapping files in use (`GET /v1/syncs`, the reload's answer). */
export const DefinitionsView = z.object({
  hash: z.string().describe('hash of the job and mapping files in use'),
  loaded_at: z.string().describe('when they were loaded'),
  issues: z.array(DefinitionIssue).describe('problems in the files on disk, which keep the previous definitions in use; empty when they are in use'),
});

export function definitionsView(status: DefinitionsStatus): z.infer<typeof DefinitionsView> {
  return { hash: status.hash, loaded_at: status.loadedAt, issues: status.issues };
}

const Reloaded = z.object({
  status: z.enum(['reloaded', 'unchanged']),
  previous_hash: z.string().optional().describe('the hash before this reload (when it changed)'),
  added: z.array(z.string()).describe('syncs added by this reload'),
  changed: z.array(z.string()).describe('syncs whose job file or a mapping they use changed'),
  removed: z.array(z.string()).describe('syncs removed'),
  definitions: DefinitionsView,
});

const Invalid = ErrorResponse.extend({ definitions: DefinitionsView });

export const definitionRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  app.post('/v1/definitions/reload', {
    schema: {
      summary: 'Reload the job and mapping files',
      description:
        'Re-reads `jobs/` and `mappings/` and checks them as `crm-bridge check` does. Valid files are switched in at once: new runs use them, runs in progress finish on the definitions they started with, schedules follow. Invalid files change nothing: 422 lists every issue (file, line, path) and the previous definitions stay in use. The process also reloads on its own when a file changes, and on SIGHUP.',
      tags: ['syncs'],
      response: { 200: Reloaded, 401: ErrorResponse, 404: ErrorResponse, 422: Invalid },
    },
  }, async (_request, reply) => {
    const live = deps.definitions;
    if (!live) throw new ApiError(404, ApiErrorCode.NOT_FOUND, 'this process does not load its definitions from files');
    const result = await live.reload('API');
    const definitions = definitionsView(live.status());
    if (result.status === 'invalid') {
      const n = result.issues.length;
      return reply.code(422).send({
        error: ApiErrorCode.DEFINITIONS_INVALID,
        message: `${n} issue${n === 1 ? '' : 's'} in the definition files: nothing was reloaded, the previous definitions stay in use`,
        issues: result.issues.map((issue) => ({ field: issue.line === null ? issue.file : `${issue.file}:${issue.line}`, message: formatFileIssue(issue) })),
        definitions,
      });
    }
    if (result.status === 'unchanged') return { status: result.status, added: [], changed: [], removed: [], definitions };
    return { status: result.status, previous_hash: result.previousHash, added: result.added, changed: result.changed, removed: result.removed, definitions };
  });
};
