import type { Job } from 'bullmq';
import { UnrecoverableError } from 'bullmq';
import type { RedisClient } from '../redis/connection.ts';
import type { z } from 'zod';
import { JobDataInvalidError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { QueueFactory } from '../queues/factory.ts';
import type { ConnectionBreaker } from './connection-breaker.ts';
import type { ConnectorPool } from './connectors.ts';
import type { SyncDefinition } from './definition.ts';
import type { DefinitionVersions } from './definition-versions.ts';
import type { SyncKeys } from './keys.ts';
import type { RunLedger } from './ledger.ts';
import type { RecordLinks } from './record-links.ts';

export interface EngineSettings {
  /** Records per source page, unless the sync sets its own. */
  pageSize: number;
  /** Records per push job. */
  batchSize: number;
  /** Incremental pulls step back this far from the last high-water mark. */
  lookbackMs: number;
  /** First delay between write-status polls; doubles up to 30 s. */
  confirmPollMs: number;
  /** An async write not confirmed by then is reported as failed. */
  confirmTimeoutMs: number;
  /** How long a run waits before trying again while another run of the same sync is active. */
  activeRunRetryMs: number;
  /** Attempts of a job facing transient failures (5xx, resets, timeouts). */
  attempts: number;
  /** First backoff between attempts; doubles each time, with jitter. */
  backoffMs: number;
  /** A job's lock period: how soon a killed worker's jobs are taken up by another. */
  lockMs: number;
  /** Pages wait while more push jobs than this are waiting: memory stays flat however far the targets lag. */
  maxPushBacklog: number;
  /**
   * A PENDING run that has not moved this long (no page recorded, no batch closed) and has no job left in Redis is
   * re-driven or ended by the run watchdog (run-watchdog.ts), which looks every third of it. @default 120000
   */
  runStallMs: number;
}

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = {
  pageSize: 500,
  batchSize: 25,
  lookbackMs: 60_000,
  confirmPollMs: 1_000,
  confirmTimeoutMs: 10 * 60_000,
  activeRunRetryMs: 5_000,
  attempts: 8,
  backoffMs: 1_000,
  lockMs: 30_000,
  maxPushBacklog: 200,
  runStallMs: 120_000,
};

/** Everything a processor needs, made once per process. */
export interface SyncContext {
  redis: RedisClient;
  keys: SyncKeys;
  ledger: RunLedger;
  links: RecordLinks;
  queues: QueueFactory;
  /** The current version's syncs (what new runs start on). */
  readonly syncs: ReadonlyMap<string, SyncDefinition>;
  /** The current version and those runs in progress started on (live definitions: src/bootstrap/live-definitions.ts). */
  versions?: DefinitionVersions;
  connectors: ConnectorPool;
  /** Stops calling a connection whose every answer is the same connection-level error. */
  breaker: ConnectionBreaker;
  logger: Logger;
  settings: EngineSettings;
}

/** `job.data` may come from an older deploy or a hand-made job: parse it, and never retry a bad one. */
export function parseJobData<S extends z.ZodType>(schema: S, job: Job): z.infer<S> {
  const parsed = schema.safeParse(job.data);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new UnrecoverableError(new JobDataInvalidError(job.queueName, job.name, detail).message);
  }
  return parsed.data;
}

/** The sync as version `hash` defined it (the version its run started on), else as currently loaded. */
export function getSync(ctx: SyncContext, name: string, hash?: string): SyncDefinition {
  const sync = ctx.versions ? ctx.versions.sync(name, hash) : ctx.syncs.get(name);
  if (!sync) throw new UnrecoverableError(`no sync named "${name}" is loaded (is jobs/${name}.yaml there and valid?)`);
  return sync;
}

/** BullMQ custom job ids may not contain ':' (scheduled run ids do), so derived ids swap it out. */
export function childJobId(runId: string, suffix: string): string {
  return `${runId.replaceAll(':', '_')}.${suffix}`;
}
