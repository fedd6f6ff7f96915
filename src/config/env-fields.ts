import { z } from 'zod';

/**
 * Field rules shared by `config/env.ts` and each provider's env piece (`src/providers/<name>/env.ts`), so every
 * variable of one kind is read the same way wherever it is declared.
 */

/** An optional text variable; a blank one counts as unset. */
export const optionalText = z.string().trim().min(1).optional().catch(undefined);

export const httpUrl = z.url({ protocol: /^https?$/ });

/** `<PROVIDER>_RATE_LIMIT`: requests per `<PROVIDER>_RATE_WINDOW_MS`, shared by every worker (counted in Redis). */
export const rateLimit = z.coerce.number().int().min(1);
export const rateWindowMs = z.coerce.number().int().min(100).default(60_000);
/** `<PROVIDER>_PUSH_CONCURRENCY`: records each process writes to the provider at once; unset: PUSH_CONCURRENCY. */
export const pushConcurrency = z.coerce.number().int().min(1).max(500).optional();
