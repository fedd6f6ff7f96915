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
/** What a connection is, never what it authenticates with: no token, password or secret reaches this view. */
const ConnectionView = z.object({
  name: z.string(),
  provider: z.string(),
  region: z.string().nullable().describe('the region or environment its hosts belong to (PowerChord `us`/`eu`), when the provider has one'),
  hosts: z.record(z.string(), z.string()).describe('the base URLs it calls, by setting (`baseUrl`, PowerChord\'s `leadsBaseUrl`)'),
  defined_in: z.string().describe('`environment` (the `<PROVIDER>_*` variables), `sandbox` (a local simulator) or its file, `connections/<name>.yaml`'),
  rate_limit: z.object({ limit: z.number(), window_ms: z.number() }).nullable().describe('its request budget, shared by every worker'),
  push_concurrency: z.number().nullable().describe('records each process writes to it at once; null: `<PROVIDER>_PUSH_CONCURRENCY`, else PUSH_CONCURRENCY'),
  syncs: z.array(z.string()).describe('the syncs that read from it or write to it'),
  check: ConnectionCheckView.optional().describe('with `?check=true`: one cheap authenticated call'),
});
const ListQuery = z.strictObject({
  provider: z.string().optional().describe('only the connections of this provider'),
  check: z.enum(['true', 'false']).default('false').describe('also check each connection with one cheap authenticated call'),
});
const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 503: ErrorResponse };
/** Each check makes one call to its provider, bounded by this. */
const CHECK_TIMEOUT_MS = 5_000;

/** "Are my credentials still good?": one cheap authenticated call per connection (src/bootstrap/connection-check.ts). */
export const connectionRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const pool = deps.engine.ctx.connectors;
  const check = (config: ConnectionConfig) => checkConnection(config, () => pool.get(config.name), CHECK_TIMEOUT_MS);

  app.get('/v1/connections', {
    schema: {
      summary: 'List the configured connections',
      description:
        'Every connection this process knows: from the environment (one per provider, named after it), the sandbox, or `connections/*.yaml`; its provider, region, hosts, budget and the syncs that use it, never its credentials. With `check=true`, each is also checked with one cheap authenticated call (a source lists one record; PowerChord, which has no read endpoint, signs in when it has credentials). Nothing is written.',
      tags: ['connections'],
      querystring: ListQuery,
      response: { 200: z.object({ connections: z.array(ConnectionView) }), ...errors },
    },
  }, async (request) => {
    const { provider, check: withCheck } = request.query;
    const configs = pool.names().map((name) => pool.config(name)).filter((c): c is ConnectionConfig => c !== undefined && (provider === undefined || c.provider === provider));
    const syncs = [...deps.engine.syncs.values()];
    return {
      connections: await Promise.all(
        configs.map(async (config) => ({
          ...describeConnection(config),
          syncs: syncs.filter((s) => [s.source.connection, ...s.targets.map((t) => t.connection)].includes(config.name)).map((s) => s.name),
          ...(withCheck === 'true' ? { check: await check(config) } : {}),
        })),
      ),
    };
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

/** A connection's public face: where it goes, never what it authenticates with (URLs lose any user:password part). */
function describeConnection(config: ConnectionConfig) {
  const hosts: Record<string, string> = { baseUrl: withoutUserinfo(config.baseUrl) };
  for (const [key, value] of Object.entries(config.options)) if (key.endsWith('BaseUrl')) hosts[key] = withoutUserinfo(value);
  return {
    name: config.name,
    provider: config.provider,
    region: config.options['region'] ?? null,
    hosts,
    defined_in: config.definedIn ?? 'environment',
    rate_limit: config.rateLimit ? { limit: config.rateLimit.limit, window_ms: config.rateLimit.windowMs } : null,
    push_concurrency: config.pushConcurrency ?? null,
  };
}

function withoutUserinfo(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = '';
    parsed.password = '';
    return parsed.toString().replace(/\/$/, '');
  } catch {
    return '(not a URL)';
  }
}
