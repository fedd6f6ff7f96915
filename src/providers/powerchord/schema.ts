import { z } from 'zod';

/** Lead status keys, exactly as documented (seed 004). Labels in comments. */
export const POWERCHORD_STATUSES = [
  'open', // New
  'contacted', // Contact Attempted
  'inProgress', // In Progress
  'onHold', // On Hold
  'closedWon', // Closed | Won
  'closedNotInterested', // Closed | Not Interested
  'closedBoughtUsed', // Closed | Bought Used
  'closedBoughtOtherBrand', // Closed | Bought Other Brand
] as const;
export const PowerChordStatus = z.enum(POWERCHORD_STATUSES);
export type PowerChordStatus = z.infer<typeof PowerChordStatus>;

/** Lead content: free key/value pairs of third-party data, merged key by key on update. */
export const PowerChordContent = z.record(z.string(), z.unknown());

/**
 * `PATCH /v3/lead/{leadID}`: any of `Status`, `ExternalID`, `Content`, capitalised. This is also the body a
 * mapping produces for PowerChord; the connector turns it into the create body when the lead is new.
 */
export const PowerChordLeadUpdate = z.strictObject({
  Status: PowerChordStatus.optional(),
  ExternalID: z.string().optional(),
  Content: PowerChordContent.optional(),
});
export type PowerChordLeadUpdate = z.infer<typeof PowerChordLeadUpdate>;

/**
 * `POST https://leads.powerchord.com/v1/{trunkID}`: lower-case keys. Either an `organizationID`, or a `locatorID`
 * with a `locationSearch` that assigns an organization.
 */
export const PowerChordLeadCreate = z
  .strictObject({
    organizationID: z.string().min(1).optional(),
    locatorID: z.string().min(1).optional(),
    locationSearch: z.strictObject({ searchText: z.string().optional(), postalCode: z.string().optional() }).optional(),
    content: PowerChordContent,
    // "Required." (Resources: Lead creation object).
    typeKey: z.string().min(1),
    typeLabel: z.string().min(1),
    status: PowerChordStatus.default('open'),
  })
  .refine((body) => body.organizationID !== undefined || (body.locatorID !== undefined && body.locationSearch !== undefined), {
    message: 'either organizationID, or locatorID with locationSearch, is required',
    path: ['organizationID'],
  });
export type PowerChordLeadCreate = z.input<typeof PowerChordLeadCreate>;

export const PowerChordLeadCreated = z.looseObject({
  leadID: z.string(),
  assignedOrganizationID: z.string().nullish(),
});

/**
 * What a write reads of its answer: the lead's id, and nothing else. A strip object reads only its keys, so the rest
 * of the answer (a PATCH answers the whole lead, its content included) is not copied for every record written.
 */
export const PowerChordCreateAnswer = z.object({ leadID: z.string() });
export const PowerChordUpdateAnswer = z.object({ ID: z.string() });
export type PowerChordUpdateAnswer = z.infer<typeof PowerChordUpdateAnswer>;

/** The whole lead, as PATCH answers it. Tolerant of the many fields we do not use. */
export const PowerChordLead = z.looseObject({
  ID: z.string(),
  Status: z.string(),
  Stage: z.string().optional(),
  ExternalID: z.string().optional(),
  Content: z.record(z.string(), z.unknown()).nullish(),
  CreatedAt: z.string().optional(),
  UpdatedAt: z.string().optional(),
  DisplayName: z.string().optional(),
  TypeKey: z.string().optional(),
  TypeLabel: z.string().optional(),
});
export type PowerChordLead = z.infer<typeof PowerChordLead>;

/** PowerChord's error shape is not documented (*assumed*: `{"error": "...", "message": "..."}`). */
export const PowerChordErrorBody = z.looseObject({
  error: z.string().optional(),
  message: z.string().optional(),
  fields: z.array(z.string()).optional(),
});

/** `POST /v3/oauth2/login` (Authentication): `{"Token": "< token string >"}`, a temporary JWT. */
export const PowerChordLoginAnswer = z.looseObject({ Token: z.string().min(1) });

/** *Assumed* (not on the stored Authentication page): `POST /v3/oauth2/client` answers the new client's id and secret. */
export const PowerChordOAuthClient = z.looseObject({ ClientID: z.string().min(1), ClientSecret: z.string().min(1) });

/** *Assumed*: the client-credentials grant answers as RFC 6749 §5.1 says. */
export const PowerChordTokenAnswer = z.looseObject({
  access_token: z.string().min(1),
  token_type: z.string().optional(),
  expires_in: z.number().positive().optional(),
});

/** The one JWT claim we read: when the token expires (RFC 7519 NumericDate, seconds). */
export const PowerChordJwtClaims = z.looseObject({ exp: z.number().optional() });
