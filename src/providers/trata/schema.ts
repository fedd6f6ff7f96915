import { z } from 'zod';

/** Trata's prospect status enum, exactly as documented (seeds 000, 001). */
export const TRATA_STATUSES = [
  'NEW',
  'GENERAL_ENQUIRY',
  'SCHEDULED_CALLBACK_WITH_BOT',
  'SCHEDULED_APPOINTMENT_WITH_PERSON',
  'SCHEDULED_APPOINTMENT_FOR_SERVICE',
  'NOT_INTERESTED',
  'PRODUCT_ORDER_PLACED',
  'SERVICE_ORDER_PLACED',
] as const;
export const TrataStatus = z.enum(TRATA_STATUSES);
export type TrataStatus = z.infer<typeof TrataStatus>;

/** `name`, `email`, `phoneNumber`: string or null, 1..512 characters. */
const text = z.string().min(1).max(512);

/**
 * One entry of `externalReference`. The docs' example shows `providerProps` as a string, the schema calls it
 * props: accept either a string or an object.
 */
export const TrataExternalReference = z.object({
  providerName: z.string().min(1),
  id: z.string().min(1),
  providerProps: z.union([z.string(), z.record(z.string(), z.unknown())]).nullish(),
});
export type TrataExternalReference = z.infer<typeof TrataExternalReference>;

/**
 * A reference as Trata answers it. The SDK types `providerName` and `id` as plain strings and the seeds give a
 * length (1..512) only for `name`, `email` and `phoneNumber`: an empty one written by another system is valid, and
 * must not make the whole prospect (or list page) unreadable. Only our own writes keep the non-empty rule above.
 */
const TrataExternalReferenceAnswer = TrataExternalReference.extend({ providerName: z.string(), id: z.string() }).loose();

/** `prospectProps`: an object (the docs' example shows a string; an object is what the API stores). */
const ProspectProps = z.record(z.string(), z.unknown());

/** Body of `POST /v1/prospects` and `PUT /v1/prospects/{id}` (PUT is a full update: `status` is required too). */
export const TrataProspectInput = z.strictObject({
  status: TrataStatus,
  name: text.nullish(),
  email: z.email().min(1).max(512).nullish(),
  phoneNumber: text.nullish(),
  externalReference: z.array(TrataExternalReference).nullish(),
  prospectProps: ProspectProps.nullish(),
});
export type TrataProspectInput = z.infer<typeof TrataProspectInput>;

/**
 * Trata timestamps come without a zone (`2024-11-11T05:09:14.979287`): they are UTC. Normalised to an ISO string
 * with `Z` and millisecond precision kept as sent (microseconds are kept in the raw string for cursors).
 */
export const TrataTimestamp = z.string().transform((value) => (/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value}Z`));

/** A prospect as Trata answers it. Tolerant: unknown fields pass through. */
export const TrataProspect = z.looseObject({
  id: z.string(),
  orgId: z.string().optional(),
  status: z.string(),
  name: z.string().nullish(),
  email: z.string().nullish(),
  phoneNumber: z.string().nullish(),
  externalReference: z.array(TrataExternalReferenceAnswer).nullish(),
  prospectProps: z.record(z.string(), z.unknown()).nullish(),
  createdBy: z.string().optional(),
  createdAt: TrataTimestamp.optional(),
  updatedBy: z.string().optional(),
  updatedAt: TrataTimestamp.optional(),
});
export type TrataProspect = z.infer<typeof TrataProspect>;

/** `GET /v1/prospects` answers a bare array: no total, no has_more. */
export const TrataProspectList = z.array(TrataProspect);

export const TrataDeleteAnswer = z.looseObject({ message: z.string() });

/** FastAPI-style errors: 422 `{detail: [{loc, msg, type}]}`, other errors `{detail: "..."}`. */
export const TrataErrorBody = z.object({
  detail: z.union([
    z.string(),
    z.array(z.object({ loc: z.array(z.union([z.string(), z.number()])), msg: z.string(), type: z.string() })),
  ]),
});

export const TRATA_SORT_FIELDS = ['createdAt', 'updatedAt', 'name', 'email', 'status'] as const;
export const TRATA_SEARCH_FIELDS = ['name', 'email', 'phoneNumber'] as const;

/** Query of `GET /v1/prospects`. */
export const TrataListQuery = z.strictObject({
  search_by: z.enum(TRATA_SEARCH_FIELDS).optional(),
  search_value: z.string().optional(),
  status: TrataStatus.optional(),
  sort_by: z.enum(TRATA_SORT_FIELDS).optional(),
  sort_order: z.enum(['asc', 'desc']).optional(),
  skip: z.coerce.number().int().min(0).optional(),
  limit: z.coerce.number().int().min(1).max(1000).optional(),
  updated_after: z.string().optional(),
  updated_before: z.string().optional(),
});
export type TrataListQuery = z.infer<typeof TrataListQuery>;
