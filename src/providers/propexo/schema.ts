/**
 * Propexo CRM prospects. Documented (seed 003; docs.propexo.com API reference "Create Prospect", "Get all
 * Prospects", "Get a Prospect by ID", "Check the status of a write operation", "Retry a write operation"; the
 * OpenAPI in propexo/documentation): the write bodies and their limits, the list's `offset`/`limit` (≤ 250),
 * `order-by`, `updated_at_gte`/`_lte` filters and `{meta, results}` answer, write-status's three fields,
 * retry-write's `{success, job_id}`, and the error body with zod issues under `error.details.details.issues`.
 *
 * ASSUMED (no public source states these; the simulator follows them, change them here first):
 * - `preferred_contact_method` values are `EMAIL`, `PHONE`, `TEXT` (the docs list none).
 * - A list's records are under `results` (`data` accepted). (A get by ID answers `{meta, results: {...}}`, as every
 *   documented by-ID example does; the CRM prospect's own example is not in the stored docs.)
 * - A prospect record carries `id`, the write fields, `integration_id`, `community_id`, `lease_id`, `created_at`
 *   and `updated_at` (ISO 8601); any of the write fields may be null or absent.
 * - The `data` of a write answer echoes the accepted body; nothing in it is relied on.
 * - A PUT to an unknown prospect answers 404 at once (not a later FAILURE). write-status / retry-write of an unknown
 *   job answer 400 (the OpenAPI documents 200 and 400 only); retry-write of a write that is not a FAILURE answers
 *   400 or `{success: false}` ("Only failed write operations can be retried"): both are read as a refusal.
 * - `number_of_occupants` has no documented bound: any integer is sent through.
 * - Rate limit: a fixed window; a 429 lasts until the window resets and carries no Retry-After.
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

// The API reference's own example is `"orderBy": [{}]`: nothing in an entry is required.
const OrderByMeta = z.union([z.string(), z.array(z.looseObject({ field: z.string().optional(), direction: z.string().optional() }))]);

export const PropexoListMeta = z.looseObject({
  offset: z.number().int(),
  limit: z.number().int(),
  orderBy: OrderByMeta.nullish(),
  // The OpenAPI types it `boolean | null`: a null is read from the page size instead.
  hasMore: z.boolean().nullish(),
  total: z.number().int().nullish(),
});

/** `GET /crm/v1/prospects`: `results` (assumed key; `data` accepted), normalised to `{meta, records}`. */
export const PropexoProspectList = z
  .looseObject({ meta: PropexoListMeta, results: z.array(PropexoProspect).optional(), data: z.array(PropexoProspect).optional() })
  .refine((body) => body.results !== undefined || body.data !== undefined, { message: 'a list needs `results` or `data`' })
  .transform((body) => ({ meta: body.meta, records: body.results ?? body.data ?? [] }));
export type PropexoProspectList = z.infer<typeof PropexoProspectList>;

/**
 * `GET /crm/v1/prospects/{id}`: `{meta, results: {...}}`, the envelope of every documented get by ID (API reference
 * "Get a lead by ID"; the OpenAPI's by-ID answers require `meta` and an object `results`). `{result}` and `{data}`
 * are still read (older guesses, harmless). Normalised to the record.
 */
export const PropexoProspectAnswer = z.union([
  z.looseObject({ results: PropexoProspect }).transform((body) => body.results),
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

/** A zod issue as Propexo sends them; `unrecognized_keys` names its `keys` at the object's path. */
export const PropexoIssueSchema = z.looseObject({
  path: z.array(z.union([z.string(), z.number()])).default([]),
  message: z.string(),
  code: z.string().optional(),
  keys: z.array(z.string()).optional(),
});
export type PropexoIssueEntry = z.infer<typeof PropexoIssueSchema>;

const IssueHolder = z.looseObject({
  issues: z.array(PropexoIssueSchema).optional(),
  fieldErrors: z.record(z.string(), z.unknown()).optional(),
});

/**
 * `{"error": {"code", "message", "details"}}` (OpenAPI `errorResponse`). The documented example nests the zod error
 * one level down: `details: {details: {issues: [...], name: "ZodError"}}`; `details.issues` and zod's flattened
 * `details.fieldErrors` are read too, in case an endpoint answers flatter.
 */
export const PropexoErrorBody = z.object({
  error: z.looseObject({
    code: z.string(),
    message: z.string(),
    details: IssueHolder.extend({ details: IssueHolder.nullish() }).nullish(),
  }),
});
export type PropexoErrorBody = z.infer<typeof PropexoErrorBody>;

export const PROPEXO_MAX_LIMIT = 250;
export const PROPEXO_DEFAULT_LIMIT = 100;

/**
 * Our own local checks' zod issues, one entry per field, so an unknown key names itself rather than
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
