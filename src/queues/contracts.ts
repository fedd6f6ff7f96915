import { z } from 'zod';
import { PROVIDER_NAMES } from '../providers/types.ts';

/** The sync queue: runs start here, and every source page is one job here. */
export const SYNC_QUEUE = 'sync';
/**
 * One push queue per target connection, each with its own workers, concurrency and rate limit: a connection's
 * backlog never stands in front of another connection's jobs (see the README, fair scheduling). The environment's
 * connections are named after their providers, so their queues keep the names they always had (`push-trata`).
 */
export const pushQueueName = (connection: string) => `push-${connection}`;
/** The push queues of the environment's connections (one per provider), which the dashboard always shows. */
export const PUSH_QUEUES = PROVIDER_NAMES.map(pushQueueName);
export const isPushQueue = (queue: string) => queue.startsWith('push-');

/**
 * A page job's priority in the sync queue: its page number (BullMQ runs lower numbers first; 1 is the highest
 * priority a job can have, and run jobs, which have none, go before every page). Every run keeps at most one page
 * queued, so among the runs in progress the one with the fewest pages read goes next: a run that starts while
 * others are deep into a large scan has its first pages read at once instead of after one page of each of them.
 */
export const pagePriority = (page: number) => Math.min(page + 1, 2_097_152);

const Cursor = z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).nullable();

/** At most this many records travel inline in one run job (they sit in Redis as job data). */
export const MAX_INLINE_RECORDS = 100;

/** A source record handed to us directly, in the source provider's own shape. */
export const InlineRecord = z.object({
  id: z.string().min(1),
  updatedAt: z.string().nullable().default(null),
  data: z.record(z.string(), z.unknown()),
});

/** `sync/run`: start a run of one sync. The job's id is the run id (the API's job_id). */
export const RunJob = z.object({
  sync: z.string().min(1),
  /** Scan the source from the start instead of from the saved cursor. */
  full: z.boolean().default(false),
  /** `recovery`: started by the run watchdog for the records of a run whose jobs Redis lost (sync/run-watchdog.ts). */
  trigger: z.enum(['schedule', 'api', 'cli', 'start', 'retry', 'webhook', 'recovery']).default('api'),
  /** Only these source ids (a retry of failed records, a webhook's changed record). */
  sourceIds: z.array(z.string().min(1)).max(1000).optional(),
  /** Source records given inline (`POST /v1/records`), pushed through the sync's mappings as they are. */
  records: z.array(InlineRecord).max(MAX_INLINE_RECORDS).optional(),
});
export type RunJob = z.infer<typeof RunJob>;

/** `sync/page`: pull one page from `cursor`, map, diff, enqueue pushes, then enqueue the next page. */
export const PageJob = z.object({
  sync: z.string().min(1),
  runId: z.string().min(1),
  page: z.number().int().min(0),
  cursor: Cursor,
  /** Read these records by id instead of listing (retries of failed records, webhooks). */
  sourceIds: z.array(z.string().min(1)).max(1000).optional(),
  /** Use these records as the page instead of reading the source. */
  records: z.array(InlineRecord).max(MAX_INLINE_RECORDS).optional(),
  /** This page re-reads the sync's failed records at the end of a run. */
  retryPhase: z.boolean().optional(),
  /** Where the scan of failed records goes on after this retry page ('0': it was the last). */
  retryCursor: z.string().optional(),
  /** Hash of the definitions the run started on: it finishes on them, whatever is reloaded meanwhile. */
  definitions: z.string().optional(),
});
export type PageJob = z.infer<typeof PageJob>;

/** One record to write, already mapped and validated. `previous` is what was last sent (for diff and ranks). */
export const PushRecord = z.object({
  sourceId: z.string().min(1),
  body: z.record(z.string(), z.unknown()),
  /** Canonical JSON of `body`: what the target holds once this write succeeds. */
  fingerprint: z.string(),
  /** Set once an async write (Propexo) was accepted: the provider's job id to confirm. */
  pendingJobId: z.string().optional(),
  pendingOp: z.enum(['create', 'update']).optional(),
  /**
   * What the pending write counts as in its run once confirmed, where that is not its operation: an update that
   * completes a create this run linked counts as the create (`created`), or not at all if the run counted it already.
   */
  pendingCounts: z.enum(['created', 'none']).optional(),
  /** A transient failure was seen on this record; kept so the last attempt can report it. */
  lastError: z.string().optional(),
});
export type PushRecord = z.infer<typeof PushRecord>;

/** `push-<provider>/push`: write a small batch of records to one target; outcomes are per record. */
export const PushJob = z.object({
  sync: z.string().min(1),
  runId: z.string().min(1),
  target: z.string().min(1),
  records: z.array(PushRecord).min(1).max(1000),
  /** When an async confirmation gives up (ms since epoch). */
  confirmDeadline: z.number().optional(),
  confirmPolls: z.number().int().min(0).default(0),
  /** Hash of the definitions the run started on (its page job's). */
  definitions: z.string().optional(),
});
export type PushJob = z.infer<typeof PushJob>;

export const JOB_CONTRACTS = {
  [SYNC_QUEUE]: { run: RunJob, page: PageJob },
  push: { push: PushJob },
} as const;
