import { resolveApiTokens, startApi, type RunningApi } from '../api/server.ts';
import { checkConnections, configuredConnections, pushConcurrencyOf } from '../config/connections.ts';
import type { Env } from '../config/env.ts';
import { FileInvalidError } from '../errors.ts';
import { createLogger, type Logger } from '../logger.ts';
import { PROVIDER_NAMES } from '../providers/types.ts';
import { redisPassword, registerSecrets, secretsOfEnv } from '../secrets.ts';
import { RedisConnections, type RedisClient } from '../redis/connection.ts';
import { startEmbeddedRedis, type EmbeddedRedis } from '../redis/embedded-redis.ts';
import { SyncEngine } from '../sync/engine.ts';
import type { Definitions } from './definitions.ts';
import { LiveDefinitions, loadHashedDefinitions } from './live-definitions.ts';
import { logConnectionChecks } from './connection-check.ts';
import { startSandbox, type Sandbox } from './sandbox.ts';

export interface RuntimeOptions {
  env: Env;
  /** Simulate every provider that has no token configured (`npm start`). */
  sandbox: boolean;
  /** Run this process's workers. */
  workers: boolean;
  /** Install the job schedulers of the enabled syncs. */
  schedule: boolean;
  /** Enqueue one run of every enabled sync at start. */
  runNow: boolean;
  /**
   * Also serve the HTTP API and dashboard in this process (on HOST:PORT). `generateToken`: with API_TOKENS empty,
   * make a random token and print it (`npm start`); otherwise refuse to start. @default no API
   */
  api?: { generateToken: boolean } | undefined;
  logger?: Logger;
  /** Where connection files' `{env: NAME}` references are read. @default process.env */
  variables?: Readonly<Record<string, string | undefined>>;
  /** Reload the job and mapping files when they change (a file watch; SIGHUP and the API reload anyway). @default true */
  watchDefinitions?: boolean;
}

export interface Runtime {
  logger: Logger;
  engine: SyncEngine;
  /** The definitions the process started with (`live` holds those in use). */
  definitions: Definitions;
  live: LiveDefinitions;
  redisUrl: string;
  redis: RedisClient;
  producer: RedisClient;
  sandbox: Sandbox | null;
  /** The API, when this process serves it. */
  api: RunningApi | null;
  /**
   * Graceful: stop taking jobs, let active ones finish for SHUTDOWN_TIMEOUT_S, close Redis, stop what we started.
   * Bounded whatever Redis does: past the timeout every connection is dropped and the shutdown ends.
   */
  shutdown(): Promise<ShutdownReport>;
}

export interface ShutdownReport {
  /** Jobs still running (or not yet recorded as done) when time ran out: BullMQ re-delivers them as stalled. */
  abandoned: number;
}

export async function startRuntime(options: RuntimeOptions): Promise<Runtime> {
  const { env } = options;
  // Before the first log line: every configured secret is scrubbed from whatever leaves the process.
  registerSecrets(secretsOfEnv(env));
  const logger = options.logger ?? createLogger(env.LOG_LEVEL);

  // Checked before anything starts: an API without tokens must not come up, even briefly.
  const apiTokens = options.api ? resolveApiTokens(env.API_TOKENS, options.api.generateToken) : null;

  const dirs = { mappingsDir: env.MAPPINGS_DIR, jobsDir: env.JOBS_DIR, connectionsDir: env.CONNECTIONS_DIR };
  const loaded = await loadHashedDefinitions(dirs);
  const { definitions } = loaded;
  if (definitions.issues.length > 0) throw new FileInvalidError(definitions.issues);

  // The environment's connections and those of connections/*.yaml, whose secrets are read (and registered) here.
  const connections = await configuredConnections(env, options.variables ?? process.env, definitions.connections);
  // Before anything starts: a connection the provider cannot work with stops the process, naming the variable.
  checkConnections(connections);
  let sandbox: Sandbox | null = null;
  const missing = PROVIDER_NAMES.filter((p) => !connections.has(p));
  if (options.sandbox && missing.length > 0) {
    sandbox = await startSandbox({ providers: missing, timeoutMs: env.PROVIDER_TIMEOUT_MS });
    for (const [name, connection] of sandbox.connections) connections.set(name, connection);
    for (const [provider, sim] of sandbox.simulators) logger.info({ provider, url: sim.url }, `${provider} simulator listening (no ${provider.toUpperCase()}_TOKEN set)`);
  }

  let embedded: EmbeddedRedis | null = null;
  let redisUrl = env.REDIS_URL;
  if (!redisUrl) {
    // With simulated providers the data lives only as long as this process; so does the sandbox's Redis.
    embedded = await startEmbeddedRedis({ dataDir: `${env.DATA_DIR}/${sandbox ? 'sandbox-redis' : 'redis'}`, fresh: sandbox !== null, log: (m) => logger.info(m) });
    redisUrl = embedded.url;
  }
  registerSecrets([redisPassword(redisUrl), ...(apiTokens?.tokens ?? [])]);

  // A cluster (REDIS_URL naming any of its nodes) is detected here and talked to as one.
  const redisConnections = await RedisConnections.open(redisUrl, logger);
  const redis = redisConnections.data();
  const producer = redisConnections.producer();
  const engine = new SyncEngine({
    redis,
    producer,
    workerConnection: () => redisConnections.worker(),
    prefix: env.QUEUE_PREFIX,
    syncs: definitions.syncs,
    definitionsHash: loaded.hash,
    connections,
    logger,
    workerName: env.WORKER_NAME,
    settings: { pageSize: env.PULL_PAGE_SIZE, batchSize: env.PUSH_BATCH_SIZE, lookbackMs: env.PULL_LOOKBACK_MS, lockMs: env.JOB_LOCK_MS, confirmTimeoutMs: env.CONFIRM_TIMEOUT_MS, runStallMs: env.RUN_STALL_MS },
  });

  const usable = [...definitions.syncs.values()].filter((sync) => {
    const runnable = engine.runnable(sync);
    if (!runnable) logger.warn({ sync: sync.name }, `sync ${sync.name} lacks a configured connection (set its provider's token, or define the connection in ${env.CONNECTIONS_DIR}/): it will not run`);
    return sync.enabled && runnable;
  });

  if (options.workers) {
    engine.startWorkers({ pushConcurrency: (connection) => pushConcurrencyOf(env, connection.provider) });
    logger.info({ redis: redact(redisUrl), prefix: env.QUEUE_PREFIX }, 'workers started');
    // `check --connections` once, in the background: one line per connection, a failing one warns, nothing waits.
    void logConnectionChecks(connections.values(), (config) => engine.ctx.connectors.get(config.name), logger).catch((e: unknown) => logger.warn({ err: e }, 'connection check failed'));
  }
  if (options.schedule) {
    const { scheduled, removed } = await engine.syncSchedules();
    logger.info({ scheduled, removed }, 'schedules in place');
  }
  if (options.runNow) {
    // An `every` schedule fires its first run as it is installed; only the others need a run now.
    const scheduledNow = options.schedule ? (s: (typeof usable)[number]) => s.schedule !== null && 'every' in s.schedule : () => false;
    for (const sync of usable.filter((s) => !scheduledNow(s))) {
      const runId = await engine.enqueueRun(sync.name, { trigger: 'start' });
      logger.info({ sync: sync.name, runId }, 'run enqueued');
    }
  }

  // Edited job and mapping files are picked up while running: a file watch, SIGHUP, and POST /v1/definitions/reload.
  const live = new LiveDefinitions({ dirs, engine, initial: loaded, logger, schedule: options.schedule });
  if (options.watchDefinitions ?? true) live.watch();
  const onHangup = () => void live.reload('SIGHUP').catch((e: unknown) => logger.error({ err: e }, 'reloading the definitions failed'));
  process.on('SIGHUP', onHangup);

  let api: RunningApi | null = null;
  if (apiTokens) {
    api = await startApi(
      {
        engine, definitions: live, redis, tokens: apiTokens.tokens, webhookSecret: env.PROPEXO_WEBHOOK_SECRET, logger,
        trustProxy: env.TRUST_PROXY, authThrottle: { limit: env.AUTH_FAILURE_LIMIT, windowS: env.AUTH_FAILURE_WINDOW_S },
      },
      { host: env.HOST, port: env.PORT },
    );
    logger.info({ url: api.url }, `API listening on ${api.url} (docs at /docs, dashboard at /admin/queues)`);
    if (apiTokens.generated) {
      // Printed, not logged: the token is a secret and logs are shipped elsewhere; this is the one place it shows.
      process.stdout.write(`\nNo API_TOKENS set: this process made a token for its API and dashboard:\n\n  ${apiTokens.generated}\n\n` +
        `  curl -H 'Authorization: Bearer ${apiTokens.generated}' ${api.url}/v1/syncs\n  dashboard: ${api.url}/admin/queues\n\n`);
    }
  }

  let stopping: Promise<ShutdownReport> | null = null;
  const shutdown = () =>
    (stopping ??= (async () => {
      const graceMs = env.SHUTDOWN_TIMEOUT_S * 1_000;
      logger.info({ timeoutS: env.SHUTDOWN_TIMEOUT_S }, 'shutting down: finishing active jobs');
      process.off('SIGHUP', onHangup);
      const graceful = (async () => {
        await live.close();
        await api?.close();
        await engine.close(graceMs);
        await Promise.all([redis.quit(), producer.quit()].map((p) => p.catch(() => undefined)));
      })();
      // With Redis down or paused, closing a worker or QUIT waits for Redis forever (BullMQ's forced close shares the
      // graceful close's promise): past the grace period, every connection is dropped instead of closed.
      let abandoned = 0;
      if (!(await settlesWithin(graceful, graceMs + 250))) {
        // Jobs taken whose outcome is not recorded in Redis: their locks lapse and other workers take them up.
        abandoned = engine.queues.workers.reduce((sum, worker) => sum + worker.holding, 0);
        for (const worker of engine.queues.workers) void worker.disconnect().catch(() => undefined);
        redisConnections.disconnectAll();
        logger.error(
          { timeoutS: env.SHUTDOWN_TIMEOUT_S, abandoned },
          `shutdown timed out after ${env.SHUTDOWN_TIMEOUT_S} s: Redis connections dropped; ${abandoned} job(s) abandoned (re-delivered as stalled once their locks lapse)`,
        );
      }
      await settlesWithin(Promise.all([sandbox?.close(), embedded?.stop()]), 750);
      logger.info({ abandoned }, 'stopped');
      return { abandoned };
    })());

  return { logger, engine, definitions, live, redisUrl, redis, producer, sandbox, api, shutdown };
}

/** Whether `work` settles within `ms` (its outcome is not needed, only that it ended). */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => (timer = setTimeout(resolve, ms, false)));
  try {
    return await Promise.race([work.then(() => true, () => true), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

function redact(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//[redacted]@');
}
