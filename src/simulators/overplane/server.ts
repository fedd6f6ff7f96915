import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { startSimulator, type RunningSimulator, type SimulatorSpec } from '../server.ts';
import { OverplaneStore, type LineKind } from './store.ts';
import {
  LEAD_FIELDS,
  LEAD_RECORD_FIELDS,
  OPPORTUNITY_FIELDS,
  OverplaneSimError,
  PROSPECT_FIELDS,
  errorBody,
  intParam,
  validateBody,
  type FieldTable,
} from './validate.ts';

/** The documented base path: a connection's baseUrl is `<simulator url>/api/crm`. */
export const OVERPLANE_BASE_PATH = '/api/crm';
export const OVERPLANE_SIM_TOKEN = 'sk_test_overplane_simulator';
/** List page size: 20 by default (documented), at most 100 (assumed, Stripe's range). */
export const OVERPLANE_SIM_DEFAULT_LIMIT = 20;
export const OVERPLANE_SIM_MAX_LIMIT = 100;

export interface OverplaneSimulatorOptions {
  /** Bearer token the simulator accepts. @default OVERPLANE_SIM_TOKEN */
  token?: string;
  /** Seed of the id and fault PRNGs. @default 1 */
  seed?: number;
  /** @default 0 (a free port) */
  port?: number;
}

export type RunningOverplaneSimulator = RunningSimulator & {
  readonly store: OverplaneStore;
  /** The baseUrl a connection to this simulator uses. */
  readonly baseUrl: string;
};

const LINE_FIELDS: Readonly<Record<LineKind, FieldTable>> = { 'prospect-lead': LEAD_FIELDS, 'prospect-opportunity': OPPORTUNITY_FIELDS };
const LINE_REQUIRED: Readonly<Record<LineKind, readonly string[]>> = { 'prospect-lead': ['prospect_id', 'lead'], 'prospect-opportunity': ['prospect_id'] };

type IdRequest = FastifyRequest<{ Params: { id: string } }>;
type QueryRequest = FastifyRequest<{ Querystring: Record<string, unknown> }>;

/** Overplane's routes over `store`, on the shared simulator base (auth, call counting, faults). */
export function buildOverplaneSpec(store: OverplaneStore, options: Pick<OverplaneSimulatorOptions, 'token' | 'seed'> = {}): SimulatorSpec {
  return {
    name: 'overplane',
    token: options.token ?? OVERPLANE_SIM_TOKEN,
    seed: options.seed ?? 1,
    errorBody: (status, message) => errorBody(status, message),
    routes: (app) => registerRoutes(app, store),
  };
}

function registerRoutes(app: FastifyInstance, store: OverplaneStore): void {
  // Everything the API refuses (ours, and Fastify's own: bad JSON, wrong content type) answers the error shape.
  app.setErrorHandler((error: FastifyError | OverplaneSimError, _request, reply) => {
    if (error instanceof OverplaneSimError) return reply.code(error.status).send(errorBody(error.status, error.message, error.param));
    const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
    return reply.code(status).send(errorBody(status, status === 500 ? 'Internal error' : error.message));
  });

  const base = OVERPLANE_BASE_PATH;
  app.get(`${base}/prospect`, async (request: QueryRequest) => {
    const limit = intParam(request.query, 'limit', OVERPLANE_SIM_DEFAULT_LIMIT, 1, OVERPLANE_SIM_MAX_LIMIT);
    const offset = intParam(request.query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
    const page = store.listProspects(limit, offset);
    store.afterList?.({ offset, limit, count: page.data.length });
    return page;
  });
  app.post(`${base}/prospect`, async (request, reply) => {
    const fields = validateBody(request.body, { fields: PROSPECT_FIELDS, required: ['company'] });
    return reply.code(200).send(store.createProspect(fields));
  });
  app.get(`${base}/prospect/:id`, async (request: IdRequest) => store.getProspect(request.params.id));
  app.patch(`${base}/prospect/:id`, async (request: IdRequest) => {
    const fields = validateBody(request.body, { fields: PROSPECT_FIELDS });
    // PATCH may leave `company` out, but may not blank it.
    if (fields['company'] === '') throw new OverplaneSimError(400, 'Missing required param: company', 'company');
    return store.updateProspect(request.params.id, fields);
  });
  app.delete(`${base}/prospect/:id`, async (request: IdRequest) => store.deleteProspect(request.params.id));

  // The Lead resource ("The Lead object"): the records prospect-lead rows link to.
  app.get(`${base}/lead`, async (request: QueryRequest) => {
    const limit = intParam(request.query, 'limit', OVERPLANE_SIM_DEFAULT_LIMIT, 1, OVERPLANE_SIM_MAX_LIMIT);
    const offset = intParam(request.query, 'offset', 0, 0, Number.MAX_SAFE_INTEGER);
    return store.listLeads(limit, offset);
  });
  app.post(`${base}/lead`, async (request, reply) => reply.code(200).send(store.createLead(validateBody(request.body, { fields: LEAD_RECORD_FIELDS }))));
  app.get(`${base}/lead/:id`, async (request: IdRequest) => store.getLead(request.params.id));
  app.patch(`${base}/lead/:id`, async (request: IdRequest) => store.updateLead(request.params.id, validateBody(request.body, { fields: LEAD_RECORD_FIELDS })));
  app.delete(`${base}/lead/:id`, async (request: IdRequest) => store.deleteLead(request.params.id));

  for (const kind of ['prospect-lead', 'prospect-opportunity'] as const) {
    const fields = LINE_FIELDS[kind];
    app.get(`${base}/${kind}`, async (request: QueryRequest) => {
      const parentId = request.query['parent_id'];
      if (typeof parentId !== 'string' || parentId === '') throw new OverplaneSimError(400, 'Missing required param: parent_id', 'parent_id');
      const data = store.listLines(kind, parentId);
      return { data, has_more: false, total: data.length };
    });
    app.post(`${base}/${kind}`, async (request) => store.createLine(kind, validateBody(request.body, { fields, required: LINE_REQUIRED[kind] })));
    app.patch(`${base}/${kind}/:id`, async (request: IdRequest) => {
      const patch = validateBody(request.body, { fields, refused: ['prospect_id'] });
      if (kind === 'prospect-lead' && patch['lead'] === '') throw new OverplaneSimError(400, 'Missing required param: lead', 'lead');
      return store.updateLine(kind, request.params.id, patch);
    });
    app.delete(`${base}/${kind}/:id`, async (request: IdRequest) => store.deleteLine(kind, request.params.id));
    // Reorder: the body is not documented (assumed `{parent_id, order}`, see the connector's schema.ts).
    app.post(`${base}/${kind}/reorder`, async (request) => {
      const body = request.body as { parent_id?: unknown; order?: unknown } | null;
      if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new OverplaneSimError(400, 'The request body must be a JSON object');
      const unknown = Object.keys(body).find((key) => key !== 'parent_id' && key !== 'order');
      if (unknown !== undefined) throw new OverplaneSimError(400, `Received unknown parameter: ${unknown}`, unknown);
      if (typeof body.parent_id !== 'string' || body.parent_id === '') throw new OverplaneSimError(400, 'Missing required param: parent_id', 'parent_id');
      if (!Array.isArray(body.order) || body.order.length === 0 || !body.order.every((id) => typeof id === 'string')) {
        throw new OverplaneSimError(400, 'Invalid array for parameter order', 'order');
      }
      const data = store.reorderLines(kind, body.parent_id, body.order as string[]);
      return { data, has_more: false, total: data.length };
    });
  }
}

/** Starts an Overplane simulator on 127.0.0.1 with an empty store. */
export async function startOverplaneSimulator(options: OverplaneSimulatorOptions = {}): Promise<RunningOverplaneSimulator> {
  const store = new OverplaneStore(options.seed ?? 1);
  const sim = await startSimulator(buildOverplaneSpec(store, options), options.port ?? 0);
  return Object.assign(sim, { store, baseUrl: `${sim.url}${OVERPLANE_BASE_PATH}` });
}
