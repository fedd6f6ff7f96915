import { z } from 'zod';
import { httpUrl, optionalText, pushConcurrency, rateLimit, rateWindowMs } from '../../config/env-fields.ts';
import type { ConnectionSettings } from '../types.ts';
import { OVERPLANE_HOSTS } from './hosts.ts';

/** The environment variables of an Overplane connection (merged into `config/env.ts`). */
export const OverplaneEnv = z.object({
  OVERPLANE_BASE_URL: httpUrl.default(OVERPLANE_HOSTS.api),
  OVERPLANE_TOKEN: optionalText,
  /** Overplane documents no request budget: none unless configured. */
  OVERPLANE_RATE_LIMIT: rateLimit.optional(),
  OVERPLANE_RATE_WINDOW_MS: rateWindowMs,
  OVERPLANE_PUSH_CONCURRENCY: pushConcurrency,
});
export type OverplaneEnv = z.infer<typeof OverplaneEnv>;

/** The variable behind each connection setting, so a refused setting is reported by the name the operator sets. */
export const OVERPLANE_ENV_VARIABLES = Object.freeze({ token: 'OVERPLANE_TOKEN', baseUrl: 'OVERPLANE_BASE_URL' });

/** A token makes the connection real; without one the sandbox simulates Overplane. */
export function overplaneConnectionFromEnv(env: OverplaneEnv): ConnectionSettings | null {
  return env.OVERPLANE_TOKEN === undefined ? null : { baseUrl: env.OVERPLANE_BASE_URL, token: env.OVERPLANE_TOKEN, options: {} };
}
