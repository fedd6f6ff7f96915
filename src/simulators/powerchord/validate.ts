/**
 * The simulator's own reading of PowerChord's request rules, written from the developer site (seed 004 "Updating a
 * Lead", "Creating a lead for a specific organization", "Resources: Lead creation object", "Authentication"), apart
 * from the connector's schemas: if both shared one schema, a mistake in it could never show up in a contract test.
 * What the pages do not say is marked *assumed*.
 */
import { z } from 'zod';

/** "Lead status key values" (seed 004), exactly as the table lists them. */
export const STATUS_KEYS = ['open', 'contacted', 'inProgress', 'onHold', 'closedWon', 'closedNotInterested', 'closedBoughtUsed', 'closedBoughtOtherBrand'] as const;

/**
 * "Lead creation object" (Resources): `typeKey` and `typeLabel` are "Required."; `locatorID` is "Required if no
 * organization is specified"; `status` "Defaults to open". Keys the page does not list are ignored (*assumed*,
 * as a JSON decoder does by default); that `status` must be a status key, and that a locator needs its
 * `locationSearch`, are *assumed*.
 */
export const CreateLeadBody = z
  .object({
    organizationID: z.string().optional(),
    locatorID: z.string().optional(),
    locationSearch: z.object({ searchText: z.string().optional(), postalCode: z.string().optional() }).optional(),
    content: z.record(z.string(), z.unknown()).optional(),
    typeKey: z.string({ error: 'typeKey is required' }).min(1, 'typeKey is required'),
    typeLabel: z.string({ error: 'typeLabel is required' }).min(1, 'typeLabel is required'),
    status: z.enum(STATUS_KEYS).default('open'),
  })
  .refine((body) => Boolean(body.organizationID) || (Boolean(body.locatorID) && body.locationSearch !== undefined), {
    message: 'organizationID, or locatorID with locationSearch, is required',
    path: ['organizationID'],
  });
export type CreateLeadBody = z.infer<typeof CreateLeadBody>;

/**
 * "The following fields can be updated for a Lead: Status, ExternalID, Content" (seed 004). Anything else is
 * refused rather than silently dropped (*assumed*: the page does not say what happens to other keys).
 */
export const PatchLeadBody = z.strictObject({
  Status: z.enum(STATUS_KEYS).optional(),
  ExternalID: z.string().optional(),
  Content: z.record(z.string(), z.unknown()).optional(),
});
export type PatchLeadBody = z.infer<typeof PatchLeadBody>;

/** "Request Temporary JWT Token" (Authentication): `{"email", "password"}`. */
export const LoginBody = z.object({ email: z.string().min(1), password: z.string().min(1) });

/**
 * *Assumed* (the stored Authentication page stops after "Create OAuth Client"): the OAuth client gets access
 * tokens with the client-credentials grant of RFC 6749 §4.4, form-encoded, the client authenticated by HTTP Basic
 * or by `client_id`/`client_secret` in the body (§2.3.1).
 */
export const TokenRequest = z.object({
  grant_type: z.string(),
  client_id: z.string().optional(),
  client_secret: z.string().optional(),
});

/** The error body PowerChord does not document (*assumed*: `{error, message, fields}`), for JSON errors. */
export function errorBody(status: number, message: string, fields?: string[]) {
  const error =
    status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : status === 404 ? 'not_found' : status === 429 ? 'rate_limited' : status >= 500 ? 'server_error' : 'bad_request';
  return { error, message, ...(fields ? { fields } : {}) };
}

/** A zod failure as a 400 body naming each field. */
export function invalidBody(error: z.ZodError) {
  const pathOf = (issue: z.core.$ZodIssue) => issue.path.join('.') || (issue.code === 'unrecognized_keys' ? issue.keys.join(',') : '');
  return errorBody(
    400,
    error.issues.map((issue) => `${pathOf(issue) || '(body)'}: ${issue.message}`).join('; '),
    error.issues.map(pathOf),
  );
}
