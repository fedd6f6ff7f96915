import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { CHECK_STATUSES, checkConnection } from '../../bootstrap/connection-check.ts';
import type { ConnectionConfig } from '../../providers/types.ts';
import type { SyncDefinition } from '../../sync/definition.ts';
import type { AppDeps } from '../deps.ts';
import { ApiError, ApiErrorCode, withDeadline } from '../errors.ts';
import { runView } from '../job-view.ts';
import { ErrorResponse, RunView } from '../schemas.ts';

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
/** A connection's runs are merged from its syncs' ledgers (each keeps at most 500): a shallow window, newest first. */
const RunsQuery = z.strictObject({
  offset: z.coerce.number().int().min(0).max(1_000).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
const errors = { 400: ErrorResponse, 401: ErrorResponse, 404: ErrorResponse, 503: ErrorResponse };
/** Each check makes one call to its provider, bounded by this. */
const CHECK_TIMEOUT_MS = 5_000;

/** "Are my credentials still good?": one cheap authenticated call per connection (src/bootstrap/connection-check.ts). */
export const connectionRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const pool = deps.engine.ctx.connectors;
  const check = (config: ConnectionConfig) => checkConnection(config, () => pool.get(config.name), CHECK_TIMEOUT_MS);
  const uses = (sync: SyncDefinition, connection: string) => [sync.source.connection, ...sync.targets.map((t) => t.connection)].includes(connection);
  const known = (name: string) => {
    const config = pool.config(name);
    if (!config) throw new ApiError(404, ApiErrorCode.NOT_FOUND, `no connection named "${name}" is configured`, [{ field: 'params.name', message: 'unknown connection' }]);
    return config;
  };

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
          syncs: syncs.filter((s) => uses(s, config.name)).map((s) => s.name),
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
  }, async (request) => check(known(request.params.name)));

  app.get('/v1/connections/:name/runs', {
    schema: {
      operationId: 'listConnectionRuns',
      summary: "A connection's runs",
      description:
        'The runs of every sync that reads from or writes to this connection, newest first, paged (`offset` up to 1000). A run reads its one source and writes to every target of its sync, so it is listed under each of them.',
      tags: ['connections'],
      params: ConnectionParams,
      querystring: RunsQuery,
      response: { 200: z.object({ total: z.number(), offset: z.number(), limit: z.number(), items: z.array(RunView) }), ...errors },
    },
  }, async (request) => {
    const { name } = request.params;
    known(name);
    const { offset, limit } = request.query;
    const syncs = [...deps.engine.syncs.values()].filter((s) => uses(s, name));
    // The newest offset + limit of each sync hold the newest offset + limit of them all.
    const pages = await withDeadline(Promise.all(syncs.map((s) => deps.engine.ledger.runs(s.name, 0, offset + limit))), deps.redisDeadlineMs ?? 800);
    const runs = pages.flatMap((p) => p.runs).sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
    return { total: pages.reduce((sum, p) => sum + p.total, 0), offset, limit, items: runs.slice(offset, offset + limit).map(runView) };
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
