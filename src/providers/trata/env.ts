import { z } from 'zod';
import { httpUrl, optionalText, pushConcurrency, rateLimit, rateWindowMs } from '../../config/env-fields.ts';
import type { ConnectionSettings } from '../types.ts';
import { TRATA_HOSTS } from './hosts.ts';

/** The environment variables of a Trata connection (merged into `config/env.ts`). */
export const TrataEnv = z.object({
  TRATA_BASE_URL: httpUrl.default(TRATA_HOSTS.api),
  TRATA_TOKEN: optionalText,
  /** Trata documents no request budget: none unless configured. */
  TRATA_RATE_LIMIT: rateLimit.optional(),
  TRATA_RATE_WINDOW_MS: rateWindowMs,
  TRATA_PUSH_CONCURRENCY: pushConcurrency,
});
export type TrataEnv = z.infer<typeof TrataEnv>;

/** The variable behind each connection setting, so a refused setting is reported by the name the operator sets. */
export const TRATA_ENV_VARIABLES = Object.freeze({ token: 'TRATA_TOKEN', baseUrl: 'TRATA_BASE_URL' });

/** A token makes the connection real; without one the sandbox simulates Trata. */
export function trataConnectionFromEnv(env: TrataEnv): ConnectionSettings | null {
  return env.TRATA_TOKEN === undefined ? null : { baseUrl: env.TRATA_BASE_URL, token: env.TRATA_TOKEN, options: {} };
}
