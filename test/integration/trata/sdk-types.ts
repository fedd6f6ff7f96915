/**
 * Trata's published TypeScript SDK (GitHub TrataHQ/ts-client-sdk, `api.ts` at 0dc1089a, and `docs/ProspectsApi.md`),
 * transcribed as zod schemas: an oracle neither the connector nor the simulator was written from. Only the prospect
 * part, field for field:
 *  - `ProspectInput`: `status: ProspectStatus` required; `name`, `email`, `phoneNumber`: `string | null` optional;
 *    `externalReference?: Array<ExternalReference> | null`; `prospectProps?: { [key: string]: any } | null`.
 *  - `ProspectOutput`: `id: string`, `externalReference: Array<ExternalReference> | null`, `status: string`,
 *    `prospectProps: { [key: string]: any } | null` required; `orgId`, `name`, `email`, `phoneNumber`,
 *    `createdBy`, `createdAt`, `updatedBy`, `updatedAt` optional.
 *  - `ExternalReference`: `providerName: string`, `id: string`, `providerProps?: { [key: string]: any }`.
 *  - `listProspectsV1(searchBy, searchValue, status, sortBy, sortOrder: SortOrder, skip, limit, updatedAfter,
 *    updatedBefore)` sent as `search_by`, `search_value`, `status`, `sort_by`, `sort_order`, `skip`, `limit`,
 *    `updated_after`, `updated_before`; `SortOrder` = `asc` | `desc`. Every operation documents 200 and 422.
 */
import { z } from 'zod';

export const SDK_PROSPECT_STATUS = [
  'NEW',
  'GENERAL_ENQUIRY',
  'SCHEDULED_CALLBACK_WITH_BOT',
  'SCHEDULED_APPOINTMENT_WITH_PERSON',
  'SCHEDULED_APPOINTMENT_FOR_SERVICE',
  'NOT_INTERESTED',
  'PRODUCT_ORDER_PLACED',
  'SERVICE_ORDER_PLACED',
] as const;

const anyObject = z.record(z.string(), z.unknown());

export const SdkExternalReference = z.strictObject({
  providerName: z.string(),
  id: z.string(),
  providerProps: anyObject.optional(),
});

export const SdkProspectInput = z.strictObject({
  name: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
  phoneNumber: z.string().nullable().optional(),
  externalReference: z.array(SdkExternalReference).nullable().optional(),
  status: z.enum(SDK_PROSPECT_STATUS),
  prospectProps: anyObject.nullable().optional(),
});

export const SdkProspectOutput = z.strictObject({
  id: z.string(),
  orgId: z.string().optional(),
  name: z.string().nullable().optional(),
  email: z.string().nullable().optional(),
  phoneNumber: z.string().nullable().optional(),
  externalReference: z.array(SdkExternalReference).nullable(),
  status: z.string(),
  prospectProps: anyObject.nullable(),
  createdBy: z.string().optional(),
  createdAt: z.string().optional(),
  updatedBy: z.string().optional(),
  updatedAt: z.string().optional(),
});

export const SDK_LIST_PARAMS = ['search_by', 'search_value', 'status', 'sort_by', 'sort_order', 'skip', 'limit', 'updated_after', 'updated_before'] as const;
export const SDK_SORT_ORDER = ['asc', 'desc'] as const;

/** The keys of a zod object schema. */
export function keysOf(schema: { shape: Record<string, unknown> }): string[] {
  return Object.keys(schema.shape).sort();
}
