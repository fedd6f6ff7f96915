/**
 * Overplane CRM (seed 002), base `https://api.overplane.dev/api/crm`: request and response schemas.
 *
 * Documented: the fields below, `company` required on create, PATCH leaves unsent fields unchanged, the list
 * answers `{data, has_more, total}` newest first with `limit` (default 20) and `offset`, DELETE answers
 * `{id, deleted: true}`, line items are addressed by the parent's id (`GET ?parent_id=`, POST, PATCH, DELETE,
 * `POST /reorder`).
 *
 * ASSUMED (no public source states these; the simulator makes exactly the same choices):
 *  1. Errors are Stripe style: `{"error": {"message", "type", "param"?}}`; 400 for an invalid body or query (with
 *     `param` naming the field), 401 for a bad token, 404 for an unknown id, 429 when rate limited. No rate limit
 *     or Retry-After is documented.
 *  2. `limit` accepts 1..100; anything else is a 400 (Stripe's range).
 *  3. Request bodies accept exactly the documented fields: an unknown field is a 400, and fields are not nullable.
 *     `company` and a line item's `lead` must be non-empty.
 *  4. Optional fields that were never set come back as `null` or are left out: responses accept both.
 *  5. `GET /prospect-lead?parent_id=` answers the list envelope with every row of the parent, ordered by `idx`
 *     (a bare array is accepted too); an unknown parent is a 404.
 *  6. `idx` is documented as a writable integer on child rows (Overplane's own child-item pages list it among the
 *     POST and PATCH body parameters, e.g. customer-credit-limit); when it is left out the server appends the row
 *     (largest idx + 1). `prospect_id` cannot be patched. The reorder body is not documented anywhere we found:
 *     `{parent_id, order: [row ids]}`, listing every row of the parent once, answering the rows in their new order
 *     (list envelope). The connector never needs reorder (it can PATCH `idx`); the client keeps it for completeness.
 *  7. Deleting a prospect deletes its line items; a line item DELETE answers `{id, deleted: true}` too.
 *  8. Ties on `created_at` keep a stable order in the list.
 *  9. A prospect-lead's `lead` names an Overplane Lead record (`lead_...`). The docs show only `lead string
 *     required`, but the field set is ERPNext's Prospect Lead table, where `lead` links a Lead, and Overplane
 *     publishes a `lead` resource whose ids look like `lead_abc123`. So the connector creates (or reuses) that Lead
 *     and links it, never another provider's id; the simulator refuses a `lead` naming no Lead (400, param `lead`).
 *     The Lead resource documents no required field and no search, so an existing Lead is found only through the
 *     row that links it.
 */
import { z } from 'zod';

/** Largest `limit` the list accepts (assumption 2). */
export const OVERPLANE_MAX_LIMIT = 100;
export const OVERPLANE_DEFAULT_LIMIT = 20;

const optionalText = z.string().optional();
/** What a response may carry for an optional field (assumption 4). */
const answeredText = z.string().nullish();
const answeredNumber = z.number().nullish();

// ---- Prospect -------------------------------------------------------------------------------------------------

/** Body of `POST /prospect`. */
export const OverplaneProspectCreate = z.strictObject({
  company: z.string().min(1),
  company_name: optionalText,
  industry: optionalText,
  market_segment: optionalText,
  customer_group: optionalText,
  territory: optionalText,
  no_of_employees: optionalText,
  annual_revenue: z.number().optional(),
  fax: optionalText,
  website: optionalText,
  prospect_owner: optionalText,
});
export type OverplaneProspectCreate = z.infer<typeof OverplaneProspectCreate>;

/** Body of `PATCH /prospect/{id}`: any subset; fields left out stay as they are. */
export const OverplaneProspectUpdate = OverplaneProspectCreate.partial();
export type OverplaneProspectUpdate = z.infer<typeof OverplaneProspectUpdate>;

export const OverplaneProspect = z.looseObject({
  id: z.string(),
  // Kept as strings: the seed's own example is `"2024-01-15T09: 30: 00Z"` (with spaces).
  created_at: answeredText,
  updated_at: answeredText,
  company: z.string(),
  company_name: answeredText,
  industry: answeredText,
  market_segment: answeredText,
  customer_group: answeredText,
  territory: answeredText,
  no_of_employees: answeredText,
  annual_revenue: answeredNumber,
  fax: answeredText,
  website: answeredText,
  prospect_owner: answeredText,
});
export type OverplaneProspect = z.infer<typeof OverplaneProspect>;

/** `{data, has_more, total}`: the documented list envelope. */
export function overplaneList<T extends z.ZodType>(item: T) {
  return z.looseObject({ data: z.array(item), has_more: z.boolean(), total: z.number().int().min(0) });
}
export const OverplaneProspectList = overplaneList(OverplaneProspect);
export type OverplaneProspectList = z.infer<typeof OverplaneProspectList>;

export const OverplaneListQuery = z.strictObject({
  limit: z.number().int().min(1).max(OVERPLANE_MAX_LIMIT).optional(),
  offset: z.number().int().min(0).optional(),
});
export type OverplaneListQuery = z.infer<typeof OverplaneListQuery>;

export const OverplaneDeleted = z.looseObject({ id: z.string(), deleted: z.literal(true) });
export type OverplaneDeleted = z.infer<typeof OverplaneDeleted>;

// ---- Line items -----------------------------------------------------------------------------------------------

/** `idx`: documented as a writable integer on child rows (assumption 6). */
const idx = z.number().int().min(0).optional();

/** Body of `POST /prospect-lead`; `lead` names an Overplane Lead record (assumption 9). */
export const OverplaneProspectLeadCreate = z.strictObject({
  idx,
  prospect_id: z.string().min(1),
  lead: z.string().min(1),
  lead_name: optionalText,
  status: optionalText,
  email: optionalText,
  mobile_no: optionalText,
  lead_owner: optionalText,
});
export type OverplaneProspectLeadCreate = z.infer<typeof OverplaneProspectLeadCreate>;

/** Body of `PATCH /prospect-lead/{id}` (assumption 6: the parent cannot change). */
export const OverplaneProspectLeadUpdate = OverplaneProspectLeadCreate.omit({ prospect_id: true }).partial();
export type OverplaneProspectLeadUpdate = z.infer<typeof OverplaneProspectLeadUpdate>;

export const OverplaneProspectLead = z.looseObject({
  id: z.string(),
  idx: z.number().int(),
  prospect_id: z.string(),
  lead: z.string(),
  lead_name: answeredText,
  status: answeredText,
  email: answeredText,
  mobile_no: answeredText,
  lead_owner: answeredText,
});
export type OverplaneProspectLead = z.infer<typeof OverplaneProspectLead>;

/** Body of `POST /prospect-opportunity`. */
export const OverplaneProspectOpportunityCreate = z.strictObject({
  idx,
  prospect_id: z.string().min(1),
  opportunity: optionalText,
  amount: z.number().optional(),
  stage: optionalText,
  probability: z.number().optional(),
  expected_closing: optionalText,
  currency: optionalText,
  deal_owner: optionalText,
  contact_person: optionalText,
});
export type OverplaneProspectOpportunityCreate = z.infer<typeof OverplaneProspectOpportunityCreate>;

export const OverplaneProspectOpportunityUpdate = OverplaneProspectOpportunityCreate.omit({ prospect_id: true }).partial();
export type OverplaneProspectOpportunityUpdate = z.infer<typeof OverplaneProspectOpportunityUpdate>;

export const OverplaneProspectOpportunity = z.looseObject({
  id: z.string(),
  idx: z.number().int(),
  prospect_id: z.string(),
  opportunity: answeredText,
  amount: answeredNumber,
  stage: answeredText,
  probability: answeredNumber,
  expected_closing: answeredText,
  currency: answeredText,
  deal_owner: answeredText,
  contact_person: answeredText,
});
export type OverplaneProspectOpportunity = z.infer<typeof OverplaneProspectOpportunity>;

/** A line-item list: the envelope (assumption 5) or a bare array, read as the array of rows. */
export function overplaneRows<T extends z.ZodType>(item: T) {
  return z.union([z.array(item), overplaneList(item)]).transform((answer) => (Array.isArray(answer) ? answer : answer.data));
}

/** Body of `POST /prospect-lead/reorder` and `/prospect-opportunity/reorder` (assumed: assumption 6). */
export const OverplaneReorder = z.strictObject({
  parent_id: z.string().min(1),
  order: z.array(z.string().min(1)).min(1),
});
export type OverplaneReorder = z.infer<typeof OverplaneReorder>;

// ---- The Lead resource ----------------------------------------------------------------------------------------

/** "The Lead object" (Overplane's `lead` page): text fields, three booleans (default false), one number. */
const LEAD_TEXT_FIELDS = [
  'lead_name', 'company_name', 'email_id', 'lead_owner', 'status', 'salutation', 'gender', 'customer', 'image', 'phone',
  'mobile_no', 'fax', 'type', 'market_segment', 'industry', 'request_type', 'company', 'website', 'territory', 'title',
  'language', 'first_name', 'middle_name', 'last_name', 'no_of_employees', 'whatsapp_no', 'phone_ext', 'qualified_by',
  'qualified_on', 'qualification_status', 'job_title', 'city', 'state', 'country', 'utm_content', 'utm_source',
  'utm_medium', 'utm_campaign',
] as const;
const LEAD_FLAG_FIELDS = ['unsubscribed', 'blog_subscriber', 'disabled'] as const;

/** One schema for each of `keys`. */
function shapeOf<K extends string, T extends z.ZodType>(keys: readonly K[], type: T): Record<K, T> {
  return Object.fromEntries(keys.map((key) => [key, type])) as Record<K, T>;
}

/** Body of `POST /lead` and `PATCH /lead/{id}`: no field is documented as required. */
export const OverplaneLeadCreate = z.strictObject({
  ...shapeOf(LEAD_TEXT_FIELDS, optionalText),
  ...shapeOf(LEAD_FLAG_FIELDS, z.boolean().optional()),
  annual_revenue: z.number().optional(),
});
export type OverplaneLeadCreate = z.infer<typeof OverplaneLeadCreate>;
export const OverplaneLeadUpdate = OverplaneLeadCreate;
export type OverplaneLeadUpdate = OverplaneLeadCreate;

/** A Lead as answered (ids like `lead_abc123`). Tolerant, as every response. */
export const OverplaneLead = z.looseObject({
  id: z.string(),
  created_at: answeredText,
  updated_at: answeredText,
  lead_name: answeredText,
  email_id: answeredText,
  mobile_no: answeredText,
  status: answeredText,
});
export type OverplaneLead = z.infer<typeof OverplaneLead>;
export const OverplaneLeadList = overplaneList(OverplaneLead);

// ---- Errors (assumption 1) ------------------------------------------------------------------------------------

export const OverplaneErrorBody = z.looseObject({
  error: z.looseObject({ message: z.string(), type: z.string().optional(), param: z.string().optional() }),
});
export type OverplaneErrorBody = z.infer<typeof OverplaneErrorBody>;

// ---- What the engine reads and writes -------------------------------------------------------------------------

/**
 * A record read from Overplane: the prospect (a company) plus its prospect-lead rows, where the people are.
 * A mapping reads a person from `leads.0.lead_name`, `leads.0.email`, `leads.0.mobile_no`.
 */
export const OverplaneRecord = OverplaneProspect.extend({ leads: z.array(OverplaneProspectLead) });
export type OverplaneRecord = z.infer<typeof OverplaneRecord>;

/**
 * The person part of a write: the fields of one prospect-lead row, its parent implied and its `lead` link made by
 * the connector (assumption 9), never by a mapping.
 */
export const OverplanePersonWrite = OverplaneProspectLeadCreate.omit({ prospect_id: true, lead: true });
export type OverplanePersonWrite = z.infer<typeof OverplanePersonWrite>;

/** What a mapping must produce to write to Overplane: the prospect, and optionally the person of its first row. */
export const OverplaneWrite = OverplaneProspectCreate.extend({ lead: OverplanePersonWrite.optional() });
export type OverplaneWrite = z.infer<typeof OverplaneWrite>;
