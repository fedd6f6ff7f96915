import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * crm-bridge's Prometheus metrics, in one registry served at `/metrics`. Counters are module-level so any part of
 * the process (the provider HTTP client, the engine's processors) can count without being handed a registry;
 * queue gauges are read from Redis only when Prometheus scrapes.
 */
export const registry = new Registry();
collectDefaultMetrics({ register: registry, prefix: 'crm_bridge_' });

/** BullMQ job states reported per queue. */
export const JOB_STATES = ['waiting', 'active', 'delayed', 'completed', 'failed', 'paused', 'prioritized', 'waiting-children'] as const;

export interface QueueCountsSource {
  name: string;
  getJobCounts(...states: string[]): Promise<Record<string, number>>;
}

let queueSources: readonly QueueCountsSource[] = [];

/** The queues whose job counts `/metrics` reports. The API calls this once it knows its engine's queues. */
export function setMetricQueues(queues: readonly QueueCountsSource[]): void {
  queueSources = queues;
}

const queueJobs = new Gauge({
  name: 'crm_bridge_queue_jobs',
  help: 'Jobs per queue and state, read from Redis at scrape time.',
  labelNames: ['queue', 'state'] as const,
  registers: [registry],
  async collect() {
    this.reset();
    // A scrape while Redis is down reports no queue series rather than failing the whole scrape.
    const results = await Promise.allSettled(queueSources.map(async (q) => ({ name: q.name, counts: await q.getJobCounts(...JOB_STATES) })));
    for (const result of results) {
      if (result.status !== 'fulfilled') continue;
      for (const state of JOB_STATES) this.set({ queue: result.value.name, state }, result.value.counts[state] ?? 0);
    }
  },
});

const runDuration = new Histogram({
  name: 'crm_bridge_run_duration_seconds',
  help: 'Wall time of finished sync runs, from the ledger opening to its final status.',
  labelNames: ['sync', 'status'] as const,
  buckets: [0.5, 1, 2, 5, 10, 30, 60, 120, 300, 900, 1800, 3600],
  registers: [registry],
});

const recordsPushed = new Counter({
  name: 'crm_bridge_records_pushed_total',
  help: 'Records written to a target provider, by connection and operation.',
  labelNames: ['provider', 'connection', 'op'] as const,
  registers: [registry],
});

const recordsFailed = new Counter({
  name: 'crm_bridge_records_failed_total',
  help: 'Records that ended as a record-level error, by target provider, connection and kind (rejected: mapping/validation; failed: the write).',
  labelNames: ['provider', 'connection', 'kind'] as const,
  registers: [registry],
});

const providerCalls = new Counter({
  name: 'crm_bridge_provider_http_requests_total',
  help: 'HTTP responses received from providers, by provider, connection and status code.',
  labelNames: ['provider', 'connection', 'status'] as const,
  registers: [registry],
});

const rateLimitWaits = new Counter({
  name: 'crm_bridge_rate_limit_waits_total',
  help: 'Times a connection\'s queue was paused for a rate limit (429 or a budget running low).',
  labelNames: ['provider', 'connection'] as const,
  registers: [registry],
});

const rateLimitWaitSeconds = new Counter({
  name: 'crm_bridge_rate_limit_wait_seconds_total',
  help: 'Seconds connections\' queues were told to wait for rate limits.',
  labelNames: ['provider', 'connection'] as const,
  registers: [registry],
});

const runsRecovered = new Counter({
  name: 'crm_bridge_runs_recovered_total',
  help: 'PENDING runs nobody drove any more (their jobs lost by Redis) that the run watchdog re-drove or ended, by action.',
  labelNames: ['action'] as const,
  registers: [registry],
});

/** What the run watchdog did with a run whose jobs were lost (src/sync/run-watchdog.ts). */
export type RunRecoveryAction = 'redrive-page' | 'redrive-run' | 'failed-start' | 'failed-pushes' | 'settled-pushes' | 'finalized';

/** Counts one run the watchdog acted on. */
export function countRunRecovered(action: RunRecoveryAction): void {
  runsRecovered.inc({ action });
}

export type RecordOutcome = 'created' | 'updated' | 'rejected' | 'failed';

/**
 * Counts records by target provider, connection and outcome. For the engine's push and page processors.
 * `connection` defaults to the provider's name (the environment's connection).
 */
export function countRecords(provider: string, outcome: RecordOutcome, n = 1, connection = provider): void {
  if (n <= 0) return;
  if (outcome === 'created' || outcome === 'updated') recordsPushed.inc({ provider, connection, op: outcome }, n);
  else recordsFailed.inc({ provider, connection, kind: outcome }, n);
}

/** Observes a run once it has finished (whoever finalized it calls this). Unfinished runs are ignored. */
export function observeRun(run: { sync: string; status: string; createdAt: string; finishedAt: string | null }): void {
  if (!run.finishedAt || run.status === 'PENDING') return;
  const seconds = (Date.parse(run.finishedAt) - Date.parse(run.createdAt)) / 1000;
  if (Number.isFinite(seconds) && seconds >= 0) runDuration.observe({ sync: run.sync, status: run.status }, seconds);
}

/** Counts one HTTP response from a provider (the shared HTTP client's afterResponse hook). */
export function countProviderCall(provider: string, status: number | string, connection = provider): void {
  providerCalls.inc({ provider, connection, status: String(status) });
}

/** Counts one rate-limit wait of a provider queue, and how long it was told to wait. */
export function countRateLimitWait(provider: string, waitMs = 0, connection = provider): void {
  rateLimitWaits.inc({ provider, connection });
  if (waitMs > 0) rateLimitWaitSeconds.inc({ provider, connection }, waitMs / 1000);
}

/** Exported for tests that read the gauge directly. */
export const metrics = { queueJobs, runDuration, recordsPushed, recordsFailed, providerCalls, rateLimitWaits, rateLimitWaitSeconds, runsRecovered };
