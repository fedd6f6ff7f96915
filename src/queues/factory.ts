import { DelayedError, Queue, UnrecoverableError, Worker, type JobsOptions, type Processor, type WorkerOptions } from 'bullmq';
import { hostname } from 'node:os';
import { isConnectionError } from '../redis/connection.ts';
import { CountingWorker } from './counting-worker.ts';
import { isPushQueue } from './contracts.ts';
import type { RedisClient } from '../redis/connection.ts';
import { scrubError } from '../secrets.ts';

/**
 * Retention: completed jobs are kept a day (and at most 1000), failed ones a week (at most 5000), event streams
 * 2000 entries. With schedules running for days, Redis memory stays flat.
 */
export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  removeOnComplete: { age: 24 * 3600, count: 1000 },
  removeOnFail: { age: 7 * 24 * 3600, count: 5000 },
  attempts: 8,
  // Exponential with jitter: a provider outage is not hammered by every job in lock-step.
  backoff: { type: 'exponential', delay: 1_000, jitter: 0.5 },
};

/**
 * A completed push job holds its batch's mapped bodies (names, e-mails, phones): push queues keep the last 100 for
 * the dashboard, not 1000. What a run did stays in its ledger; at 50 records a batch, 1000 jobs were ~15 MB of
 * Redis whatever the number of records synced.
 */
const PUSH_RETENTION: JobsOptions = { removeOnComplete: { age: 24 * 3600, count: 100 } };

export interface QueueFactoryOptions {
  /** The key prefix (`QUEUE_PREFIX`); each queue gets its own hash tag from it (see queuePrefix). */
  prefix: string;
  /** Producer connection: fails fast when Redis is down. */
  producer: RedisClient;
  /** Worker connection factory: `maxRetriesPerRequest: null`. */
  workerConnection: () => RedisClient;
  /** Overrides of DEFAULT_JOB_OPTIONS (attempts, backoff). */
  jobOptions?: JobsOptions;
  /** How long a job's lock lasts without renewal (BullMQ's default: 30 s). */
  lockMs?: number | undefined;
  /** Shown as each job's `processedBy` (the dashboard tells workers apart by it). @default `<host>-<pid>` */
  workerName?: string | undefined;
}

/**
 * Errors that say `retryable: false` (a 401, a 404, a body the provider refused, bad job data) cannot succeed on
 * another attempt: they fail the job at once as BullMQ's UnrecoverableError instead of burning every attempt.
 */
export function failFastOnPermanentErrors(processor: Processor): Processor {
  return async (job, token, signal) => {
    try {
      return await processor(job, token, signal);
    } catch (error) {
      if (error instanceof Error && !(error instanceof UnrecoverableError) && (error as { retryable?: unknown }).retryable === false) {
        throw new UnrecoverableError(error.message);
      }
      if (isConnectionError(error) && token) await waitOutRedis(job, token, error);
      throw error;
    }
  };
}

/** How long a job that met a Redis outage waits before it runs again (Redis is back by then: see below). */
const AFTER_REDIS_OUTAGE_MS = 1_000;
const MAX_PARKS_FOR_REDIS = 30;
const parkedForRedis = new Map<string, number>();

/**
 * Our own store being away is not the job's failure: a Redis outage must not spend attempts meant for a provider
 * (with exponential backoff, a few pauses of Redis would push one page minutes back, or fail its run). The job is
 * parked instead, on the worker's own connection, which waits for Redis to come back; an attempt is spent only if
 * that fails too (the job's lock was lost meanwhile, and BullMQ's stalled check takes the job over).
 */
async function waitOutRedis(job: Parameters<Processor>[0], token: string, error: unknown): Promise<never> {
  // A job parked this often in this process meets more than an outage: let its attempts decide after all.
  const parked = (parkedForRedis.get(job.id ?? '') ?? 0) + 1;
  if (parked > MAX_PARKS_FOR_REDIS) throw error;
  parkedForRedis.set(job.id ?? '', parked);
  if (parkedForRedis.size > 10_000) parkedForRedis.clear();
  try {
    await job.moveToDelayed(Date.now() + AFTER_REDIS_OUTAGE_MS, token);
  } catch {
    throw error;
  }
  throw new DelayedError();
}

/**
 * A failed job's reason and stack are kept in Redis and shown by the dashboard; a provider may have echoed our
 * credentials into them, so every configured secret is scrubbed first (src/secrets.ts).
 */
function scrubbingErrors(processor: Processor): Processor {
  return async (job, token, signal) => {
    try {
      return await processor(job, token, signal);
    } catch (error) {
      throw scrubError(error);
    }
  };
}

/**
 * The BullMQ prefix of one queue: `{<prefix without braces>:<queue>}`. BullMQ's scripts touch several keys of a
 * queue at once, so a queue's keys must share a Redis Cluster slot (the hash tag in braces); one tag per queue puts
 * each queue on its own slot, so the queues spread over the shards instead of all sitting on one.
 */
export function queuePrefix(prefix: string, queue: string): string {
  return `{${prefix.replace(/[{}]/g, '')}:${queue}}`;
}

export class QueueFactory {
  readonly #options: QueueFactoryOptions;
  readonly #queues = new Map<string, Queue>();
  readonly #workers: CountingWorker[] = [];

  constructor(options: QueueFactoryOptions) {
    this.#options = options;
  }

  get prefix(): string {
    return this.#options.prefix;
  }

  /** The connection every queue of this factory sends through. */
  get producer(): RedisClient {
    return this.#options.producer;
  }

  queue(name: string): Queue {
    let queue = this.#queues.get(name);
    if (!queue) {
      queue = new Queue(name, {
        connection: this.#options.producer,
        prefix: queuePrefix(this.#options.prefix, name),
        defaultJobOptions: { ...DEFAULT_JOB_OPTIONS, ...(isPushQueue(name) ? PUSH_RETENTION : {}), ...this.#options.jobOptions },
        streams: { events: { maxLen: 2_000 } },
      });
      // A Queue re-emits its connection's errors; with no listener BullMQ prints each one to stderr as a raw stack.
      // Commands fail on their own, and the outage is logged once per reconnect attempt (src/redis/connection.ts).
      queue.on('error', () => {});
      this.#queues.set(name, queue);
    }
    return queue;
  }

  worker(name: string, processor: Processor, options: Partial<WorkerOptions> = {}): Worker {
    const worker = new CountingWorker(name, scrubbingErrors(failFastOnPermanentErrors(processor)), {
      connection: this.#options.workerConnection(),
      prefix: queuePrefix(this.#options.prefix, name),
      concurrency: 1,
      name: this.#options.workerName ?? `${hostname()}-${process.pid}`,
      ...(this.#options.lockMs
        ? // A killed worker's job is taken up again once its lock lapses; stalled checks run twice per lock period.
          { lockDuration: this.#options.lockMs, stalledInterval: Math.max(500, Math.floor(this.#options.lockMs / 2)) }
        : {}),
      // A job whose worker died this often is taken to be killing it (poison) and fails; the run is then settled.
      maxStalledCount: 10,
      ...options,
    });
    this.#workers.push(worker);
    return worker;
  }

  get workers(): readonly CountingWorker[] {
    return this.#workers;
  }

  /** Stops taking jobs, waits up to `timeoutMs` for active ones, then closes everything. */
  async close(timeoutMs = 8_000): Promise<void> {
    const graceful = Promise.all(this.#workers.map((w) => w.close()));
    const timedOut = await Promise.race([graceful.then(() => false), new Promise<boolean>((r) => setTimeout(r, timeoutMs, true).unref())]);
    // Past the deadline, force-close: the active jobs' locks expire and another worker picks them up.
    if (timedOut) await Promise.all(this.#workers.map((w) => w.close(true)));
    await Promise.all([...this.#queues.values()].map((q) => q.close()));
    // BullMQ's disconnect waits for each connection's 'end' event; an ioredis cluster client whose worker never
    // took a job may never emit it (seen here: a 5 s wait each time, then for ever). The connections are dropped
    // either way: wait at most a second.
    await Promise.all(this.#workers.map((w) => Promise.race([w.disconnect(), new Promise((r) => setTimeout(r, 1_000).unref())])));
  }
}
