/**
 * One call of every operation of the API, keyed by its operationId, each reading the answer's fields a client
 * would use. Two guards keep it whole:
 * - `satisfies Record<OperationId, Call>`: when the document gains or loses an operation, `npm run typecheck`
 *   fails until this table has exactly one entry per operation;
 * - test/integration/api/api-client.int.test.ts runs the table against a live API and checks that each entry
 *   called the method and path its operationId names, with a 2xx answer.
 * Adding a route: `npm run api:types`, then one entry here.
 *
 * Entries run in the order written: later ones use what earlier ones found (a run's job id, a failed record).
 */
import { createHmac } from 'node:crypto';
import { waitForJob, type CrmBridgeClient, type operations } from './client.ts';

export type OperationId = keyof operations;

/** What the calls need to know about the API they tour; the found ones are filled in as they go. */
export interface Tour {
  /** A sync whose run ends with at least one failed record (the retry calls need one). */
  sync: string;
  /** A connection to check. */
  connection: string;
  /** A source record of the sync, for `POST /v1/records`. */
  record: { id: string; data: Record<string, unknown> };
  /** PROPEXO_WEBHOOK_SECRET, to sign the webhook delivery as Propexo does. */
  webhookSecret: string;
  /** Found: the run `startRun` started. */
  jobId?: string;
  /** Found: a failed record of that run. */
  failedSourceId?: string;
}

export type Call = (api: CrmBridgeClient, tour: Tour) => Promise<{ response: Response }>;

/** `tour.jobId` and the like once an earlier call found them; a clear error when it did not. */
function found<K extends 'jobId' | 'failedSourceId'>(tour: Tour, key: K): string {
  const value = tour[key];
  if (value === undefined) throw new Error(`no ${key}: the call that finds it failed or ran later`);
  return value;
}

const sync = (tour: Tour) => ({ params: { path: { name: tour.sync } } });

export const EVERY_OPERATION = {
  getHealth: async (api) => {
    const r = await api.GET('/healthz');
    if (r.data && r.data.ok !== true) throw new Error('/healthz is not ok');
    return r;
  },
  getReadiness: (api) => api.GET('/readyz'),
  getMetrics: (api) => api.GET('/metrics', { parseAs: 'text' }),
  listConnections: async (api, tour) => {
    const r = await api.GET('/v1/connections', { params: { query: { check: 'false' } } });
    if (r.data && !r.data.connections.some((c) => c.name === tour.connection)) throw new Error(`connection ${tour.connection} is not listed`);
    return r;
  },
  checkConnection: async (api, tour) => {
    const r = await api.GET('/v1/connections/{name}/check', { params: { path: { name: tour.connection } } });
    if (r.data && !r.data.ok) throw new Error(`connection ${tour.connection}: ${r.data.status} ${r.data.detail}`);
    return r;
  },
  listConnectionRuns: (api, tour) => api.GET('/v1/connections/{name}/runs', { params: { path: { name: tour.connection }, query: { limit: 5 } } }),
  listSyncs: async (api, tour) => {
    const r = await api.GET('/v1/syncs');
    if (r.data && !r.data.syncs.some((s) => s.name === tour.sync)) throw new Error(`sync ${tour.sync} is not listed`);
    return r;
  },
  startRun: async (api, tour) => {
    const r = await api.POST('/v1/syncs/{name}/runs', { ...sync(tour), body: { full: true } });
    if (r.data) tour.jobId = r.data.job_id;
    return r;
  },
  getJob: async (api, tour) => {
    const job = await waitForJob(api, found(tour, 'jobId'));
    const failed = job.errors.items[0];
    if (failed) tour.failedSourceId = failed.sourceId;
    // The last look-up again, for its response.
    return api.GET('/v1/jobs/{job_id}', { params: { path: { job_id: job.job_id }, query: { limit: 10 } } });
  },
  listRuns: (api, tour) => api.GET('/v1/syncs/{name}/runs', { params: { path: { name: tour.sync }, query: { limit: 5 } } }),
  // Before the retries: a rewind is refused while a run of the sync is under way.
  getCursor: (api, tour) => api.GET('/v1/syncs/{name}/cursor', sync(tour)),
  rewindCursor: async (api, tour) => {
    const r = await api.POST('/v1/syncs/{name}/cursor', { ...sync(tour), body: { to: 'start' } });
    if (r.data && r.data.reads_from !== null) throw new Error(`rewound to the start, the cursor reads from ${r.data.reads_from}`);
    return r;
  },
  listFailedRecords: async (api, tour) => {
    const r = await api.GET('/v1/syncs/{name}/errors', { params: { path: { name: tour.sync }, query: { limit: 5 } } });
    const first = r.data?.items[0];
    if (first) tour.failedSourceId = first.sourceId;
    return r;
  },
  retryFailedRecords: (api, tour) => api.POST('/v1/syncs/{name}/errors/retry', sync(tour)),
  retryRecord: (api, tour) => api.POST('/v1/syncs/{name}/errors/{source_id}/retry', { params: { path: { name: tour.sync, source_id: found(tour, 'failedSourceId') } } }),
  pushRecords: (api, tour) => api.POST('/v1/records', { body: { sync: tour.sync, records: [tour.record] } }),
  receivePropexoWebhook: (api, tour) => {
    // An integration-level event as Propexo documents it (acknowledged, starts nothing). Propexo signs the exact
    // bytes (HMAC-SHA256, hex): send those bytes, not a second serialization.
    const raw = JSON.stringify({ trigger: 'FIRST_SYNC_COMPLETE', data: { event: 'FIRST_SYNC_COMPLETE', integration_id: 'cuid_tour', vendor: 'ENTRATA', successful_job_count: 1, failed_job_count: 0, is_sync_finished: true } });
    const signature = createHmac('sha256', tour.webhookSecret).update(raw).digest('hex');
    return api.POST('/v1/webhooks/propexo', { body: JSON.parse(raw) as Record<string, unknown>, bodySerializer: () => raw, params: { header: { 'propexo-signature': signature } } });
  },
  reloadDefinitions: (api) => api.POST('/v1/definitions/reload'),
} satisfies Record<OperationId, Call>;
