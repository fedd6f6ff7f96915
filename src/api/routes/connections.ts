import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CHECK_STATUSES, checkConnection } from '../../bootstrap/connection-check.ts';
import type { ConnectionConfig } from '../../providers/types.ts';
import type { AppDeps } from '../deps.ts';
import { ApiError, ApiErrorCode } from '../errors.ts';
import { ErrorResponse } from '../schemas.ts';

const ConnectionCheckView = z.object({
  connection: z.string(),
  provider: z.string(),
  status: z.enum(CHECK_STATUSES).describe('ok, auth_refused, unreachable, wrong_url, misconfigured, rate_limited, unverified (PowerChord with a static token) or error'),
  ok: z.boolean().describe('false when the check showed the connection cannot work'),
  detail: z.string(),
  setting: z.string().nullable().describe('the environment variable(s) to fix when it failed'),
  ms: z.number(),
});
const ConnectionParams = z.strictObject({ name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a connection name') });
const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 503: ErrorResponse };
/** Each check makes one call to its provider, bounded by this. */
const CHECK_TIMEOUT_MS = 5_000;

/** "Are my credentials still good?": one cheap authenticated call per connection (src/bootstrap/connection-check.ts). */
export const connectionRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const pool = deps.engine.ctx.connectors;
  const check = (config: ConnectionConfig) => checkConnection(config, () => pool.get(config.name), CHECK_TIMEOUT_MS);

  app.get('/v1/connections', {
    schema: {
      operationId: 'checkConnections',
      summary: 'Check every configured connection',
      description: 'One cheap authenticated call per connection (a source lists one record; PowerChord, which has no read endpoint, signs in when it has credentials). Nothing is written.',
      tags: ['connections'],
      response: { 200: z.object({ connections: z.array(ConnectionCheckView) }), ...errors },
    },
  }, async () => {
    const configs = pool.names().map((name) => pool.config(name)).filter((c): c is ConnectionConfig => c !== undefined);
    return { connections: await Promise.all(configs.map(check)) };
  });

  app.get('/v1/connections/:name/check', {
    schema: {
      operationId: 'checkConnection',
      summary: 'Check one connection',
      description: 'As `GET /v1/connections`, for one connection.',
      tags: ['connections'],
      params: ConnectionParams,
      response: { 200: ConnectionCheckView, ...errors },
    },
  }, async (request) => {
    const config = pool.config(request.params.name);
    if (!config) throw new ApiError(404, ApiErrorCode.NOT_FOUND, `no connection named "${request.params.name}" is configured`, [{ field: 'params.name', message: 'unknown connection' }]);
    return check(config);
  });
};
