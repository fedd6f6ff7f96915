/**
 * A typed client of the crm-bridge API: openapi-fetch over the types openapi-typescript generated from the API's
 * own /openapi.json (openapi.d.ts beside this file). A route, parameter or field that changes in the API changes
 * those types (`npm run api:types`), and every call below that no longer fits fails `npm run typecheck`.
 *
 *   const api = crmBridgeClient({ baseUrl: 'http://127.0.0.1:3000', token });
 *   const { data, error } = await api.POST('/v1/syncs/{name}/runs', { params: { path: { name: 'trata-to-powerchord' } } });
 */
import createClient, { type Client } from 'openapi-fetch';
import type { operations, paths } from './openapi.d.ts';

export type { operations, paths };
export type CrmBridgeClient = Client<paths>;

/** What `GET /v1/jobs/{job_id}` answers. */
export type Job = operations['getJob']['responses'][200]['content']['application/json'];

export interface CrmBridgeClientOptions {
  /** The API's origin, e.g. `http://127.0.0.1:3000` (`HOST`/`PORT` of `npm start` or `crm-bridge api`). */
  baseUrl: string;
  /** One of the API's bearer tokens (`API_TOKENS`). */
  token: string;
  /** A fetch of your own (tests, proxies). @default globalThis.fetch */
  fetch?: (input: Request) => Promise<Response>;
}

export function crmBridgeClient(options: CrmBridgeClientOptions): CrmBridgeClient {
  return createClient<paths>({
    baseUrl: options.baseUrl,
    headers: { authorization: `Bearer ${options.token}` },
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
}

/**
 * Looks a job up until its run has finished (`status` no longer `PENDING`) and answers that view: counts, status,
 * the first page of record errors. Every route that starts work answers 202 with a `job_id` at once; this is how
 * its outcome is read.
 */
export async function waitForJob(api: CrmBridgeClient, jobId: string, options: { timeoutMs?: number; intervalMs?: number } = {}): Promise<Job> {
  const deadline = Date.now() + (options.timeoutMs ?? 30_000);
  for (;;) {
    const { data, error, response } = await api.GET('/v1/jobs/{job_id}', { params: { path: { job_id: jobId } } });
    if (error) throw new Error(`GET /v1/jobs/${jobId}: ${response.status} ${error.error}: ${error.message}`);
    if (data.status !== 'PENDING') return data;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still PENDING after ${options.timeoutMs ?? 30_000} ms`);
    await new Promise((resolve) => setTimeout(resolve, options.intervalMs ?? 200));
  }
}
