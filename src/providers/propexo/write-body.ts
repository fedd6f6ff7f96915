import type { z } from 'zod';
import { ProviderValidationError } from '../errors.ts';
import { CREATE_ONLY_KEYS, PropexoCreateBody, PropexoUpdateBody, PropexoWriteBody, UPDATE_ONLY_KEYS, toPropexoIssues } from './schema.ts';

/** The connection settings a write body may be completed from. */
export interface PropexoWriteDefaults {
  integrationId?: string | undefined;
  leaseId?: string | undefined;
}

const CREATE_OPERATION = 'POST /crm/v1/prospects';
const UPDATE_OPERATION = 'PUT /crm/v1/prospects/:prospect_id';

/**
 * Turns a mapping's write body (one shape for both writes) into a create body: `integration_id` from the body or
 * the connection, `lease_id` dropped (create does not take it), then checked against the create schema so that
 * what Propexo would reject (a 24-month lease term, say) fails here without spending a call.
 */
export function toCreateBody(body: Record<string, unknown>, defaults: PropexoWriteDefaults): PropexoCreateBody {
  const write = check(PropexoWriteBody, body, CREATE_OPERATION);
  const { lease_id: _dropped, ...rest } = write;
  const integrationId = write.integration_id ?? defaults.integrationId;
  if (!integrationId) {
    throw missing('integration_id', CREATE_OPERATION, 'set it in the mapping or as the connection option integrationId');
  }
  return check(PropexoCreateBody, { ...rest, integration_id: integrationId }, CREATE_OPERATION);
}

/**
 * Turns a mapping's write body into an update body: `lease_id` from the body (the prospect's own lease, set per
 * record by the mapping) or, as a last resort, the connection's fallback; and the
 * create-only fields (`integration_id`, `community_id`, `middle_name`, `attribution_id`, `first_contact_type`)
 * dropped, because the update endpoint rejects unknown fields.
 */
export function toUpdateBody(body: Record<string, unknown>, defaults: PropexoWriteDefaults): PropexoUpdateBody {
  const write: Record<string, unknown> = { ...check(PropexoWriteBody, body, UPDATE_OPERATION) };
  for (const key of CREATE_ONLY_KEYS) delete write[key];
  const leaseId = (write['lease_id'] as string | undefined) ?? defaults.leaseId;
  if (!leaseId) throw missing('lease_id', UPDATE_OPERATION, "the prospect's lease: map it per record (`lease_id` in the mapping)");
  return check(PropexoUpdateBody, { ...write, lease_id: leaseId }, UPDATE_OPERATION);
}

/** Keys a write body may carry that one endpoint or the other drops. */
export const ENDPOINT_SPECIFIC_KEYS = { createOnly: CREATE_ONLY_KEYS, updateOnly: UPDATE_ONLY_KEYS } as const;

function check<S extends z.ZodType>(schema: S, value: unknown, operation: string): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issues = toPropexoIssues(parsed.error);
  const fields = issues.map((issue) => issue.path.join('.'));
  const detail = issues.map((issue, i) => `${fields[i] || '(body)'}: ${issue.message}`).join('; ');
  return rejectLocally(`propexo ${operation} body is invalid (not sent): ${detail}`, operation, fields, parsed.error);
}

function missing(field: string, operation: string, hint: string): ProviderValidationError {
  return new ProviderValidationError(`propexo ${operation} needs ${field} (not sent): ${hint}`, {
    provider: 'propexo',
    operation,
    status: null,
    fields: [field],
  });
}

function rejectLocally(message: string, operation: string, fields: string[], cause: unknown): never {
  throw new ProviderValidationError(message, { provider: 'propexo', operation, status: null, fields, cause });
}
