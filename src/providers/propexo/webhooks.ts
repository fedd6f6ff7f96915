import { createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/**
 * Reading Propexo's webhook deliveries. Propexo documents them in more than one shape, so all are read:
 *
 * - flat (docs, "Webhook Details: Data New" example): `{context, event, integration_id, job_id, job_type, meta:
 *   {integration_id, object}, object, payload, record_id, root_job_id, vendor}`; DATA_UPDATE carries `diff: {new,
 *   previous}` instead of `payload`;
 * - wrapped (OpenAPI `webhooks`, "Write Operation Failure" example): `{trigger, data: {event, ...the same fields},
 *   meta?}`; the "System Overview" page shows `{data: {event, object, record_id, diff}}` without `trigger`;
 * - the "How to use webhooks" sketch: `{meta: {object, integration_id}, record_id, diff}`, with no event at all
 *   (read as a DATA_UPDATE, having a diff).
 *
 * Signed: HMAC-SHA256 of the raw body, hex, in `propexo-signature` ("Signed Payloads"). Nothing with a time is
 * signed, so replays are caught by remembering what was accepted (the API route does).
 *
 * *Assumed*: the model name of CRM prospects. The docs show PMS models only (`events`, `leases`, `residents`...);
 * `prospects` (the plural, as the other models are named), `crm_prospects` / `crm-prospects` (CRM-prefixed
 * forms) and `prospect` (what this receiver used to take) are all read as prospects. Kept here, in one place.
 */
export const PROPEXO_SIGNATURE_HEADER = 'propexo-signature';

export const PROPEXO_PROSPECT_MODELS: ReadonlySet<string> = new Set(['prospects', 'crm_prospects', 'crm-prospects', 'prospect']);

/** Record ids longer than this are refused (a Propexo id is a cuid of 25 characters). */
const MAX_RECORD_ID = 256;

/** True when `signature` is the hex HMAC-SHA256 of exactly these bytes (compared in constant time). */
export function verifyPropexoSignature(secret: string, raw: Buffer, signature: string): boolean {
  const given = signature.trim();
  if (!/^[0-9a-fA-F]{64}$/.test(given)) return false;
  const expected = createHmac('sha256', secret).update(raw).digest();
  return timingSafeEqual(expected, Buffer.from(given, 'hex'));
}

export type PropexoDelivery =
  /** DATA_NEW / DATA_UPDATE: a record of `object` changed. `prospect` tells whether it is a CRM prospect. */
  | { kind: 'record'; event: 'DATA_NEW' | 'DATA_UPDATE'; object: string; prospect: boolean; recordId: string | null; integrationId: string | null }
  /** A write failed (or partly failed): `rootJobId` names it. */
  | { kind: 'write-failure'; event: 'WRITE_OPERATION_FAILURE'; rootJobId: string; writeStatus: string | null; errors: string[] }
  /** SYNC_COMPLETE, FIRST_SYNC_COMPLETE, JOB_FAILURE, JOB_SUCCESS, or an event not known here: acknowledged only. */
  | { kind: 'other'; event: string };

export interface DeliveryIssue {
  field: string;
  message: string;
}

export type ReadDelivery = { ok: true; delivery: PropexoDelivery } | { ok: false; issues: DeliveryIssue[] };

const Obj = z.record(z.string(), z.unknown());
const text = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);
const idText = (value: unknown): string | null => (typeof value === 'number' && Number.isFinite(value) ? String(value) : text(value));

/** Reads a parsed, already verified delivery body in any documented shape. */
export function readPropexoDelivery(body: unknown): ReadDelivery {
  const top = Obj.safeParse(body);
  if (!top.success) return { ok: false, issues: [{ field: 'body', message: 'expected a JSON object' }] };
  const outer = top.data;
  const wrapped = Obj.safeParse(outer['data']);
  const inner = wrapped.success ? wrapped.data : outer;
  const base = wrapped.success ? 'body.data' : 'body';
  const meta = (Obj.safeParse(outer['meta']).data ?? Obj.safeParse(inner['meta']).data ?? {}) as Record<string, unknown>;

  let event = text(outer['trigger']) ?? text(inner['event']);
  if (event === null && wrapped.success) {
    // The OpenAPI's wrapped form requires `trigger`; the System Overview's names `data.event`. Neither: malformed.
    return { ok: false, issues: [{ field: 'body.trigger', message: 'a wrapped delivery needs `trigger` (or `data.event`)' }] };
  }
  if (event === null && inner['record_id'] !== undefined) event = inner['diff'] !== undefined ? 'DATA_UPDATE' : inner['payload'] !== undefined ? 'DATA_NEW' : null;
  if (event === null) return { ok: true, delivery: { kind: 'other', event: 'UNKNOWN' } };

  if (event === 'DATA_NEW' || event === 'DATA_UPDATE') {
    const object = text(inner['object']) ?? text(meta['object']);
    if (object === null) return { ok: false, issues: [{ field: `${base}.object`, message: 'required: the data model of the record' }] };
    const prospect = PROPEXO_PROSPECT_MODELS.has(object.toLowerCase());
    const recordId = idText(inner['record_id']) ?? idText(inner['id']);
    if (prospect && recordId === null) {
      return {
        ok: false,
        issues: [
          { field: `${base}.record_id`, message: 'required: the Propexo id of the changed record' },
          { field: `${base}.id`, message: 'or `id`, as older deliveries named it' },
        ],
      };
    }
    if (recordId !== null && recordId.length > MAX_RECORD_ID) return { ok: false, issues: [{ field: `${base}.record_id`, message: `longer than ${MAX_RECORD_ID} characters` }] };
    // Which integration (so which of several Propexo connections) the record belongs to: top level, else `meta`.
    const integrationId = idText(inner['integration_id']) ?? idText(meta['integration_id']);
    return { ok: true, delivery: { kind: 'record', event, object, prospect, recordId, integrationId } };
  }
  if (event === 'WRITE_OPERATION_FAILURE') {
    const rootJobId = text(inner['root_job_id']);
    if (rootJobId === null || rootJobId.length > MAX_RECORD_ID) return { ok: false, issues: [{ field: `${base}.root_job_id`, message: 'required: the job id of the failed write' }] };
    const errors = Array.isArray(inner['errors']) ? inner['errors'].filter((e): e is string => typeof e === 'string') : [];
    return { ok: true, delivery: { kind: 'write-failure', event, rootJobId, writeStatus: text(inner['write_status']), errors } };
  }
  return { ok: true, delivery: { kind: 'other', event: event.slice(0, 64) } };
}
