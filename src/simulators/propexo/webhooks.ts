import { createHmac } from 'node:crypto';

/**
 * Propexo webhook deliveries, built the way Propexo sends them, so the API's receiver can be tested end to end.
 * Documented: the triggers, the WRITE_OPERATION_FAILURE payload and the `propexo-signature` header (HMAC-SHA256
 * of the raw body). *Assumed*: the signature is lower-case hex, and DATA_NEW / DATA_UPDATE carry
 * `{trigger, data: {object, id, record, diff?}}` where `diff` maps a field to `{old, new}`.
 */
export const PROPEXO_SIGNATURE_HEADER = 'propexo-signature';

export type PropexoWebhookPayload =
  | { trigger: 'DATA_NEW'; data: { object: string; id: string; record: Record<string, unknown> } }
  | {
      trigger: 'DATA_UPDATE';
      data: { object: string; id: string; record: Record<string, unknown>; diff: Record<string, { old: unknown; new: unknown }> };
    }
  | { trigger: 'WRITE_OPERATION_FAILURE'; data: { root_job_id: string; write_status: 'FAILURE' | 'PARTIAL_SUCCESS'; errors: string[] } };

export interface PropexoWebhookDelivery {
  /** Exactly the bytes to POST: the signature covers them, so re-serialising would break it. */
  body: string;
  headers: { 'content-type': 'application/json'; [PROPEXO_SIGNATURE_HEADER]: string };
  payload: PropexoWebhookPayload;
}

/** HMAC-SHA256 of the raw body with the webhook secret, as hex. */
export function signPropexoBody(secret: string, rawBody: string | Buffer): string {
  return createHmac('sha256', secret).update(rawBody).digest('hex');
}

export function buildPropexoWebhook(secret: string, payload: PropexoWebhookPayload): PropexoWebhookDelivery {
  const body = JSON.stringify(payload);
  return { body, headers: { 'content-type': 'application/json', [PROPEXO_SIGNATURE_HEADER]: signPropexoBody(secret, body) }, payload };
}

export function prospectNewWebhook(secret: string, record: { id: string } & Record<string, unknown>): PropexoWebhookDelivery {
  return buildPropexoWebhook(secret, { trigger: 'DATA_NEW', data: { object: 'prospect', id: record.id, record } });
}

/** DATA_UPDATE with the diff between two versions of a prospect (only the fields that changed). */
export function prospectUpdateWebhook(
  secret: string,
  before: Record<string, unknown>,
  after: { id: string } & Record<string, unknown>,
): PropexoWebhookDelivery {
  const diff: Record<string, { old: unknown; new: unknown }> = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) diff[key] = { old: before[key] ?? null, new: after[key] ?? null };
  }
  return buildPropexoWebhook(secret, { trigger: 'DATA_UPDATE', data: { object: 'prospect', id: after.id, record: after, diff } });
}

export function writeFailureWebhook(secret: string, rootJobId: string, errors: string[], writeStatus: 'FAILURE' | 'PARTIAL_SUCCESS' = 'FAILURE'): PropexoWebhookDelivery {
  return buildPropexoWebhook(secret, { trigger: 'WRITE_OPERATION_FAILURE', data: { root_job_id: rootJobId, write_status: writeStatus, errors } });
}
