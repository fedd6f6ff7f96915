/**
 * The simulator's own reading of Overplane's request rules (seed 002, plus the assumptions listed in
 * src/providers/overplane/schema.ts). Deliberately written apart from the connector's zod schemas: if both shared
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

type FieldType = 'string' | 'number';
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

export const LEAD_FIELDS: FieldTable = {
  prospect_id: 'string',
  lead: 'string',
  lead_name: 'string',
  status: 'string',
  email: 'string',
  mobile_no: 'string',
  lead_owner: 'string',
};

export const OPPORTUNITY_FIELDS: FieldTable = {
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

export interface BodyRules {
  fields: FieldTable;
  /** Must be present and, for strings, non-empty. */
  required?: readonly string[];
  /** Documented fields that this endpoint does not accept (e.g. `prospect_id` on a line-item PATCH). */
  refused?: readonly string[];
}

/** Checks a JSON body against a field table; answers the clean body or throws a 400 naming the field. */
export function validateBody(body: unknown, rules: BodyRules): Record<string, string | number> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new OverplaneSimError(400, 'The request body must be a JSON object');
  }
  const clean: Record<string, string | number> = {};
  for (const [key, value] of Object.entries(body)) {
    const type = rules.fields[key];
    if (type === undefined || rules.refused?.includes(key)) throw new OverplaneSimError(400, `Received unknown parameter: ${key}`, key);
    if (typeof value !== type || (type === 'number' && !Number.isFinite(value))) {
      throw new OverplaneSimError(400, `Invalid ${type} for parameter ${key}`, key);
    }
    clean[key] = value as string | number;
  }
  for (const key of rules.required ?? []) {
    if (clean[key] === undefined || clean[key] === '') throw new OverplaneSimError(400, `Missing required param: ${key}`, key);
  }
  return clean;
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
