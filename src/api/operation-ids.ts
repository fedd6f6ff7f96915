/**
 * A stable `operationId` for every route of the OpenAPI document: client generators name their methods after it,
 * so it must not change when a summary is reworded. Kept in one table so a route that drifts from the document is
 * caught in one place: test/integration/api/openapi-lint.int.test.ts fails for an operation without one. A route
 * may also set `operationId` in its own schema; that one wins.
 */
import type { SwaggerTransform } from '@fastify/swagger';

export const OPERATION_IDS: Readonly<Record<string, string>> = {
  'POST /v1/syncs/{name}/runs': 'startRun',
  'POST /v1/records': 'pushRecords',
  'POST /v1/syncs/{name}/errors/retry': 'retryFailedRecords',
  'POST /v1/syncs/{name}/errors/{source_id}/retry': 'retryRecord',
  'GET /v1/jobs/{job_id}': 'getJob',
  'GET /v1/syncs': 'listSyncs',
  'POST /v1/definitions/reload': 'reloadDefinitions',
  'GET /v1/syncs/{name}/runs': 'listRuns',
  'GET /v1/syncs/{name}/errors': 'listFailedRecords',
  'GET /v1/syncs/{name}/cursor': 'getCursor',
  'POST /v1/syncs/{name}/cursor': 'rewindCursor',
  'GET /v1/connections': 'listConnections',
  'GET /v1/connections/{name}/check': 'checkConnection',
  'GET /v1/connections/{name}/runs': 'listConnectionRuns',
  'POST /v1/webhooks/propexo': 'receivePropexoWebhook',
  'GET /healthz': 'getHealth',
  'GET /readyz': 'getReadiness',
  'GET /metrics': 'getMetrics',
};

/** Fastify's `/v1/jobs/:job_id` as OpenAPI writes it. */
const openApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** Wraps the swagger transform (zod → JSON Schema) so that every operation it emits carries its operationId. */
export function withOperationIds<S extends Parameters<SwaggerTransform>[0]['schema']>(transform: SwaggerTransform<S>): SwaggerTransform<S> {
  return (input) => {
    const out = transform(input);
    const methods = Array.isArray(input.route.method) ? input.route.method : [input.route.method];
    const method = methods.find((m) => m !== 'HEAD') ?? methods[0];
    const id = OPERATION_IDS[`${String(method)} ${openApiPath(input.url)}`];
    const schema = out.schema as { operationId?: string };
    return id === undefined || schema.operationId !== undefined ? out : { ...out, schema: { ...out.schema, operationId: id } };
  };
}
