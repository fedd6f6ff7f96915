import { z } from 'zod';
import { httpUrl, optionalText, pushConcurrency, rateLimit, rateWindowMs } from '../../config/env-fields.ts';
import type { ConnectionSettings } from '../types.ts';
import { PROPEXO_ENVIRONMENTS, PROPEXO_HOSTS } from './hosts.ts';

/** The environment variables of a Propexo connection and its webhooks (merged into `config/env.ts`). */
export const PropexoEnv = z.object({
  /** Picks the host (`PROPEXO_HOSTS`) unless PROPEXO_BASE_URL overrides it. */
  PROPEXO_ENVIRONMENT: z.enum(PROPEXO_ENVIRONMENTS).default('production'),
  PROPEXO_BASE_URL: httpUrl.optional(),
  PROPEXO_TOKEN: optionalText,
  /** Completes every create (documented as required). */
  PROPEXO_INTEGRATION_ID: optionalText,
  /**
   * A fallback only: `lease_id` belongs to each prospect and is mapped per record; this fills an update whose
   * mapping sets none. Unset, such an update is a record-level error naming `lease_id`.
   */
  PROPEXO_LEASE_ID: optionalText,
  /** Verifies `propexo-signature` on `POST /v1/webhooks/propexo`; without it the route answers 503. */
  PROPEXO_WEBHOOK_SECRET: optionalText,
  /** Documented: 150 requests a minute (the docs say it "might be higher or lower": the connector reads the header). */
  PROPEXO_RATE_LIMIT: rateLimit.default(150),
  PROPEXO_RATE_WINDOW_MS: rateWindowMs,
  PROPEXO_PUSH_CONCURRENCY: pushConcurrency,
});
export type PropexoEnv = z.infer<typeof PropexoEnv>;

/** The variable behind each connection setting, so a refused setting is reported by the name the operator sets. */
export const PROPEXO_ENV_VARIABLES = Object.freeze({
  token: 'PROPEXO_TOKEN',
  baseUrl: 'PROPEXO_BASE_URL',
  integrationId: 'PROPEXO_INTEGRATION_ID',
  leaseId: 'PROPEXO_LEASE_ID',
  rateLimitWindowMs: 'PROPEXO_RATE_WINDOW_MS',
});

/** A token makes the connection real; without one the sandbox simulates Propexo. */
export function propexoConnectionFromEnv(env: PropexoEnv): ConnectionSettings | null {
  if (env.PROPEXO_TOKEN === undefined) return null;
  return {
    baseUrl: env.PROPEXO_BASE_URL ?? PROPEXO_HOSTS[env.PROPEXO_ENVIRONMENT],
    token: env.PROPEXO_TOKEN,
    options: {
      integrationId: env.PROPEXO_INTEGRATION_ID,
      leaseId: env.PROPEXO_LEASE_ID,
      // The connector's 429 wait follows the budget's window.
      rateLimitWindowMs: String(env.PROPEXO_RATE_WINDOW_MS),
    },
  };
}
