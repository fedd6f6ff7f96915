/**
 * The simulator's own reading of Overplane's request rules (seed 002, Overplane's `lead` and child-item pages, plus
 * the assumptions listed in src/providers/overplane/schema.ts). Deliberately written apart from the connector's zod schemas: if both shared
 * one schema, a mistake in it could never show up in the contract tests.
 */

/** A Stripe-style API error (assumed shape): status, message, and the field to blame. */
export class OverplaneSimError extends Error {
  readonly status: number;
  readonly type: string;
  readonly param: string | undefined;
  constructor(status: number, message: string, param?: string) {
    super(message);
    this.status = status;
    this.type = errorType(status);
    this.param = param;
  }
}

export function errorType(status: number): string {
  if (status === 401) return 'authentication_error';
  if (status === 429) return 'rate_limit_error';
  if (status >= 500) return 'api_error';
  return 'invalid_request_error';
}

export function errorBody(status: number, message: string, param?: string): { error: { message: string; type: string; param?: string } } {
  return { error: { message, type: errorType(status), ...(param === undefined ? {} : { param }) } };
}

type FieldType = 'string' | 'number' | 'integer' | 'boolean';
export type FieldTable = Readonly<Record<string, FieldType>>;

export const PROSPECT_FIELDS: FieldTable = {
  company: 'string',
  company_name: 'string',
  industry: 'string',
  market_segment: 'string',
  customer_group: 'string',
  territory: 'string',
  no_of_employees: 'string',
  annual_revenue: 'number',
  fax: 'string',
  website: 'string',
  prospect_owner: 'string',
};

/** `idx` is a writable integer on child rows: Overplane's child-item pages list it among the body parameters. */
export const LEAD_FIELDS: FieldTable = {
  idx: 'integer',
  prospect_id: 'string',
  lead: 'string',
  lead_name: 'string',
  status: 'string',
  email: 'string',
  mobile_no: 'string',
  lead_owner: 'string',
};

export const OPPORTUNITY_FIELDS: FieldTable = {
  idx: 'integer',
  prospect_id: 'string',
  opportunity: 'string',
  amount: 'number',
  stage: 'string',
  probability: 'number',
  expected_closing: 'string',
  currency: 'string',
  deal_owner: 'string',
  contact_person: 'string',
};

/** "The Lead object" (Overplane's `lead` page): no field is marked required. */
const LEAD_RECORD_TEXT = [
  'lead_name', 'company_name', 'email_id', 'lead_owner', 'status', 'salutation', 'gender', 'customer', 'image', 'phone',
  'mobile_no', 'fax', 'type', 'market_segment', 'industry', 'request_type', 'company', 'website', 'territory', 'title',
  'language', 'first_name', 'middle_name', 'last_name', 'no_of_employees', 'whatsapp_no', 'phone_ext', 'qualified_by',
  'qualified_on', 'qualification_status', 'job_title', 'city', 'state', 'country', 'utm_content', 'utm_source',
  'utm_medium', 'utm_campaign',
];
export const LEAD_RECORD_FIELDS: FieldTable = {
  ...Object.fromEntries(LEAD_RECORD_TEXT.map((key) => [key, 'string' as const])),
  unsubscribed: 'boolean',
  blog_subscriber: 'boolean',
  disabled: 'boolean',
  annual_revenue: 'number',
};
/** Documented defaults of a new Lead ("Default: __user", "Default: Lead", "Default: false"). */
export const LEAD_RECORD_DEFAULTS: Readonly<Record<string, string | boolean>> = {
  lead_owner: '__user',
  status: 'Lead',
  unsubscribed: false,
  blog_subscriber: false,
  disabled: false,
};

export interface BodyRules {
  fields: FieldTable;
  /** Must be present and, for strings, non-empty. */
  required?: readonly string[];
  /** Documented fields that this endpoint does not accept (e.g. `prospect_id` on a line-item PATCH). */
  refused?: readonly string[];
}

/** Checks a JSON body against a field table; answers the clean body or throws a 400 naming the field. */
export function validateBody(body: unknown, rules: BodyRules): Record<string, string | number | boolean> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new OverplaneSimError(400, 'The request body must be a JSON object');
  }
  const clean: Record<string, string | number | boolean> = {};
  for (const [key, value] of Object.entries(body)) {
    const type = rules.fields[key];
    if (type === undefined || rules.refused?.includes(key)) throw new OverplaneSimError(400, `Received unknown parameter: ${key}`, key);
    if (!hasType(value, type)) throw new OverplaneSimError(400, `Invalid ${type} for parameter ${key}`, key);
    clean[key] = value as string | number | boolean;
  }
  for (const key of rules.required ?? []) {
    if (clean[key] === undefined || clean[key] === '') throw new OverplaneSimError(400, `Missing required param: ${key}`, key);
  }
  return clean;
}

function hasType(value: unknown, type: FieldType): boolean {
  if (type === 'integer') return Number.isSafeInteger(value) && (value as number) >= 0;
  if (type === 'number') return typeof value === 'number' && Number.isFinite(value);
  return typeof value === type;
}

/** A non-negative integer query parameter within bounds, or its default. */
export function intParam(query: Record<string, unknown>, name: string, fallback: number, min: number, max: number): number {
  const raw = query[name];
  if (raw === undefined) return fallback;
  const value = typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new OverplaneSimError(400, `Invalid integer for parameter ${name}: expected ${min}..${max}`, name);
  }
  return value;
}
