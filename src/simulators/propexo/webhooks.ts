import { createHmac } from 'node:crypto';

/**
 * Propexo webhook deliveries in the shapes Propexo documents (docs.propexo.com, "Webhook Details" pages, and the
 * OpenAPI's `webhooks`), signed as Propexo signs them, so that the API's receiver can be tested end to end.
 *
 * Documented:
 * - the `propexo-signature` header: HMAC-SHA256 of the raw body, hex ("Signed Payloads"); no timestamp is signed;
 * - DATA_NEW / DATA_UPDATE are flat: `{context, event, integration_id, job_id, job_type, meta: {integration_id,
 *   object}, object, payload | diff: {new, previous}, record_id, root_job_id, vendor}` ("Data New" example);
 * - WRITE_OPERATION_FAILURE is wrapped: `{trigger, data: {event, integration_id, vendor, root_job_id, write_status,
 *   errors}}` ("Write Operation Failure" example);
 * - SYNC_COMPLETE / FIRST_SYNC_COMPLETE: `{trigger, data: {event, integration_id, vendor, successful_job_count,
 *   failed_job_count, is_sync_finished}}` (OpenAPI), JOB_FAILURE `{trigger, data: {job_id, root_job_id,
 *   integration_id, job_type, vendor, event}}` (OpenAPI).
 *
 * *Assumed*: CRM prospects are the model `prospects` (the docs show only PMS models such as `events`, `leases`,
 * `residents`); `job_type` `READ_PROSPECTS`; `vendor` one of the CRM vendors (ELISEAI by default).
 */
export const PROPEXO_SIGNATURE_HEADER = 'propexo-signature';

/** The model name this simulator sends for CRM prospects (*assumed*). */
export const PROSPECTS_MODEL = 'prospects';

export interface Envelope {
  integration_id: string;
  vendor: string;
  job_id: string;
  root_job_id: string;
  job_type: string;
  context: Record<string, unknown>;
}

export type DataNewPayload = Envelope & {
  event: 'DATA_NEW';
  object: string;
  record_id: string;
  meta: { integration_id: string; object: string };
  payload: Record<string, unknown>;
};

export type DataUpdatePayload = Envelope & {
  event: 'DATA_UPDATE';
  object: string;
  record_id: string;
  meta: { integration_id: string; object: string };
  diff: { new: Record<string, unknown>; previous: Record<string, unknown> };
};

export interface WriteFailurePayload {
  trigger: 'WRITE_OPERATION_FAILURE';
  data: { event: 'WRITE_OPERATION_FAILURE'; integration_id: string; vendor: string; root_job_id: string; write_status: 'FAILURE' | 'PARTIAL_SUCCESS'; errors: string[] };
}

export interface SyncCompletePayload {
  trigger: 'SYNC_COMPLETE' | 'FIRST_SYNC_COMPLETE';
  data: { event: 'SYNC_COMPLETE' | 'FIRST_SYNC_COMPLETE'; integration_id: string; vendor: string; successful_job_count: number; failed_job_count: number; is_sync_finished: boolean };
}

export type PropexoWebhookPayload = DataNewPayload | DataUpdatePayload | WriteFailurePayload | SyncCompletePayload;

export interface PropexoWebhookDelivery {
  /** Exactly the bytes to POST: the signature covers them, so re-serialising would break it. */
  body: string;
  headers: { 'content-type': 'application/json'; [PROPEXO_SIGNATURE_HEADER]: string };
  payload: unknown;
}

/** HMAC-SHA256 of the raw body with the webhook secret, as hex. */
export function signPropexoBody(secret: string, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

/** Signs any payload, documented or not (tests replay the docs' examples through this). */
export function buildPropexoWebhook(secret: string, payload: unknown): PropexoWebhookDelivery {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return { body, headers: { 'content-type': 'application/json', [PROPEXO_SIGNATURE_HEADER]: signPropexoBody(secret, body) }, payload: typeof payload === 'string' ? JSON.parse(payload) : payload };
}

export interface EnvelopeOptions {
  integrationId?: string;
  vendor?: string;
  jobId?: string;
  object?: string;
}

let sequence = 0;
function envelope(options: EnvelopeOptions): Envelope {
  const jobId = options.jobId ?? `job_sim_${++sequence}`;
  return {
    integration_id: options.integrationId ?? 'integration-sim',
    vendor: options.vendor ?? 'ELISEAI',
    job_id: jobId,
    root_job_id: jobId,
    job_type: 'READ_PROSPECTS',
    context: {},
  };
}

/** DATA_NEW for a prospect: the whole new record in `payload`. */
export function prospectNewWebhook<R extends { id: string }>(secret: string, record: R, options: EnvelopeOptions = {}): PropexoWebhookDelivery {
  const base = envelope(options);
  const object = options.object ?? PROSPECTS_MODEL;
  const payload: DataNewPayload = { ...base, event: 'DATA_NEW', object, record_id: record.id, meta: { integration_id: base.integration_id, object }, payload: { ...record } };
  return buildPropexoWebhook(secret, payload);
}

/** DATA_UPDATE: only the fields that changed, before and after ("Payloads for the DATA_UPDATE event only include data that has changed"). */
export function prospectUpdateWebhook<B extends object, A extends { id: string }>(
  secret: string,
  beforeRecord: B,
  afterRecord: A,
  options: EnvelopeOptions = {},
): PropexoWebhookDelivery {
  const before = beforeRecord as Record<string, unknown>;
  const after = afterRecord as { id: string } & Record<string, unknown>;
  const diff: DataUpdatePayload['diff'] = { new: {}, previous: {} };
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) === JSON.stringify(after[key])) continue;
    if (key in after) diff.new[key] = after[key];
    if (key in before) diff.previous[key] = before[key];
  }
  const base = envelope(options);
  const object = options.object ?? PROSPECTS_MODEL;
  const payload: DataUpdatePayload = { ...base, event: 'DATA_UPDATE', object, record_id: after.id, meta: { integration_id: base.integration_id, object }, diff };
  return buildPropexoWebhook(secret, payload);
}

export function writeFailureWebhook(
  secret: string,
  rootJobId: string,
  errors: string[],
  writeStatus: 'FAILURE' | 'PARTIAL_SUCCESS' = 'FAILURE',
  options: EnvelopeOptions = {},
): PropexoWebhookDelivery {
  const payload: WriteFailurePayload = {
    trigger: 'WRITE_OPERATION_FAILURE',
    data: { event: 'WRITE_OPERATION_FAILURE', integration_id: options.integrationId ?? 'integration-sim', vendor: options.vendor ?? 'ELISEAI', root_job_id: rootJobId, write_status: writeStatus, errors },
  };
  return buildPropexoWebhook(secret, payload);
}

export function syncCompleteWebhook(secret: string, first = false, options: EnvelopeOptions = {}): PropexoWebhookDelivery {
  const event = first ? 'FIRST_SYNC_COMPLETE' : 'SYNC_COMPLETE';
  const payload: SyncCompletePayload = {
    trigger: event,
    data: { event, integration_id: options.integrationId ?? 'integration-sim', vendor: options.vendor ?? 'ELISEAI', successful_job_count: 12, failed_job_count: 0, is_sync_finished: true },
  };
  return buildPropexoWebhook(secret, payload);
}

/**
 * POSTs a delivery to a receiver and answers its status, as Propexo would (a non-2xx answer would be redelivered
 * every 15 minutes, at most 10 times: the simulator leaves redelivery to the test).
 */
export async function sendPropexoWebhook(url: string, delivery: PropexoWebhookDelivery): Promise<number> {
  const response = await fetch(url, { method: 'POST', headers: delivery.headers, body: delivery.body, signal: AbortSignal.timeout(5_000) });
  await response.arrayBuffer();
  return response.status;
}
