/**
 * The Trata simulator's own reading of Trata's request rules, written from the documents and never from the
 * connector's schemas (if both shared one schema, a mistake in it could never show up in a contract test):
 *  - seed 001 (POST /v1/prospects) and seed 000 (PUT /v1/prospects/{id}): body fields, `status` enum, lengths;
 *  - the published SDK (TrataHQ/ts-client-sdk `api.ts`): `ProspectInput` (`status` required, every other field
 *    optional and nullable, `prospectProps` and `providerProps` objects), `ExternalReference` (`providerName`, `id`
 *    required), the list parameters (`search_by`, `search_value`, `status`, `sort_by`, `sort_order` of `SortOrder`
 *    asc|desc, `skip`, `limit`, `updated_after`, `updated_before`), 422 "Validation Error" on every endpoint;
 *  - FastAPI/pydantic: unknown body fields are ignored; a 422 answers `{detail: [{loc, msg, type}]}`.
 * The docs' own examples send `providerProps: "abcdefg"` and `prospectProps: "software"` and answer the reference
 * unchanged and `prospectProps: {}`: both strings are accepted (the prospectProps one stored as {}).
 */
import { z } from 'zod';

/** `ProspectStatus` of the SDK, the enum of seeds 000 and 001. */
export const TRATA_SIM_STATUSES = [
  'NEW',
  'GENERAL_ENQUIRY',
  'SCHEDULED_CALLBACK_WITH_BOT',
  'SCHEDULED_APPOINTMENT_WITH_PERSON',
  'SCHEDULED_APPOINTMENT_FOR_SERVICE',
  'NOT_INTERESTED',
  'PRODUCT_ORDER_PLACED',
  'SERVICE_ORDER_PLACED',
] as const;

/** "Required string length: 1 - 512" (seeds 000, 001). */
const text = z.string().min(1).max(512).nullish();
const props = z.record(z.string(), z.unknown());

const ExternalReferenceBody = z.object({
  providerName: z.string(),
  id: z.string(),
  providerProps: z.union([props, z.string()]).nullish(),
});

/** Body of POST and PUT: the SDK's `ProspectInput`. */
export const ProspectBody = z.object({
  status: z.enum(TRATA_SIM_STATUSES),
  name: text,
  email: z.email().min(1).max(512).nullish(),
  phoneNumber: text,
  externalReference: z.array(ExternalReferenceBody).nullish(),
  prospectProps: z.union([props, z.string().transform(() => ({}))]).nullish(),
});
export type ProspectBody = z.infer<typeof ProspectBody>;

/** Fields a list can be searched and sorted by (*assumed*: the SDK types both as plain strings). */
export const SEARCHABLE = ['name', 'email', 'phoneNumber'] as const;
export const SORTABLE = ['createdAt', 'updatedAt', 'name', 'email', 'phoneNumber', 'status'] as const;
/** Largest `limit` (*assumed*: no maximum is documented). */
export const TRATA_SIM_MAX_LIMIT = 1000;

const integer = z.string().regex(/^\d+$/, 'Input should be a valid integer').transform(Number);

/** Query of `GET /v1/prospects` (values arrive as strings). */
export const ListQuery = z.object({
  search_by: z.enum(SEARCHABLE).optional(),
  search_value: z.string().optional(),
  status: z.string().optional(),
  sort_by: z.enum(SORTABLE).optional(),
  sort_order: z.enum(['asc', 'desc']).optional(),
  skip: integer.pipe(z.number().int().min(0)).optional(),
  limit: integer.pipe(z.number().int().min(1).max(TRATA_SIM_MAX_LIMIT)).optional(),
  updated_after: z.string().optional(),
  updated_before: z.string().optional(),
});
export type ListQuery = z.infer<typeof ListQuery>;

const PYDANTIC_TYPES: Record<string, string> = {
  invalid_type: 'type_error',
  too_big: 'string_too_long',
  too_small: 'string_too_short',
  invalid_value: 'enum',
  invalid_format: 'value_error',
};

export interface FastApiDetail {
  loc: Array<string | number>;
  msg: string;
  type: string;
}

/** zod issues as FastAPI's 422 `detail[]`: `{loc: ['body', 'email'], msg, type}`. */
export function fastApiDetail(where: 'body' | 'query', error: z.ZodError, input: unknown): FastApiDetail[] {
  return error.issues.map((issue) => {
    const given = issue.path.reduce<unknown>(
      (value, key) => (value !== null && typeof value === 'object' ? (value as Record<PropertyKey, unknown>)[key] : undefined),
      input,
    );
    const missing = given === undefined && issue.path.length > 0;
    return {
      loc: [where, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
      msg: missing ? 'Field required' : issue.message,
      type: missing ? 'missing' : (PYDANTIC_TYPES[issue.code] ?? 'value_error'),
    };
  });
}
