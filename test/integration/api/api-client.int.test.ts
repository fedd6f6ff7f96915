import { openApiTypes } from 'crm-bridge-openapi-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crmBridgeClient } from '../../../examples/api-client/client.ts';
import { LiveDefinitions, loadHashedDefinitions } from '../../../src/bootstrap/live-definitions.ts';
import { createLogger } from '../../../src/logger.ts';
import { EVERY_OPERATION, type Call, type OperationId, type Tour } from '../../../examples/api-client/every-route.ts';
import { auth, startHarness, TOKEN, WEBHOOK_SECRET, type Harness } from './harness.ts';

/**
 * The typed client of examples/api-client against the API as it is: the committed types are what openapi-typescript
 * makes of the served /openapi.json (`npm run api:types` rewrites them), and the client calls every operation of
 * that document over HTTP. With `npm run typecheck` checking the client against those types, a route whose schema
 * drifts fails the build.
 */
type Doc = { paths: Record<string, Record<string, { operationId?: string }>> };

let h: Harness;
let doc: Doc;
let baseUrl: string;
beforeAll(async () => {
  // `POST /v1/definitions/reload` reloads the process's live definitions; the harness makes the engine they need, so
  // the app gets a forward to them, filled in once the harness is up.
  let live: LiveDefinitions | undefined;
  const definitions = {
    status: () => live!.status(),
    reload: (reason: string) => live!.reload(reason),
  };
  h = await startHarness({ workers: true, app: { definitions } });
  const dirs = { mappingsDir: 'mappings', jobsDir: 'jobs' };
  live = new LiveDefinitions({ dirs, engine: h.engine, initial: await loadHashedDefinitions(dirs), logger: createLogger('silent'), schedule: false });
  const res = await h.app.inject({ method: 'GET', url: '/openapi.json', headers: auth() });
  expect(res.statusCode).toBe(200);
  doc = res.json();
  baseUrl = await h.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await h?.close();
});

describe('the TypeScript client of /openapi.json', () => {
  it('examples/api-client/openapi.d.ts is what openapi-typescript makes of the served document (else: npm run api:types)', async () => {
    await expect(await openApiTypes(doc)).toMatchFileSnapshot('../../../examples/api-client/openapi.d.ts');
  });

  it('calls every operation of the document over HTTP, each entry its own route, each with a 2xx answer', async () => {
    const api = crmBridgeClient({ baseUrl, token: TOKEN });
    // What each call really sent, as openapi-fetch names it: the method and the path template it was given.
    const routes = new Set<string>();
    api.use({ onRequest: ({ request, schemaPath }) => void routes.add(`${request.method} ${schemaPath}`) });

    // The sync's run must leave a failed record for the retry calls: one seeded prospect with a status the
    // mapping rejects.
    const [bad, other] = h.trata.store.all();
    h.trata.store.modify(bad!.id, { status: 'ON_HOLD' });
    const tour: Tour = { sync: 'trata-to-powerchord', connection: 'trata', record: { id: other!.id, data: { ...other } }, webhookSecret: WEBHOOK_SECRET };

    const results: Array<{ operationId: OperationId; routes: string[]; status: number }> = [];
    for (const [operationId, call] of Object.entries(EVERY_OPERATION) as Array<[OperationId, Call]>) {
      routes.clear();
      const { response } = await call(api, tour);
      results.push({ operationId, routes: [...routes], status: response.status });
    }
    expect(results.filter((r) => r.status < 200 || r.status > 299)).toEqual([]);
    expect(tour.failedSourceId).toBe(bad!.id);

    // One entry per operation of the document, and each called the route its operationId names, and only that.
    const routeOf = new Map(Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => [op.operationId, `${method.toUpperCase()} ${path}`])));
    expect(results.map((r) => r.operationId).sort()).toEqual([...routeOf.keys()].sort());
    expect(results.filter((r) => r.routes.length !== 1 || r.routes[0] !== routeOf.get(r.operationId))).toEqual([]);
  });
});
