import { randomUUID } from 'node:crypto';
import type { Job, Queue, Worker } from 'bullmq';
import { RedisUnavailableError } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { ConnectionConfig } from '../providers/types.ts';
import { PUSH_QUEUES, RunJob, SYNC_QUEUE, pushQueueName } from '../queues/contracts.ts';
import { AddBatcher } from '../queues/add-batcher.ts';
import { QueueFactory } from '../queues/factory.ts';
import { isConnectionError, type RedisClient } from '../redis/connection.ts';
import { ConnectionBreaker } from './connection-breaker.ts';
import { budgetOwners } from './budget-owner.ts';
import { ConnectorPool } from './connectors.ts';
import { DEFAULT_ENGINE_SETTINGS, type EngineSettings, type SyncContext } from './context.ts';
import type { SyncDefinition } from './definition.ts';
import { DefinitionVersions, type DefinitionsVersion } from './definition-versions.ts';
import { syncKeys } from './keys.ts';
import { RunLedger } from './ledger.ts';
import { RecordLinks } from './record-links.ts';
import pLimit from 'p-limit';
import { z } from 'zod';
import { RedisRequestGate } from './request-gate.ts';
import { processPage } from './page-processor.ts';
import { abandonBatch, processPush } from './push-processor.ts';
import { processRun } from './run-processor.ts';
import { RunWatchdog } from './run-watchdog.ts';
import { failRun } from './run-end.ts';

export interface EngineOptions {
  /** Our own keys (ledger, crosswalk, diff). */
  redis: RedisClient;
  /** Producer connection for queues: fails fast when Redis is down. */
  producer: RedisClient;
  workerConnection: () => RedisClient;
  prefix: string;
  syncs: ReadonlyMap<string, SyncDefinition>;
  /** Hash of the files `syncs` came from (live definitions). @default "initial" */
  definitionsHash?: string | undefined;
  connections: ReadonlyMap<string, ConnectionConfig>;
  logger: Logger;
  settings?: Partial<EngineSettings>;
  /** This process's name on the jobs it processes. */
  workerName?: string | undefined;
}

export interface WorkerOptions {
  /** Page jobs run at once in this process. @default 2 */
  syncConcurrency?: number;
  /**
   * Records written at once per target connection in this process, unless the connection sets its own
   * (`pushConcurrency` of a connection file, `<PROVIDER>_PUSH_CONCURRENCY`). @default 8
   */
  pushConcurrency?: number | ((connection: ConnectionConfig) => number);
}

/** What a failed job must name for its run to be settled (every job contract has these). */
const FailedJobData = z.object({ sync: z.string().min(1), runId: z.string().min(1).optional() });

/** The sync engine of one process: queues, processors and the run ledger around one Redis. */
export class SyncEngine {
  readonly ctx: SyncContext;
  readonly queues: QueueFactory;
  readonly #versions: DefinitionVersions;
  /** Runs started in one turn of the event loop (a burst of API requests) are enqueued in one write to Redis. */
  #runAdds: AddBatcher | undefined;
  /** Set once this process runs workers: a reload starts push workers for target connections new to it. */
  #workerOptions: WorkerOptions | null = null;
  readonly #pushWorkers = new Set<string>();
  /** Ends or re-drives runs whose jobs Redis lost; runs where workers run. */
  #watchdog: RunWatchdog | undefined;

  constructor(options: EngineOptions) {
    const settings = { ...DEFAULT_ENGINE_SETTINGS, ...options.settings };
    this.queues = new QueueFactory({
      prefix: options.prefix,
      producer: options.producer,
      workerConnection: options.workerConnection,
      jobOptions: { attempts: settings.attempts, backoff: { type: 'exponential', delay: settings.backoffMs, jitter: 0.5 } },
      lockMs: settings.lockMs,
      workerName: options.workerName,
    });
    const keys = syncKeys(options.prefix);
    const versions = (this.#versions = new DefinitionVersions({ hash: options.definitionsHash ?? 'initial', syncs: options.syncs }));
    // Connections of one provider account (same token and host) spend one budget: see budget-owner.ts.
    const budgets = budgetOwners(options.connections.values());
    this.ctx = {
      redis: options.redis,
      keys,
      ledger: new RunLedger(options.redis, keys),
      links: new RecordLinks(options.redis, keys),
      queues: this.queues,
      // Read at every use: a reload swaps the version, and the next job sees it.
      get syncs() {
        return versions.current.syncs;
      },
      versions,
      connectors: new ConnectorPool(options.connections, (connection) =>
        connection.rateLimit
          ? new RedisRequestGate(options.redis, keys.requestBudget(budgets.get(connection.name) ?? connection.name), connection.rateLimit, connection.rateLimit.marginMs)
          : undefined,
      ),
      breaker: new ConnectionBreaker(),
      logger: options.logger,
      settings,
    };
  }

  /**
   * Starts this process's workers: the sync queue's, and one per target connection's push queue, each with that
   * connection's own concurrency (and, through its queue, its own rate limit): fair scheduling between connections
   * is BullMQ's own, one queue each, with no scheduler of ours.
   */
  startWorkers(options: WorkerOptions = {}): Worker[] {
    const { ctx } = this;
    const sync = this.queues.worker(
      SYNC_QUEUE,
      async (job: Job, token?: string, signal?: AbortSignal) => (job.name === 'run' ? processRun(ctx, job, token) : processPage(ctx, job, token, signal)),
      { concurrency: options.syncConcurrency ?? 2 },
    );
    this.#workerOptions = options;
    const workers = [this.#listen(sync), ...this.targetConnections().map((config) => this.#startPushWorker(config))];
    this.#watchdog ??= new RunWatchdog(ctx, { stallMs: ctx.settings.runStallMs, enqueueRun: (name, run) => this.enqueueRun(name, run) });
    this.#watchdog.start();
    return workers;
  }

  #startPushWorker(config: ConnectionConfig): Worker {
    const { ctx } = this;
    const options = this.#workerOptions ?? {};
    this.#pushWorkers.add(config.name);
    // Push concurrency is records being written at once per process (each one call at a time, so also the calls
    // in flight). Jobs send their whole batch to one limiter per connection, and three times as many jobs as
    // needed to fill it run side by side, so one job's Redis and queue steps never leave the provider idle (with
    // twice as many, the limiter sampled every 100 ms during a 20,000-record first sync often held 10-40 calls of
    // its 50 with none waiting; with three times, 50 nearly always). Provider budgets are enforced per request by
    // the connection's shared gate, not here.
    const inFlight = config.pushConcurrency ?? (typeof options.pushConcurrency === 'function' ? options.pushConcurrency(config) : (options.pushConcurrency ?? 8));
    const limit = pLimit(inFlight);
    const concurrency = 3 * Math.ceil(inFlight / ctx.settings.batchSize);
    return this.#listen(this.queues.worker(pushQueueName(config.name), (job: Job, token?: string, signal?: AbortSignal) => processPush(ctx, job, token, signal, limit), { concurrency }));
  }

  #listen(worker: Worker): Worker {
    const { ctx } = this;
    worker.on('failed', (job, error) => {
      ctx.logger.warn({ queue: worker.name, jobId: job?.id, attemptsMade: job?.attemptsMade, err: error }, 'job attempt failed');
      if (job) void this.#onJobFailed(job, error).catch((e: unknown) => ctx.logger.error({ err: e, jobId: job.id }, 'could not settle a failed job'));
    });
    // Redis being unreachable is logged once per reconnect attempt by the connections (src/redis/connection.ts),
    // not once per worker and attempt.
    worker.on('error', (error) => isConnectionError(error) || ctx.logger.error({ queue: worker.name, err: error }, 'worker error'));
    return worker;
  }

  /**
   * Switches to reloaded definitions (one reference swap): runs started from now on use them, runs in progress
   * finish on the version they started with. With workers running here, a target connection no loaded sync wrote
   * to before gets its push workers now.
   */
  switchDefinitions(next: DefinitionsVersion): void {
    this.#versions.switchTo(next);
    if (this.#workerOptions === null) return;
    for (const config of this.targetConnections()) if (!this.#pushWorkers.has(config.name)) this.#startPushWorker(config);
  }

  /** Hash of the definitions new runs start on. */
  get definitionsHash(): string {
    return this.#versions.current.hash;
  }

  /**
   * A job that failed for good (out of attempts, or stalled too often) must not leave its run waiting forever:
   * a page ends the run (nothing after it would be read); a push batch's records become record-level failures.
   */
  async #onJobFailed(job: Job, error: Error): Promise<void> {
    if (!(await job.isFailed())) return; // another attempt is coming
    const parsed = FailedJobData.safeParse(job.data);
    if (!parsed.success) return; // a job we cannot read names no run to settle
    const { sync, runId = job.name === 'run' ? job.id : undefined } = parsed.data;
    if (!runId) return;
    if (job.name === 'run') await failRun(this.ctx, sync, runId, `starting the run failed: ${error.message}`);
    if (job.name === 'page') await failRun(this.ctx, sync, runId, `reading the source failed: ${error.message}`);
    if (job.name === 'push') await abandonBatch(this.ctx, job, error.message);
  }

  /**
   * One BullMQ job scheduler per enabled sync with a schedule whose connections are all configured; schedulers of
   * syncs that were removed, disabled or left without a connection are removed. Upserts are idempotent, so several
   * processes starting at once make no duplicates. `only`: upsert just these (a reload's changed syncs; an
   * `every` scheduler upserted again would fire at once), still removing every scheduler no sync wants.
   */
  async syncSchedules(only?: ReadonlySet<string>): Promise<{ scheduled: string[]; removed: string[] }> {
    const queue = this.queues.queue(SYNC_QUEUE);
    const scheduled: string[] = [];
    const wanted = new Set<string>();
    for (const sync of this.ctx.syncs.values()) {
      if (!sync.enabled || !sync.schedule || !this.runnable(sync)) continue;
      wanted.add(sync.name);
      if (only && !only.has(sync.name)) continue;
      const repeat = 'every' in sync.schedule ? { every: sync.schedule.every } : { pattern: sync.schedule.cron, tz: sync.schedule.tz };
      await queue.upsertJobScheduler(sync.name, repeat, { name: 'run', data: RunJob.parse({ sync: sync.name, trigger: 'schedule' }) });
      scheduled.push(sync.name);
    }
    const removed: string[] = [];
    for (const scheduler of await queue.getJobSchedulers()) {
      if (!wanted.has(scheduler.key)) {
        await queue.removeJobScheduler(scheduler.key);
        removed.push(scheduler.key);
      }
    }
    return { scheduled, removed };
  }

  /** The configured connections that some loaded sync writes to: each has its push queue and workers. */
  targetConnections(): ConnectionConfig[] {
    const names = new Set([...this.ctx.syncs.values()].flatMap((sync) => sync.targets.map((t) => t.connection)));
    return [...names].map((name) => this.ctx.connectors.config(name)).filter((c): c is ConnectionConfig => c !== undefined);
  }

  /**
   * The push queues to show and measure: the target connections', and the environment's connections' (one per
   * provider, as before connection files) whether configured or not.
   */
  pushQueueNames(): string[] {
    return [...new Set([...PUSH_QUEUES, ...this.targetConnections().map((c) => pushQueueName(c.name))])];
  }

  /** Every connection the sync reads or writes is configured in this process. */
  runnable(sync: SyncDefinition): boolean {
    return [sync.source.connection, ...sync.targets.map((t) => t.connection)].every((name) => this.ctx.connectors.has(name));
  }

  /**
   * Enqueues a run; answers its id at once. `jobId` makes the enqueue idempotent. `commit` is called right before
   * the add is sent and may throw to call it off (the API's deadline: api/routes/start-work.ts).
   */
  async enqueueRun(
    sync: string,
    options: { full?: boolean; trigger?: RunJob['trigger']; sourceIds?: string[]; records?: RunJob['records']; jobId?: string; commit?: () => void } = {},
  ): Promise<string> {
    const data = RunJob.parse({
      sync,
      full: options.full ?? false,
      trigger: options.trigger ?? 'api',
      ...(options.sourceIds ? { sourceIds: options.sourceIds } : {}),
      ...(options.records ? { records: options.records } : {}),
    });
    const queue = this.queues.queue(SYNC_QUEUE);
    if (options.commit) await this.#commitEnqueue(queue, options.commit);
    this.#runAdds ??= new AddBatcher(queue);
    const job = await this.#runAdds.add('run', data, { jobId: options.jobId ?? `run-${randomUUID()}` });
    return job.id ?? '';
  }

  /**
   * Commits only over a live connection: BullMQ would otherwise hold the add (waiting for its connection) until
   * Redis is back, long after the caller answered. From `commit` on, the add is sent at once.
   */
  async #commitEnqueue(queue: Queue, commit: () => void): Promise<void> {
    await queue.waitUntilReady();
    if (this.queues.producer.status !== 'ready') throw new RedisUnavailableError('the run was not enqueued');
    commit();
  }

  /**
   * Starts a run that re-reads the sync's failed records (up to 1000), or only those of `sourceIds` that are failed
   * (a per-record retry); null when there are none.
   */
  async retryFailed(sync: string, options: { jobId?: string; commit?: () => void; sourceIds?: readonly string[] } = {}): Promise<string | null> {
    const ids = options.sourceIds ? [...(await this.ctx.ledger.failedNow(sync, options.sourceIds))].slice(0, 1000) : (await this.ctx.redis.hkeys(this.ctx.keys.failed(sync))).slice(0, 1000);
    if (ids.length === 0) return null;
    // Committed before the holds are lifted: a retry the API called off lifts nothing.
    if (options.commit) await this.#commitEnqueue(this.queues.queue(SYNC_QUEUE), options.commit);
    // A human asked for these, having checked the target: an "outcome unknown" hold is lifted, so a record whose
    // interrupted create did not happen is created now.
    const definition = this.ctx.syncs.get(sync);
    if (definition) {
      for (const target of definition.targets) await this.ctx.links.liftHolds({ sourceConnection: definition.source.connection, targetConnection: target.connection }, ids);
    }
    return this.enqueueRun(sync, { trigger: 'retry', sourceIds: ids, ...(options.jobId ? { jobId: options.jobId } : {}) });
  }

  /**
   * Wakes the parked push job confirming a provider's async write, so it reads write-status now instead of at its
   * next poll (a webhook told us the write ended). Returns false when no job is waiting on that write.
   */
  async promotePendingWrite(writeJobId: string): Promise<boolean> {
    const ref = await this.ctx.redis.get(this.ctx.keys.pendingWrite(writeJobId));
    if (!ref) return false;
    const [queueName, jobId] = ref.split('|');
    const job = queueName && jobId ? await this.queues.queue(queueName).getJob(jobId) : undefined;
    if (!job || !(await job.isDelayed())) return false;
    await job.promote();
    return true;
  }

  /** The sync definitions this process loaded. */
  /** A configured connection's settings (never its credentials' values in logs: see src/secrets.ts). */
  connectionConfig(name: string): ConnectionConfig | undefined {
    return this.ctx.connectors.config(name);
  }

  get syncs(): ReadonlyMap<string, SyncDefinition> {
    return this.ctx.syncs;
  }

  get ledger() {
    return this.ctx.ledger;
  }

  async close(timeoutMs?: number): Promise<void> {
    this.#watchdog?.stop();
    await this.queues.close(timeoutMs);
  }
}
