import type { FastifyInstance, FastifyReply } from 'fastify';
import type { z } from 'zod';
import {
  PROPEXO_DEFAULT_LIMIT,
  PropexoCreateBody,
  PropexoListQuery,
  PropexoUpdateBody,
  toPropexoIssues,
  type PropexoProspect,
} from '../../providers/propexo/schema.ts';
import type { FixedWindowLimiter } from './rate-limit.ts';
import type { PropexoStore, StoredJob } from './store.ts';

const ERROR_CODES: Record<number, string> = { 400: 'invalid_request', 401: 'unauthorized', 404: 'not_found', 429: 'rate_limited' };

/** Propexo's error body: `{error: {code, message, details}}`. */
export function propexoErrorBody(status: number, message: string, details?: unknown): unknown {
  const code = ERROR_CODES[status] ?? (status >= 500 ? 'internal_error' : 'error');
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}

export interface PropexoRouteState {
  store: PropexoStore;
  limiter: FixedWindowLimiter;
  /** `current` answers writes `{job_id, data}`; `legacy` the older `{meta: {job_id}, result}`. */
  writeAnswerShape: 'current' | 'legacy';
}

const ADMIN_PREFIX = '/__sim';

function invalid<S extends z.ZodType>(reply: FastifyReply, schema: S, value: unknown): z.infer<S> | undefined {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  void reply.code(400).send(propexoErrorBody(400, 'Invalid request body', { issues: toPropexoIssues(parsed.error) }));
  return undefined;
}

function writeAnswer(state: PropexoRouteState, job: StoredJob): unknown {
  return state.writeAnswerShape === 'legacy' ? { meta: { job_id: job.id }, result: job.body } : { job_id: job.id, data: job.body };
}

function compareBy(field: 'updated_at' | 'created_at', direction: 'asc' | 'desc') {
  const sign = direction === 'asc' ? 1 : -1;
  return (a: PropexoProspect, b: PropexoProspect): number => {
    const byTime = Date.parse(a[field]) - Date.parse(b[field]);
    // Ties break on id so that offsets stay stable between calls.
    return sign * (byTime !== 0 ? byTime : a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
  };
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
      return reply.code(429).send(propexoErrorBody(429, 'Rate limit exceeded; try again when the window resets'));
    }
    if (verdict.verdict === 'slow') await new Promise((resolve) => setTimeout(resolve, state.limiter.config.slowdownMs));
  });
  app.addHook('onClose', async () => store.close());

  app.setErrorHandler((error: { statusCode?: number; message: string }, _request, reply) => {
    const status = error.statusCode ?? 500;
    void reply.code(status).send(propexoErrorBody(status, status >= 500 ? 'Internal error' : error.message));
  });

  app.get('/crm/v1/prospects', async (request, reply) => {
    const query = invalid(reply, PropexoListQuery, request.query);
    if (!query) return reply;
    const [field, direction] = (query['order-by'] ?? 'updated_at:desc').split(':') as ['updated_at' | 'created_at', 'asc' | 'desc'];
    const offset = query.offset ?? 0;
    const limit = query.limit ?? PROPEXO_DEFAULT_LIMIT;
    const sorted = store.all().sort(compareBy(field, direction));
    return {
      meta: { offset, limit, orderBy: [{ field, direction }], hasMore: offset + limit < sorted.length, total: sorted.length },
      results: sorted.slice(offset, offset + limit),
    };
  });

  app.get<{ Params: { prospect_id: string } }>('/crm/v1/prospects/:prospect_id', async (request, reply) => {
    const record = store.get(request.params.prospect_id);
    if (!record) return reply.code(404).send(propexoErrorBody(404, `Prospect ${request.params.prospect_id} not found`));
    return { result: record };
  });

  app.post('/crm/v1/prospects', async (request, reply) => {
    const body = invalid(reply, PropexoCreateBody, request.body);
    if (!body) return reply;
    return writeAnswer(state, store.submit({ kind: 'create', prospectId: null, body }));
  });

  app.put<{ Params: { prospect_id: string } }>('/crm/v1/prospects/:prospect_id', async (request, reply) => {
    const body = invalid(reply, PropexoUpdateBody, request.body);
    if (!body) return reply;
    const id = request.params.prospect_id;
    if (!store.get(id)) return reply.code(404).send(propexoErrorBody(404, `Prospect ${id} not found`));
    return writeAnswer(state, store.submit({ kind: 'update', prospectId: id, body }));
  });

  app.get<{ Params: { root_job_id: string } }>('/v1/admin/write-status/:root_job_id', async (request, reply) => {
    const job = store.job(request.params.root_job_id);
    if (!job) return reply.code(404).send(propexoErrorBody(404, `Job ${request.params.root_job_id} not found`));
    return { write_status: job.status, errors: job.errors, created_record_id: job.createdRecordId };
  });

  app.post<{ Params: { root_job_id: string } }>('/v1/admin/retry-write/:root_job_id', async (request, reply) => {
    const id = request.params.root_job_id;
    if (!store.job(id)) return reply.code(404).send(propexoErrorBody(404, `Job ${id} not found`));
    const again = store.retry(id);
    return again ? { success: true, job_id: again.id } : { success: false, job_id: id };
  });

  registerAdminRoutes(app, state);
}

/** For tests in another process (the e2e run): the store over HTTP, outside auth, faults and the rate limit. */
function registerAdminRoutes(app: FastifyInstance, state: PropexoRouteState): void {
  const { store } = state;
  app.get(`${ADMIN_PREFIX}/propexo/prospects`, async () => store.all());
  app.get(`${ADMIN_PREFIX}/propexo/jobs`, async () => store.jobs());
  app.post<{ Body: Array<Partial<PropexoProspect>> }>(`${ADMIN_PREFIX}/propexo/seed`, async (request) => store.seed(request.body ?? []));
  app.post(`${ADMIN_PREFIX}/propexo/clear`, async () => (store.clear(), { ok: true }));
  app.post<{ Body: { outcome: 'SUCCESS' | 'FAILURE'; errors?: string[]; times?: number } }>(`${ADMIN_PREFIX}/propexo/next-write`, async (request) => {
    const { outcome, errors, times } = request.body;
    store.forceNextWrite(outcome === 'FAILURE' ? { status: 'FAILURE', errors: errors ?? [] } : 'SUCCESS', times ?? 1);
    return { ok: true };
  });
}
