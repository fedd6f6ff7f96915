/**
 * Propexo CRM prospects (seed 003 and /work/shared/providers.md).
 *
 * ASSUMED (no public source states these; the simulator follows them, change them here first):
 * - `preferred_contact_method` values are `EMAIL`, `PHONE`, `TEXT` (the docs list none).
 * - List/get exist as `GET /crm/v1/prospects` and `GET /crm/v1/prospects/{id}`. A list answers
 *   `{meta, results: [...]}` (the key Propexo's other lists use; `data` is accepted too) and a get answers
 *   `{result: {...}}` (`data` accepted too). `meta.orderBy` may be a string or Propexo's `[{field, direction}]`.
 * - A prospect record carries `id`, the write fields, `integration_id`, `community_id`, `lease_id`, `created_at`
 *   and `updated_at` (ISO 8601); any of the write fields may be null or absent.
 * - The `data` of a write answer echoes the accepted body; nothing in it is relied on.
 * - Error `details` is `{issues: [{path, message, code}]}` (zod issues); zod's flattened `{fieldErrors}` is read too.
 * - A PUT to an unknown prospect answers 404 at once (not a later FAILURE); write-status/retry-write of an unknown
 *   job answer 404; retry-write of a write that is not a FAILURE answers `{success: false, job_id: <same id>}`.
 * - `number_of_occupants` has no documented bound: any integer is sent through.
 * - Rate limit: a fixed window (150 per 60 s); a 429 lasts until the window resets and carries no Retry-After.
 */
import { z } from 'zod';

export const PROPEXO_PETS = ['SMALL_DOG', 'LARGE_DOG', 'CAT'] as const;
export const PropexoPet = z.enum(PROPEXO_PETS);

/** *Assumed* values (see the block above). */
export const PROPEXO_CONTACT_METHODS = ['EMAIL', 'PHONE', 'TEXT'] as const;
export const PropexoContactMethod = z.enum(PROPEXO_CONTACT_METHODS);

/** `move_in_date`: a date-time (with or without an offset) or a plain `YYYY-MM-DD`. */
export const PropexoMoveInDate = z.union([z.iso.datetime({ offset: true, local: true }), z.iso.date()]);

const cents = z.number().int().min(1);

/** Fields the create and the update bodies share, with their documented limits. */
const sharedWriteFields = {
  email_1: z.string(),
  phone_1: z.string(),
  phone_2: z.string(),
  first_name: z.string(),
  last_name: z.string(),
  move_in_date: PropexoMoveInDate,
  rent_minimum_in_cents: cents,
  rent_maximum_in_cents: cents,
  /** Appended to the prospect's existing notes, never replacing them. */
  notes: z.string(),
  pets: z.array(PropexoPet),
  agent_id: z.string(),
  number_of_occupants: z.number().int(),
  lease_term_in_months: z.number().int().min(1),
  /** Some systems (RentCafe) use only the first value. */
  desired_num_bedrooms: z.array(z.number().int()),
  address_1: z.string().max(40),
  address_2: z.string().max(40),
  city: z.string().max(30),
  state: z.string().max(4),
  zip: z.string().max(12),
  country: z.string().max(2),
  preferred_contact_method: PropexoContactMethod,
  subscribe: z.boolean(),
  prospect_source: z.string(),
} as const;

const optionalShared = z.object(sharedWriteFields).partial().shape;

/** Fields only the create accepts. */
const createOnlyFields = {
  community_id: z.string().optional(),
  middle_name: z.string().optional(),
  attribution_id: z.string().optional(),
  first_contact_type: z.string().optional(),
} as const;

/** Body of `PUT /crm/v1/prospects/{prospect_id}` (seed 003). */
export const PropexoUpdateBody = z.strictObject({ lease_id: z.string().min(1), ...optionalShared });
export type PropexoUpdateBody = z.infer<typeof PropexoUpdateBody>;

/** Body of `POST /crm/v1/prospects`: `lease_term_in_months` is 1–18 here. */
export const PropexoCreateBody = z.strictObject({
  integration_id: z.string().min(1),
  ...createOnlyFields,
  ...optionalShared,
  lease_term_in_months: z.number().int().min(1).max(18).optional(),
});
export type PropexoCreateBody = z.infer<typeof PropexoCreateBody>;

/**
 * What a mapping produces to write to Propexo: one shape for create and update, the union of both bodies with
 * `integration_id` and `lease_id` optional (the connector fills them from the connection and drops what the chosen
 * endpoint does not take). Create's tighter `lease_term_in_months` bound is checked when a create is sent.
 */
export const PropexoWriteBody = z.strictObject({
  integration_id: z.string().min(1).optional(),
  lease_id: z.string().min(1).optional(),
  ...createOnlyFields,
  ...optionalShared,
});
export type PropexoWriteBody = z.infer<typeof PropexoWriteBody>;

export const CREATE_ONLY_KEYS = ['integration_id', ...Object.keys(createOnlyFields)] as const;
export const UPDATE_ONLY_KEYS = ['lease_id'] as const;

/** A prospect as listed. Tolerant: unknown fields pass through; documented ones may be null. */
export const PropexoProspect = z.looseObject({
  id: z.string(),
  integration_id: z.string().nullish(),
  community_id: z.string().nullish(),
  lease_id: z.string().nullish(),
  middle_name: z.string().nullish(),
  attribution_id: z.string().nullish(),
  first_contact_type: z.string().nullish(),
  email_1: z.string().nullish(),
  phone_1: z.string().nullish(),
  phone_2: z.string().nullish(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  move_in_date: z.string().nullish(),
  rent_minimum_in_cents: z.number().nullish(),
  rent_maximum_in_cents: z.number().nullish(),
  notes: z.string().nullish(),
  pets: z.array(z.string()).nullish(),
  agent_id: z.string().nullish(),
  number_of_occupants: z.number().nullish(),
  lease_term_in_months: z.number().nullish(),
  desired_num_bedrooms: z.array(z.number()).nullish(),
  address_1: z.string().nullish(),
  address_2: z.string().nullish(),
  city: z.string().nullish(),
  state: z.string().nullish(),
  zip: z.string().nullish(),
  country: z.string().nullish(),
  preferred_contact_method: z.string().nullish(),
  subscribe: z.boolean().nullish(),
  prospect_source: z.string().nullish(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type PropexoProspect = z.infer<typeof PropexoProspect>;

const OrderByMeta = z.union([z.string(), z.array(z.looseObject({ field: z.string(), direction: z.string() }))]);

export const PropexoListMeta = z.looseObject({
  offset: z.number().int(),
  limit: z.number().int(),
  orderBy: OrderByMeta.nullish(),
  hasMore: z.boolean(),
  total: z.number().int().nullish(),
});

/** `GET /crm/v1/prospects`: `results` (assumed key; `data` accepted), normalised to `{meta, records}`. */
export const PropexoProspectList = z
  .looseObject({ meta: PropexoListMeta, results: z.array(PropexoProspect).optional(), data: z.array(PropexoProspect).optional() })
  .refine((body) => body.results !== undefined || body.data !== undefined, { message: 'a list needs `results` or `data`' })
  .transform((body) => ({ meta: body.meta, records: body.results ?? body.data ?? [] }));
export type PropexoProspectList = z.infer<typeof PropexoProspectList>;

/** `GET /crm/v1/prospects/{id}`: `{result}` (assumed; `{data}` accepted), normalised to the record. */
export const PropexoProspectAnswer = z.union([
  z.looseObject({ result: PropexoProspect }).transform((body) => body.result),
  z.looseObject({ data: PropexoProspect }).transform((body) => body.data),
]);

/**
 * Every write answers at once with a job id: `{job_id, data}`, or in older docs `{meta: {job_id}, result}`.
 * Both normalise to `{jobId, data}`.
 */
export const PropexoWriteAnswer = z.union([
  z
    .looseObject({ job_id: z.string().min(1), data: z.unknown().optional() })
    .transform((body) => ({ jobId: body.job_id, data: body.data ?? null })),
  z
    .looseObject({ meta: z.looseObject({ job_id: z.string().min(1) }), result: z.unknown().optional() })
    .transform((body) => ({ jobId: body.meta.job_id, data: body.result ?? null })),
]);
export type PropexoWriteAnswer = z.infer<typeof PropexoWriteAnswer>;

export const PROPEXO_WRITE_STATUSES = ['SUCCESS', 'PARTIAL_SUCCESS', 'FAILURE', 'PENDING'] as const;

/** `GET /v1/admin/write-status/{root_job_id}`. A 200 on the write means nothing until this says SUCCESS. */
export const PropexoWriteStatusAnswer = z.looseObject({
  write_status: z.enum(PROPEXO_WRITE_STATUSES),
  errors: z.array(z.string()).nullish().transform((errors) => errors ?? []),
  created_record_id: z.string().nullish().transform((id) => id ?? null),
});
export type PropexoWriteStatusAnswer = z.infer<typeof PropexoWriteStatusAnswer>;

/** `POST /v1/admin/retry-write/{root_job_id}`: a new job id when the retry was accepted. */
export const PropexoRetryWriteAnswer = z.looseObject({ success: z.boolean(), job_id: z.string().nullish() });
export type PropexoRetryWriteAnswer = z.infer<typeof PropexoRetryWriteAnswer>;

export const PropexoIssueSchema = z.looseObject({ path: z.array(z.union([z.string(), z.number()])), message: z.string() });

/** `{"error": {"code", "message", "details"}}`. */
export const PropexoErrorBody = z.object({
  error: z.looseObject({
    code: z.string(),
    message: z.string(),
    details: z
      .looseObject({
        issues: z.array(PropexoIssueSchema).optional(),
        fieldErrors: z.record(z.string(), z.unknown()).optional(),
      })
      .nullish(),
  }),
});
export type PropexoErrorBody = z.infer<typeof PropexoErrorBody>;

export const PROPEXO_ORDER_BY = ['updated_at:desc', 'updated_at:asc', 'created_at:desc', 'created_at:asc'] as const;
export const PROPEXO_MAX_LIMIT = 250;
export const PROPEXO_DEFAULT_LIMIT = 100;

/**
 * Query of `GET /crm/v1/prospects` (offset/limit paging). The simulator parses with it, coercing strings; other
 * documented filters (integration_id, ...) pass unread rather than being rejected.
 */
export const PropexoListQuery = z.object({
  offset: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(PROPEXO_MAX_LIMIT).optional(),
  'order-by': z.enum(PROPEXO_ORDER_BY).optional(),
});
export type PropexoListQuery = z.infer<typeof PropexoListQuery>;

/**
 * zod issues as Propexo's error `details.issues`: one entry per field, so an unknown key names itself rather than
 * the body (zod reports all unknown keys in one issue at the root).
 */
export interface PropexoIssue {
  path: Array<string | number>;
  message: string;
  code: string;
}
export function toPropexoIssues(error: z.ZodError): PropexoIssue[] {
  return error.issues.flatMap((issue): PropexoIssue[] =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({ path: [...issue.path, key].map(pathPart), message: `Unrecognized key: "${key}"`, code: issue.code }))
      : [{ path: issue.path.map(pathPart), message: issue.message, code: issue.code }],
  );
}

function pathPart(part: PropertyKey): string | number {
  return typeof part === 'number' ? part : String(part);
}
