/**
 * The simulator's own reading of Propexo's request rules, written from the docs and deliberately apart from the
 * connector's schemas (src/providers/propexo): if both shared one schema, a mistake in it could never show up in a
 * contract test.
 *
 * Sources: seed 003 (Update Prospect), the API reference pages "Create Prospect", "Get all Prospects", "Check the
 * status of a write operation", "Retry a write operation" (docs.propexo.com), and Propexo's OpenAPI
 * (propexo/documentation, fern/openapi/openapi.yml). Where those are silent the rule is marked *assumed*.
 */
import { z } from 'zod';

export const PETS = ['SMALL_DOG', 'LARGE_DOG', 'CAT'] as const;
/** *Assumed*: the docs list no values for `preferred_contact_method`. */
export const CONTACT_METHODS = ['EMAIL', 'PHONE', 'TEXT'] as const;

const dateTime = z.iso.datetime({ offset: true, local: true });
/** `move_in_date`: "a date-time", and the docs' examples also send `YYYY-MM-DD`. */
const moveInDate = z.union([dateTime, z.iso.date()]);
const positiveInt = z.number().int().min(1);

/** The fields the update (seed 003) and the create share. */
const shared = {
  email_1: z.string(),
  phone_1: z.string(),
  phone_2: z.string(),
  first_name: z.string(),
  last_name: z.string(),
  move_in_date: moveInDate,
  rent_minimum_in_cents: positiveInt,
  rent_maximum_in_cents: positiveInt,
  notes: z.string(),
  pets: z.array(z.enum(PETS)),
  agent_id: z.string(),
  number_of_occupants: z.number().int(),
  desired_num_bedrooms: z.array(z.number().int()),
  address_1: z.string().max(40),
  address_2: z.string().max(40),
  city: z.string().max(30),
  state: z.string().max(4),
  zip: z.string().max(12),
  country: z.string().max(2),
  preferred_contact_method: z.enum(CONTACT_METHODS),
  subscribe: z.boolean(),
  prospect_source: z.string(),
};

/** `PUT /crm/v1/prospects/{prospect_id}` (seed 003): `lease_id` required, `lease_term_in_months` >= 1. */
export const UpdateBody = z.strictObject({
  lease_id: z.string(),
  ...z.object(shared).partial().shape,
  lease_term_in_months: positiveInt.optional(),
});
export type UpdateBody = z.infer<typeof UpdateBody>;

/** `POST /crm/v1/prospects/` ("Create Prospect"): `integration_id` required, `lease_term_in_months` 1–18. */
export const CreateBody = z.strictObject({
  integration_id: z.string(),
  community_id: z.string().optional(),
  middle_name: z.string().optional(),
  attribution_id: z.string().optional(),
  first_contact_type: z.string().optional(),
  ...z.object(shared).partial().shape,
  lease_term_in_months: z.number().int().min(1).max(18).optional(),
});
export type CreateBody = z.infer<typeof CreateBody>;

/** `POST /v1/admin/retry-write/{root_job_id}`: "This endpoint expects an object" (the docs send `{}`). */
export const RetryWriteBody = z.strictObject({});

const nullableTime = z.union([z.string(), z.null()]).optional();
/** An ISO 8601 filter value (the docs: "Format: ISO 8601 (e.g. 2026-01-01T00:00:00Z)"). */
const isoFilter = nullableTime.refine((v) => v === undefined || v === null || v === '' || !Number.isNaN(Date.parse(v)), 'Invalid ISO 8601 datetime');
const intParam = (min: number, max?: number) =>
  z
    .string()
    .regex(/^\d+$/, 'Expected an integer')
    .transform(Number)
    .pipe(max === undefined ? z.number().int().min(min) : z.number().int().min(min).max(max))
    .optional();

/**
 * Query of `GET /crm/v1/prospects/` ("Get all Prospects"): `order-by` (default `created_at:desc`), `updated_at_gte`
 * / `updated_at_lte` (inclusive), `last_seen_gte` / `last_seen_lte`, `offset` (default 0), `limit` (default 100,
 * at most 250; the OpenAPI allows 0, the description says 1–250: *assumed* 1), `integration_id`,
 * `integration_vendor` (ELISEAI, FUNNEL, RENTCAFE, KNOCK), `community_id`.
 */
export const ListQuery = z.object({
  'order-by': z.string().optional(),
  updated_at_gte: isoFilter,
  updated_at_lte: isoFilter,
  last_seen_gte: isoFilter,
  last_seen_lte: isoFilter,
  offset: intParam(0),
  limit: intParam(1, 250),
  integration_id: z.string().optional(),
  integration_vendor: z.enum(['ELISEAI', 'FUNNEL', 'RENTCAFE', 'KNOCK']).optional(),
  community_id: z.string().optional(),
});
export type ListQuery = z.infer<typeof ListQuery>;

export interface SortKey {
  field: string;
  direction: 'asc' | 'desc';
}

/**
 * `order-by=field[:asc|desc][,field[:dir]]...` (docs, "Sorting Results": a comma-separated list, asc by default).
 * Null when a part is malformed.
 */
export function parseOrderBy(text: string): SortKey[] | null {
  const keys: SortKey[] = [];
  for (const part of text.split(',')) {
    const match = /^([a-z_][a-z0-9_]*)(?::(asc|desc))?$/i.exec(part.trim());
    if (!match) return null;
    keys.push({ field: match[1]!, direction: (match[2]?.toLowerCase() ?? 'asc') as 'asc' | 'desc' });
  }
  return keys;
}

/**
 * An issue as Propexo's error example shows them: zod (v3) issues, `path` an array, `unrecognized_keys` naming
 * `keys` at the object's path ("Retry a write operation", 400: `{"details":{"issues":[{"code":"unrecognized_keys",
 * "keys":["foo"],"path":[],"message":"Unrecognized key(s) in object: 'foo'"}],"name":"ZodError"}}`).
 */
export interface DocumentedIssue {
  code: string;
  path: Array<string | number>;
  message: string;
  keys?: string[];
}

/** zod 4's issues in the shape of the documented (zod 3) example. */
export function documentedIssues(error: z.ZodError): DocumentedIssue[] {
  return error.issues.map((issue) => {
    const path = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
    if (issue.code === 'unrecognized_keys') {
      return { code: 'unrecognized_keys', keys: issue.keys, path, message: `Unrecognized key(s) in object: ${issue.keys.map((k) => `'${k}'`).join(', ')}` };
    }
    const code = issue.code === 'invalid_value' ? 'invalid_enum_value' : issue.code === 'invalid_format' ? 'invalid_string' : issue.code;
    return { code, path, message: issue.message };
  });
}

const ERROR_CODES: Record<number, string> = { 400: 'invalid_request', 401: 'unauthorized', 404: 'not_found', 429: 'rate_limited' };

/**
 * Propexo's error body (OpenAPI `errorResponse`): `{error: {code, message, details?}}`. A validation failure nests
 * the zod error under `details.details` (the documented example), with `name: "ZodError"`.
 */
export function errorBody(status: number, message: string, issues?: DocumentedIssue[]): unknown {
  const code = ERROR_CODES[status] ?? (status >= 500 ? 'internal_error' : 'error');
  return { error: { code, message, ...(issues === undefined ? {} : { details: { details: { issues, name: 'ZodError' } } }) } };
}
