import type { FastifyInstance, FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { FixedWindowLimiter } from './rate-limit.ts';
import type { PropexoStore, SimProspect, StoredJob } from './store.ts';
import { CreateBody, ListQuery, RetryWriteBody, UpdateBody, documentedIssues, errorBody, parseOrderBy, type SortKey } from './validate.ts';

/** Propexo's error body: `{error: {code, message, details?}}` (see validate.ts). */
export function propexoErrorBody(status: number, message: string): unknown {
  return errorBody(status, message);
}

export interface PropexoRouteState {
  store: PropexoStore;
  limiter: FixedWindowLimiter;
  /** `current` answers writes `{job_id, data}`; `legacy` the older `{meta: {job_id}, result}`. */
  writeAnswerShape: 'current' | 'legacy';
}

const ADMIN_PREFIX = '/__sim';
/** The docs' default order of "Get all Prospects". */
const DEFAULT_ORDER: SortKey[] = [{ field: 'created_at', direction: 'desc' }];
const DEFAULT_LIMIT = 100;

function parsed<S extends z.ZodType>(reply: FastifyReply, schema: S, value: unknown): z.infer<S> | undefined {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  void reply.code(400).send(errorBody(400, 'invalid request', documentedIssues(result.error)));
  return undefined;
}

function writeAnswer(state: PropexoRouteState, job: StoredJob): unknown {
  return state.writeAnswerShape === 'legacy' ? { meta: { job_id: job.id }, result: job.body } : { job_id: job.id, data: job.body };
}

/** Timestamps compare as instants, everything else as text; a missing value sorts first. */
function compare(keys: readonly SortKey[]) {
  return (a: SimProspect, b: SimProspect): number => {
    for (const { field, direction } of keys) {
      const x = (a as unknown as Record<string, unknown>)[field];
      const y = (b as unknown as Record<string, unknown>)[field];
      let order = 0;
      if (x === y) order = 0;
      else if (x === undefined || x === null) order = -1;
      else if (y === undefined || y === null) order = 1;
      else if (field.endsWith('_at') || field === 'last_seen') order = Date.parse(String(x)) - Date.parse(String(y));
      else order = String(x) < String(y) ? -1 : String(x) > String(y) ? 1 : 0;
      if (order !== 0) return direction === 'asc' ? order : -order;
    }
    // Ties break on id so that offsets stay stable between calls (*assumed*; the docs promise no order for ties).
    return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
  };
}

/** `updated_at_gte` / `_lte` and `last_seen_gte` / `_lte` are inclusive ("at or after", "at or before"). */
function within(value: unknown, gte: string | null | undefined, lte: string | null | undefined): boolean {
  if (!gte && !lte) return true;
  const at = typeof value === 'string' ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(at)) return false;
  return (!gte || at >= Date.parse(gte)) && (!lte || at <= Date.parse(lte));
}

/** Propexo's prospect and write-admin routes, with its rate limit in front of all of them. */
export function registerPropexoRoutes(app: FastifyInstance, state: PropexoRouteState): void {
  const { store } = state;

  // Runs after the base's auth and faults: only authenticated calls spend the token's budget.
  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith(ADMIN_PREFIX)) return;
    const verdict = state.limiter.take();
    void reply.header('x-ratelimit-limit', String(verdict.limit)).header('x-ratelimit-remaining', String(verdict.remaining));
    if (verdict.verdict === 'limited') {
      return reply.code(429).send(errorBody(429, 'Rate limit exceeded; try again when the window resets'));
    }
    if (verdict.verdict === 'slow') await new Promise((resolve) => setTimeout(resolve, state.limiter.config.slowdownMs));
  });
  app.addHook('onClose', async () => store.close());

  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode ?? 500;
    void reply.code(status).send(errorBody(status, status >= 500 ? 'Internal error' : error.message));
  });

  const list = async (request: { query: unknown }, reply: FastifyReply) => {
    const query = parsed(reply, ListQuery, request.query);
    if (!query) return reply;
    const order = query['order-by'] === undefined ? DEFAULT_ORDER : parseOrderBy(query['order-by']);
    if (!order) {
      return reply.code(400).send(errorBody(400, 'invalid request', [{ code: 'custom', path: ['order-by'], message: 'Expected field[:asc|desc][,field[:asc|desc]]' }]));
    }
    const offset = query.offset ?? 0;
    const limit = query.limit ?? DEFAULT_LIMIT;
    const matching = store
      .all()
      .filter((p) => within(p.updated_at, query.updated_at_gte, query.updated_at_lte))
      .filter((p) => within(p.last_seen ?? p.updated_at, query.last_seen_gte, query.last_seen_lte))
      .filter((p) => query.integration_id === undefined || p.integration_id === query.integration_id)
      .filter((p) => query.community_id === undefined || p.community_id === query.community_id)
      .sort(compare(order));
    return {
      meta: { offset, limit, orderBy: order, hasMore: offset + limit < matching.length, total: matching.length },
      results: matching.slice(offset, offset + limit),
    };
  };
  // The docs write the list and create paths with a trailing slash (`/crm/v1/prospects/`): both are served.
  app.get('/crm/v1/prospects', list);
  app.get('/crm/v1/prospects/', list);

  app.get<{ Params: { prospect_id: string } }>('/crm/v1/prospects/:prospect_id', async (request, reply) => {
    const record = store.get(request.params.prospect_id);
    if (!record) return reply.code(404).send(errorBody(404, `Prospect ${request.params.prospect_id} not found`));
    // The envelope of Propexo's documented gets by ID ("Get a lead by ID"): `{meta, results: {...}}`. The meta's
    // values for a single record are not documented (*assumed*: the list defaults, one record, no more).
    return { meta: { offset: 0, limit: DEFAULT_LIMIT, orderBy: [], hasMore: false, total: 1 }, results: record };
  });

  const create = async (request: { body: unknown }, reply: FastifyReply) => {
    const body = parsed(reply, CreateBody, request.body);
    if (!body) return reply;
    return writeAnswer(state, store.submit({ kind: 'create', prospectId: null, body }));
  };
  app.post('/crm/v1/prospects', create);
  app.post('/crm/v1/prospects/', create);

  app.put<{ Params: { prospect_id: string } }>('/crm/v1/prospects/:prospect_id', async (request, reply) => {
    const body = parsed(reply, UpdateBody, request.body);
    if (!body) return reply;
    const id = request.params.prospect_id;
    // *Assumed*: an unknown prospect is refused at once (404) rather than ending as a FAILURE later.
    if (!store.get(id)) return reply.code(404).send(errorBody(404, `Prospect ${id} not found`));
    return writeAnswer(state, store.submit({ kind: 'update', prospectId: id, body }));
  });

  // The OpenAPI documents 200 and 400 (errorResponse) only for both admin routes: an unknown job is a 400.
  app.get<{ Params: { root_job_id: string } }>('/v1/admin/write-status/:root_job_id', async (request, reply) => {
    const job = store.job(request.params.root_job_id);
    if (!job) return reply.code(400).send(errorBody(400, `No write job ${request.params.root_job_id}`));
    return { write_status: job.status, errors: job.errors, created_record_id: job.createdRecordId };
  });

  app.post<{ Params: { root_job_id: string } }>('/v1/admin/retry-write/:root_job_id', async (request, reply) => {
    if (parsed(reply, RetryWriteBody, request.body ?? null) === undefined) return reply;
    const id = request.params.root_job_id;
    if (!store.job(id)) return reply.code(400).send(errorBody(400, `No write job ${id}`));
    const again = store.retry(id);
    // "Only failed write operations can be retried" (*assumed*: refused with the documented 400).
    if (!again) return reply.code(400).send(errorBody(400, `Only failed write operations can be retried: ${id} is ${store.job(id)?.status ?? 'unknown'}`));
    return { success: true, job_id: again.id };
  });

  registerAdminRoutes(app, state);
}

/** For tests in another process (the e2e run): the store over HTTP, outside auth, faults and the rate limit. */
function registerAdminRoutes(app: FastifyInstance, state: PropexoRouteState): void {
  const { store } = state;
  app.get(`${ADMIN_PREFIX}/propexo/prospects`, async () => store.all());
  app.get(`${ADMIN_PREFIX}/propexo/jobs`, async () => store.jobs());
  app.post<{ Body: Array<Partial<SimProspect>> }>(`${ADMIN_PREFIX}/propexo/seed`, async (request) => store.seed(request.body ?? []));
  app.post(`${ADMIN_PREFIX}/propexo/clear`, async () => (store.clear(), { ok: true }));
  app.post<{ Body: { outcome: 'SUCCESS' | 'FAILURE'; errors?: string[]; times?: number } }>(`${ADMIN_PREFIX}/propexo/next-write`, async (request) => {
    const { outcome, errors, times } = request.body;
    store.forceNextWrite(outcome === 'FAILURE' ? { status: 'FAILURE', errors: errors ?? [] } : 'SUCCESS', times ?? 1);
    return { ok: true };
  });
}
