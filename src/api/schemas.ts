import { z } from 'zod';
import { InlineRecord, MAX_INLINE_RECORDS } from '../queues/contracts.ts';
import { RUN_STATUSES } from '../sync/ledger.ts';
import { RecordErrorEntry } from '../sync/ledger.ts';

/**
 * The API's request and response schemas: zod is the single source of the validation, the TypeScript types and
 * the OpenAPI document. What we accept is strict (an unknown field is a 400 naming it).
 */

export const SyncName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'a sync name: lower-case letters, digits and dashes');
/** Run ids: `run-<uuid>`, `records-<uuid>`, scheduled `repeat:<sync>:<ms>`. */
export const JobId = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9:_.-]{0,199}$/, 'a job id as returned by the API');

export const SyncParams = z.strictObject({ name: SyncName });
export const JobParams = z.strictObject({ job_id: JobId });

export const Paging = z.strictObject({
  offset: z.coerce.number().int().min(0).max(100_000).default(0),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export const IdempotencyHeaders = z.object({
  'idempotency-key': z.string().min(1).max(255).regex(/^[\x21-\x7e]+$/, 'printable ASCII without spaces').optional(),
});

/** Optional: a POST with no body at all (Fastify reads it as null) starts an incremental run. */
export const StartRunBody = z
  .strictObject({
    full: z.boolean().optional().describe('Full resync: read the whole source, not just what changed since the last run. Default false.'),
  })
  .nullish();

export const PushRecordsBody = z.strictObject({
  sync: SyncName,
  records: z
    .array(z.strictObject(InlineRecord.shape))
    .min(1)
    .max(MAX_INLINE_RECORDS)
    .describe(`Source records in the source provider's own shape; at most ${MAX_INLINE_RECORDS}.`),
});
export type PushRecordsBody = z.infer<typeof PushRecordsBody>;

export const JobKind = z.enum(['sync-run', 'records', 'retry', 'webhook', 'scheduled']);
export type JobKind = z.infer<typeof JobKind>;

export const Accepted = z.object({
  job_id: z.string(),
  data: z.object({
    kind: JobKind,
    sync: z.string(),
    full: z.boolean().optional(),
    records: z.number().int().optional(),
    /** True when an Idempotency-Key replay answered an earlier job. */
    replayed: z.boolean(),
  }),
});

const Counts = z.object({
  pulled: z.number(),
  unchanged: z.number(),
  created: z.number(),
  updated: z.number(),
  pushed: z.number().describe('created + updated'),
  rejected: z.number(),
  failed: z.number(),
});

export const RecordError = RecordErrorEntry.extend({
  runId: z.string().optional(),
  resolved: z.boolean().optional().describe('the record is no longer failed: a later write of it succeeded (or it was deleted at the source)'),
  resolvedAt: z.string().nullable().optional().describe('when a later success resolved it; null while failed, or for a deletion'),
});

export const ErrorsPage = z.object({ total: z.number(), offset: z.number(), limit: z.number(), items: z.array(RecordError) });

export const JobView = z.object({
  job_id: z.string(),
  kind: JobKind,
  sync: z.string(),
  status: z.enum(RUN_STATUSES),
  progress: z.object({
    /** Records done (pushed, unchanged, rejected or failed) out of those pulled so far. */
    done: z.number(),
    pulled: z.number(),
    pull_done: z.boolean(),
    percent: z.number().min(0).max(100),
  }),
  counts: Counts,
  reason: z.string().nullable(),
  errors: ErrorsPage,
  created_at: z.string(),
  finished_at: z.string().nullable(),
});
export type JobView = z.infer<typeof JobView>;

export const RunView = JobView.omit({ errors: true });
export type RunView = z.infer<typeof RunView>;

export const SyncView = z.object({
  name: z.string(),
  enabled: z.boolean(),
  source: z.object({ provider: z.string(), connection: z.string() }),
  targets: z.array(z.object({ provider: z.string(), connection: z.string(), mapping: z.string(), mode: z.string() })),
  // `type` beside `nullable`: OpenAPI 3.0 wants one (the value is an object or null).
  schedule: z.union([z.object({ every_ms: z.number() }), z.object({ cron: z.string(), tz: z.string() })]).nullable().meta({ type: 'object' }),
  next_run_at: z.string().nullable(),
  last_run: RunView.nullable(),
});

export const ErrorResponse = z.object({
  error: z.string(),
  message: z.string(),
  issues: z.array(z.object({ field: z.string(), message: z.string() })).optional(),
});
