/**
 * `npm run bench [-- --records N]`: crm-bridge's throughput against what a user would hand-write, in one process
 * tree on this machine. See bench/README.md for what each phase measures and why.
 *
 * stdout: a human table, then one JSON object as the last line. Progress goes to stderr.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { startEmbeddedRedis, type EmbeddedRedis } from '../src/redis/embedded-redis.ts';
import { ChildHandle } from './ipc.ts';
import type { SimulatorsInfo } from './simulators-process.ts';
import type { PhaseResult, WorkerInit } from './worker-process.ts';

const { values: flags } = parseArgs({
  options: {
    records: { type: 'string', default: '100000' },
    /** In-flight writes: the product's push concurrency, and the naive worker's concurrency. */
    concurrency: { type: 'string', default: '50' },
    'page-size': { type: 'string', default: '1000' },
    'batch-size': { type: 'string', default: '50' },
    'sync-concurrency': { type: 'string', default: '2' },
    /** Skip the baselines (for profiling the product alone); the ratios are then null. */
    'no-baselines': { type: 'boolean', default: false },
    /** Writes a V8 CPU profile of the worker process to .data/bench-prof. */
    'cpu-prof': { type: 'boolean', default: false },
    /**
     * Node flags for the worker process only (space-separated). Default: the heap settings the README recommends for
     * production workers (the Dockerfile sets them too); `--worker-flags=` measures Node's defaults.
     */
    'worker-flags': { type: 'string', default: '--max-semi-space-size=8 --max-old-space-size=192' },
    'log-level': { type: 'string', default: 'warn' },
    /** Per-phase time cap. */
    'timeout-s': { type: 'string', default: '1800' },
  },
  strict: true,
});

function positiveInt(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer (got ${value})`);
  return n;
}

const records = positiveInt('records', flags.records);
const concurrency = positiveInt('concurrency', flags.concurrency);
const pageSize = positiveInt('page-size', flags['page-size']);
const batchSize = positiveInt('batch-size', flags['batch-size']);
const syncConcurrency = positiveInt('sync-concurrency', flags['sync-concurrency']);
const timeoutMs = positiveInt('timeout-s', flags['timeout-s']) * 1000;
const root = path.resolve(import.meta.dirname, '..');
const here = import.meta.dirname;

const log = (message: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
const rate = (count: number, ms: number) => (ms > 0 ? count / (ms / 1000) : 0);
const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;

interface NaiveResult {
  ms: number;
  cpuMs: number;
  completed: number;
  failed: number;
  peakRssMb: number;
}

interface Calls {
  all: Record<string, number>;
  writes: number;
}

const children: ChildHandle[] = [];
let redisServer: EmbeddedRedis | null = null;
let redisDir: string | null = null;

async function cleanup(): Promise<void> {
  await Promise.allSettled(children.map((child) => child.stop()));
  await redisServer?.stop();
  if (redisDir) rmSync(redisDir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  let redisUrl = process.env['REDIS_URL'];
  if (!redisUrl) {
    // One directory per run: `fresh` empties it, which must never hit another run's Redis.
    redisDir = path.join(root, '.data/bench-redis', String(process.pid));
    redisServer = await startEmbeddedRedis({ dataDir: redisDir, fresh: true, log });
    redisUrl = redisServer.url;
  } else {
    log(`using REDIS_URL (used_memory then includes whatever else that Redis holds)`);
  }
  const admin = new Redis(redisUrl, { maxRetriesPerRequest: 3 });

  const simulators = new ChildHandle('simulators', path.join(here, 'simulators-process.ts'));
  children.push(simulators);
  await simulators.ready;
  const info = await simulators.call<SimulatorsInfo>('info');

  log(`seeding ${records} Trata prospects`);
  const t0 = performance.now();
  await simulators.call('seed', { records });
  log(`seeded in ${round((performance.now() - t0) / 1000, 1)} s`);

  let addBulk: { ms: number; cpuMs: number } | null = null;
  let naive: NaiveResult | null = null;
  if (!flags['no-baselines']) {
    const baseline = new ChildHandle('baseline', path.join(here, 'baseline-process.ts'));
    children.push(baseline);
    await baseline.ready;
    log(`enqueue baseline: addBulk of ${records} jobs`);
    addBulk = await baseline.call<{ ms: number; cpuMs: number }>('addBulk', { redisUrl, records });
    log(`addBulk: ${round(rate(records, addBulk.ms))} jobs/s`);
    log(`naive baseline: ${records} jobs, one got POST each, concurrency ${concurrency}`);
    const measured = await baseline.call<NaiveResult>('naive', { redisUrl, records, concurrency, powerchord: info.powerchord });
    naive = measured;
    log(`naive: ${round(rate(records, measured.ms))} jobs/s (${measured.failed} failed attempts)`);
    await baseline.stop();
    await simulators.call('clearPowerChord');
  }

  const worker = new ChildHandle('worker', path.join(here, 'worker-process.ts'), {
    execArgv: [...process.execArgv, ...flags['worker-flags'].split(' ').filter(Boolean), ...(flags['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.join(root, '.data/bench-prof')}`] : [])],
  });
  children.push(worker);
  await worker.ready;
  const init: WorkerInit = {
    redisUrl,
    prefix: `{bench-${process.pid}}`,
    simulators: info,
    pageSize,
    batchSize,
    pushConcurrency: concurrency,
    syncConcurrency,
    logLevel: flags['log-level'],
  };
  await worker.call('init', init);
  log(`worker ready, RSS ${round(await worker.call<number>('rssMb'))} MB`);
  await worker.call('resetPeakRss');

  const phase = async (name: string, full: boolean) => {
    await simulators.call('resetCalls');
    log(`${name}: running`);
    const result = await worker.call<PhaseResult>('run', { full, timeoutMs });
    const calls = await simulators.call<Calls>('powerchordCalls');
    log(`${name}: worker peak RSS so far ${round(await worker.call<number>('peakRssMb'))} MB, at that peak ${JSON.stringify(await worker.call('memoryAtPeak'))}`);
    log(`${name}: ${result.run.status} in ${round(result.ms / 1000, 1)} s, ${round(rate(result.run.counts.pulled, result.ms))} records/s, counts ${JSON.stringify(result.run.counts)}, PowerChord calls ${JSON.stringify(calls.all)}`);
    if (result.run.status !== 'SUCCESS') throw new Error(`${name} ended ${result.run.status}: ${JSON.stringify(result.run)}`);
    return { ...result, calls };
  };

  const first = await phase('first sync', false);
  // Full re-reads: every record is checked, whatever the incremental cursor's lookback would cover.
  const unchanged = await phase('re-sync, nothing changed', true);
  const { modified } = await simulators.call<{ modified: number }>('modifyEvery', { every: 100 });
  log(`modified ${modified} prospects (1 %)`);
  const changed = await phase('re-sync, 1 % changed', true);
  const peakRssMb = await worker.call<number>('peakRssMb');
  log(`worker memory at its peak RSS (MB): ${JSON.stringify(await worker.call('memoryAtPeak'))}`);

  const memory = await admin.info('memory');
  const usedMemory = Number(/used_memory:(\d+)/.exec(memory)?.[1] ?? NaN);
  admin.disconnect();
  await worker.call('close');
  await cleanup();

  const checks = [
    [first.run.counts.created === records, `first sync created ${first.run.counts.created} of ${records}`],
    [unchanged.run.counts.unchanged === records, `unchanged re-sync found ${unchanged.run.counts.unchanged} of ${records} unchanged`],
    [unchanged.calls.writes === 0, `unchanged re-sync wrote ${unchanged.calls.writes} times`],
    [changed.calls.writes === modified, `1 % re-sync wrote ${changed.calls.writes} times for ${modified} changes`],
  ] as const;
  for (const [ok, what] of checks) {
    if (ok) continue;
    // The numbers are still printed, but a benchmark that synced wrongly does not pass.
    log(`CHECK FAILED: ${what}`);
    process.exitCode = 1;
  }

  const baselineRate = naive ? rate(records, naive.ms) : null;
  const addBulkRate = addBulk === null ? null : rate(records, addBulk.ms);
  const firstRate = rate(records, first.ms);
  const unchangedRate = rate(records, unchanged.ms);
  const changedRate = rate(records, changed.ms);
  const result = {
    records,
    baseline_jobs_per_s: baselineRate === null ? null : round(baselineRate),
    addbulk_jobs_per_s: addBulkRate === null ? null : round(addBulkRate),
    first_sync_records_per_s: round(firstRate),
    ratio_first_sync_to_baseline: baselineRate ? round(firstRate / baselineRate, 3) : null,
    resync_unchanged_records_per_s: round(unchangedRate),
    ratio_unchanged_to_addbulk: addBulkRate ? round(unchangedRate / addBulkRate, 3) : null,
    resync_unchanged_writes: unchanged.calls.writes,
    resync_1pct_writes: changed.calls.writes,
    peak_rss_mb: round(peakRssMb, 1),
    redis_used_memory_mb: round(usedMemory / (1024 * 1024), 1),
  };

  // CPU µs per item of the process doing the work: steadier than wall time on a shared machine.
  const cpuPer = (cpuMs: number | undefined) => (cpuMs === undefined ? '-' : String(round((cpuMs * 1000) / records)));
  const rows: Array<[string, string, string, string, string, string]> = [
    ['phase', 'items', 'seconds', 'per second', 'CPU µs/item', 'notes'],
    ['enqueue baseline (addBulk)', String(records), addBulk ? (addBulk.ms / 1000).toFixed(2) : '-', addBulkRate === null ? '-' : String(round(addBulkRate)), cpuPer(addBulk?.cpuMs), '1000 jobs per addBulk (producer process)'],
    ['naive baseline (job + POST)', String(records), naive ? (naive.ms / 1000).toFixed(2) : '-', baselineRate === null ? '-' : String(round(baselineRate)), cpuPer(naive?.cpuMs), naive ? `concurrency ${concurrency}, peak RSS ${round(naive.peakRssMb)} MB` : ''],
    ['first sync (all created)', String(records), (first.ms / 1000).toFixed(2), String(round(firstRate)), cpuPer(first.cpuMs), `PowerChord calls ${first.calls.all['POST /v1/:trunkID'] ?? 0} POST + ${first.calls.all['PATCH /v3/lead/:leadID'] ?? 0} PATCH`],
    ['re-sync, nothing changed', String(records), (unchanged.ms / 1000).toFixed(2), String(round(unchangedRate)), cpuPer(unchanged.cpuMs), `${unchanged.calls.writes} writes`],
    ['re-sync, 1 % changed', String(records), (changed.ms / 1000).toFixed(2), String(round(changedRate)), cpuPer(changed.cpuMs), `${changed.calls.writes} writes for ${modified} changes`],
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: readonly string[]) => row.map((cell, i) => (i === 0 || i === 5 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const out: string[] = [
    `crm-bridge benchmark: ${records} records, page ${pageSize}, batch ${batchSize}, push concurrency ${concurrency} (naive: same), sync concurrency ${syncConcurrency}`,
    line(rows[0]!),
    ...rows.slice(1).map(line),
    '',
    `first sync / naive baseline      ${result.ratio_first_sync_to_baseline ?? '-'}  (target >= 1.0)`,
    `unchanged re-sync / addBulk      ${result.ratio_unchanged_to_addbulk ?? '-'}  (target >= 0.75)`,
    `worker peak RSS (product phases) ${result.peak_rss_mb} MB  (target <= 300 MB at 100k)`,
    `Redis used_memory after phases   ${result.redis_used_memory_mb} MB`,
    JSON.stringify(result),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

// A time cap (timeout(1)) or ^C still stops the children and the private Redis.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping`);
    void cleanup().finally(() => process.exit(130));
  });
}

try {
  await main();
} catch (error) {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  await cleanup();
  process.exitCode = 1;
}
