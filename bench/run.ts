/**
 * `npm run bench [-- --records N]`: crm-bridge's throughput against what a user would hand-write, in one process
 * tree on this machine. See bench/README.md for what each phase measures and why.
 *
 * stdout: a human table, then one JSON object as the last line. Progress goes to stderr.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { startEmbeddedCluster, type EmbeddedCluster } from '../src/redis/embedded-cluster.ts';
import { detectCluster } from '../src/redis/connection.ts';
import { startEmbeddedRedis, type EmbeddedRedis } from '../src/redis/embedded-redis.ts';
import type { NaiveKind } from './baseline-process.ts';
import { ChildHandle } from './ipc.ts';
import { PERF_NODE_FLAGS, perfRecord, perfSummary } from './perf.ts';
import { formatAllocations, type AllocationProfile } from './alloc-profile.ts';
import { formatSummary, summarize, type CpuProfile } from './profile.ts';
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
    /**
     * Naive baseline and first sync, alternated this many times; the ratio is of their medians. On a shared
     * machine one slow spell can land on either side; alternating spreads it. Without baselines: one round.
     */
    rounds: { type: 'string', default: '3' },
    /** Skip the baselines (for profiling the product alone); the ratios are then null. */
    'no-baselines': { type: 'boolean', default: false },
    /** Writes a V8 CPU profile of the worker process to .data/bench-prof. */
    'cpu-prof': { type: 'boolean', default: false },
    /**
     * Profiles the last round's timed phases only (first sync in the worker, the naive loops in the baseline
     * process) into .data/bench-prof/<pid>-<phase>.cpuprofile, and prints their summaries (bench/profile.ts).
     */
    profile: { type: 'boolean', default: false },
    /**
     * Like --profile, for allocations: V8's sampling heap profiler over the same phases, collected objects counted
     * (.data/bench-prof/<pid>-<phase>.heapprofile), summarized as KB per record (bench/alloc-profile.ts).
     */
    alloc: { type: 'boolean', default: false },
    /**
     * Like --profile, with Linux `perf` (CPU time only: on a busy machine V8's wall-clock sampling charges the wait
     * for a core to whatever ran before it). Files in .data/bench-prof/<pid>-<phase>.perf; see bench/perf.ts.
     */
    perf: { type: 'boolean', default: false },
    /**
     * Node flags for the worker process only (space-separated). Default: the heap settings the README recommends for
     * production workers (the Dockerfile sets them too); `--worker-flags=` measures Node's defaults.
     */
    'worker-flags': { type: 'string', default: '--max-semi-space-size=32 --max-old-space-size=192' },
    'log-level': { type: 'string', default: 'warn' },
    /** Runs everything on a private 3-master Redis Cluster (with REDIS_URL set: that Redis, whatever it is). */
    cluster: { type: 'boolean', default: false },
    /** Per-phase time cap. */
    'timeout-s': { type: 'string', default: '1800' },
    /**
     * Instead of the phases above: the fairness figure (bench/fairness.ts). A second tenant's 100-record run, alone
     * and while the first tenant's `--records` first sync is in progress.
     */
    fairness: { type: 'boolean', default: false },
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
const rounds = flags['no-baselines'] ? 1 : positiveInt('rounds', flags.rounds);
const timeoutMs = positiveInt('timeout-s', flags['timeout-s']) * 1000;
const root = path.resolve(import.meta.dirname, '..');
const here = import.meta.dirname;
const profileDir = path.join(root, '.data/bench-prof');
/** The profile file of a phase of the last round, when profiling. */
const profileOf = (phase: string, r: number) =>
  (flags.profile || flags.alloc) && r === rounds ? path.join(profileDir, `${process.pid}-${phase}.${flags.alloc ? 'heapprofile' : 'cpuprofile'}`) : undefined;
const profiled: Array<{ phase: string; file: string }> = [];
const perfed: Array<{ phase: string; file: string; pid: number }> = [];
/** Runs `work` under `perf record` of `child` when --perf is given and this is the last round. */
async function perfOf<T>(child: ChildHandle, phase: string, r: number, work: () => Promise<T>): Promise<T> {
  const pid = child.process.pid;
  if (!flags.perf || r !== rounds || pid === undefined) return work();
  const file = path.join(profileDir, `${process.pid}-${phase}.perf`);
  const recording = perfRecord(pid, file);
  try {
    return await work();
  } finally {
    await recording.stop();
    perfed.push({ phase, file, pid });
  }
}
const childFlags = [...(flags.perf ? PERF_NODE_FLAGS : [])];

const log = (message: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
const rate = (count: number, ms: number) => (ms > 0 ? count / (ms / 1000) : 0);
const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/** A number from an INFO answer. */
const infoField = (info: string, name: string) => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);

/**
 * CPU time the provider simulators and Redis (every node) have used so far, ms: the rest of the machine's share;
 * and the commands Redis has run, by name (EVALSHA counts the script calls, whatever each script does).
 */
async function sideCpuMs(simulators: ChildHandle, admin: Admin): Promise<{ simulators: number; redis: number; commands: Map<string, number> }> {
  let redis = 0;
  const commands = new Map<string, number>();
  for (const node of admin.nodes) {
    const info = await node.info('cpu');
    redis += (infoField(info, 'used_cpu_user') + infoField(info, 'used_cpu_sys')) * 1000;
    for (const [, name, calls] of (await node.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
      commands.set(name!, (commands.get(name!) ?? 0) + Number(calls));
    }
  }
  return { simulators: await simulators.call<number>('cpuMs'), redis, commands };
}

/**
 * Runs `work` and adds the simulators' and Redis's CPU during it to the worker's own; `redisCommands`: the Redis
 * commands run meanwhile (by everyone: the bench's own INFO calls are a handful), most first.
 */
async function withSideCpu<T extends { cpuMs: number }>(
  simulators: ChildHandle,
  admin: Admin,
  work: () => Promise<T>,
): Promise<T & { allCpuMs: number; simulatorsCpuMs: number; redisCpuMs: number; redisCommands: Array<[string, number]> }> {
  const before = await sideCpuMs(simulators, admin);
  const result = await work();
  const after = await sideCpuMs(simulators, admin);
  const redisCommands = [...after.commands].map(([name, calls]): [string, number] => [name, calls - (before.commands.get(name) ?? 0)]).filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
  const simulatorsCpuMs = after.simulators - before.simulators;
  const redisCpuMs = after.redis - before.redis;
  return { ...result, allCpuMs: result.cpuMs + simulatorsCpuMs + redisCpuMs, simulatorsCpuMs, redisCpuMs, redisCommands };
}

/** Redis commands per item, the most frequent first: `evalsha 2.31, hgetall 0.02, ...`. */
const commandsPer = (commands: Array<[string, number]>, items: number) =>
  `${round(commands.reduce((sum, [, n]) => sum + n, 0) / items, 2)} (${commands.slice(0, 6).map(([name, n]) => `${name} ${round(n / items, 2)}`).join(', ')})`;

/** One plain connection per master: INFO, DBSIZE and SCAN answer for that node only. */
interface Admin {
  nodes: Redis[];
}

async function adminOf(redisUrl: string, cluster: boolean): Promise<Admin> {
  const first = new Redis(redisUrl, { maxRetriesPerRequest: 3 });
  if (!cluster) return { nodes: [first] };
  const slots = (await first.call('CLUSTER', 'SLOTS')) as Array<[number, number, [string, number, ...unknown[]]]>;
  first.disconnect();
  const masters = [...new Set(slots.map(([, , [host, port]]) => `${host}:${port}`))];
  return {
    nodes: masters.map((hostPort) => {
      const url = new URL(redisUrl);
      const [host, port] = hostPort.split(':');
      url.hostname = host ?? '127.0.0.1';
      url.port = port ?? '6379';
      return new Redis(url.toString(), { maxRetriesPerRequest: 3 });
    }),
  };
}

/** Deletes every key matching `pattern` on every node, one UNLINK each (a cluster refuses keys of several slots). */
async function deleteKeys(admin: Admin, pattern: string): Promise<void> {
  for (const node of admin.nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length > 0) {
        const pipeline = node.pipeline();
        for (const key of keys) pipeline.unlink(key);
        await pipeline.exec();
      }
      cursor = next;
    } while (cursor !== '0');
  }
}

/** used_memory and the number of keys, per node. */
async function nodeUsage(admin: Admin): Promise<Array<{ usedMemory: number; keys: number }>> {
  return Promise.all(admin.nodes.map(async (node) => ({ usedMemory: infoField(await node.info('memory'), 'used_memory'), keys: await node.dbsize() })));
}

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
let redisCluster: EmbeddedCluster | null = null;
let redisDir: string | null = null;

async function cleanup(): Promise<void> {
  await Promise.allSettled(children.map((child) => child.stop()));
  await redisServer?.stop();
  await redisCluster?.stop();
  if (redisDir) rmSync(redisDir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  let redisUrl = process.env['REDIS_URL'];
  if (!redisUrl) {
    // One directory per run: `fresh` empties it, which must never hit another run's Redis.
    redisDir = path.join(root, '.data/bench-redis', String(process.pid));
    if (flags.cluster) {
      redisCluster = await startEmbeddedCluster({ dataDir: redisDir, log });
      // A node that does not own the slot of the old single hash tag: nothing may work by landing there by luck.
      redisUrl = await redisCluster.urlNotServing('{crm-bridge}');
    } else {
      redisServer = await startEmbeddedRedis({ dataDir: redisDir, fresh: true, log });
      redisUrl = redisServer.url;
    }
  } else {
    log(`using REDIS_URL (used_memory then includes whatever else that Redis holds)`);
  }
  const cluster = await detectCluster(redisUrl);
  const admin = await adminOf(redisUrl, cluster);
  const empty = await nodeUsage(admin);

  const simulators = new ChildHandle('simulators', path.join(here, 'simulators-process.ts'));
  children.push(simulators);
  await simulators.ready;
  const info = await simulators.call<SimulatorsInfo>('info');

  log(`seeding ${records} Trata prospects`);
  const t0 = performance.now();
  await simulators.call('seed', { records });
  log(`seeded in ${round((performance.now() - t0) / 1000, 1)} s`);

  let addBulk: { ms: number; cpuMs: number } | null = null;
  const baseline = flags['no-baselines'] ? null : new ChildHandle('baseline', path.join(here, 'baseline-process.ts'), { execArgv: [...process.execArgv, ...childFlags] });
  if (baseline) {
    children.push(baseline);
    await baseline.ready;
    log(`enqueue baseline: addBulk of ${records} jobs`);
    addBulk = await baseline.call<{ ms: number; cpuMs: number }>('addBulk', { redisUrl, cluster, records });
    log(`addBulk: ${round(rate(records, addBulk.ms))} jobs/s`);
  }

  const worker = new ChildHandle('worker', path.join(here, 'worker-process.ts'), {
    execArgv: [...process.execArgv, ...childFlags, ...flags['worker-flags'].split(' ').filter(Boolean), ...(flags['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.join(root, '.data/bench-prof')}`] : [])],
  });
  children.push(worker);
  await worker.ready;
  // Each round's first sync starts from an empty crm-bridge state: its own key prefix.
  const init = (round: number): WorkerInit => ({
    redisUrl,
    cluster,
    prefix: `{bench-${process.pid}-${round}}`,
    simulators: info,
    pageSize,
    batchSize,
    pushConcurrency: concurrency,
    syncConcurrency,
    logLevel: flags['log-level'],
  });

  const phase = async (name: string, full: boolean, profile?: string, perfRound = 0) => {
    await simulators.call('resetCalls');
    log(`${name}: running`);
    const result = await withSideCpu(simulators, admin, () => perfOf(worker, 'first-sync', perfRound, () => worker.call<PhaseResult>('run', { full, timeoutMs, profile })));
    if (profile) profiled.push({ phase: name, file: profile });
    const calls = await simulators.call<Calls>('powerchordCalls');
    log(`${name}: worker peak RSS so far ${round(await worker.call<number>('peakRssMb'))} MB, at that peak ${JSON.stringify(await worker.call('memoryAtPeak'))}`);
    log(`${name}: ${result.run.status} in ${round(result.ms / 1000, 1)} s, ${round(rate(result.run.counts.pulled, result.ms))} records/s, counts ${JSON.stringify(result.run.counts)}, PowerChord calls ${JSON.stringify(calls.all)}`);
    log(`${name}: CPU µs per record: worker ${round((result.cpuMs * 1000) / records)}, simulators ${round((result.simulatorsCpuMs * 1000) / records)}, Redis ${round((result.redisCpuMs * 1000) / records)}, all ${round((result.allCpuMs * 1000) / records)}; Redis commands per record ${commandsPer(result.redisCommands, records)}`);
    if (result.run.status !== 'SUCCESS') throw new Error(`${name} ended ${result.run.status}: ${JSON.stringify(result.run)}`);
    return { ...result, calls };
  };

  const naiveRounds: Array<NaiveResult & { allCpuMs: number }> = [];
  const sameCallsRounds: Array<NaiveResult & { allCpuMs: number }> = [];
  const firstRounds: Array<Awaited<ReturnType<typeof phase>>> = [];
  if (flags.profile || flags.alloc || flags.perf) mkdirSync(profileDir, { recursive: true });
  const naive = async (kind: NaiveKind, tag: string, r: number, profile?: string) => {
    const args = { redisUrl, cluster, kind, records, concurrency, powerchord: info.powerchord, profile };
    if (profile) profiled.push({ phase: `naive (${kind})`, file: profile });
    const what = kind === 'got' ? 'one got POST each' : 'the product\'s calls each (undici POST + ExternalID PATCH)';
    log(`naive baseline (${kind})${tag}: ${records} jobs, ${what}, concurrency ${concurrency}`);
    await simulators.call('clearPowerChord');
    await baseline!.call('naivePrepare', args);
    const measured = await withSideCpu(simulators, admin, () => perfOf(baseline!, `naive-${kind}`, r, () => baseline!.call<NaiveResult>('naiveRun', args)));
    log(`naive (${kind})${tag}: ${round(rate(records, measured.ms))} jobs/s (${measured.failed} failed attempts); CPU µs per record: process ${round((measured.cpuMs * 1000) / records)}, simulators ${round((measured.simulatorsCpuMs * 1000) / records)}, Redis ${round((measured.redisCpuMs * 1000) / records)}, all ${round((measured.allCpuMs * 1000) / records)}; Redis commands per record ${commandsPer(measured.redisCommands, records)}`);
    return measured;
  };
  for (let r = 1; r <= rounds; r++) {
    const tag = rounds > 1 ? ` (round ${r} of ${rounds})` : '';
    if (baseline) {
      naiveRounds.push(await naive('got', tag, r, profileOf('naive-got', r)));
      sameCallsRounds.push(await naive('same-calls', tag, r, profileOf('naive-same-calls', r)));
    }
    await simulators.call('clearPowerChord');
    if (r > 1) {
      await worker.call('close');
      // The previous round's keys go, so that used_memory below is one sync's worth (its queues and its state:
      // `{bench-…-N:…}` and `{bench-…-N}:…`).
      await deleteKeys(admin, `{bench-${process.pid}-${r - 1}[:}]*`);
    }
    await worker.call('init', init(r));
    if (r === 1) {
      log(`worker ready, RSS ${round(await worker.call<number>('rssMb'))} MB`);
      await worker.call('resetPeakRss');
    }
    firstRounds.push(await phase(`first sync${tag}`, false, profileOf('first-sync', r), r));
  }
  await baseline?.stop();
  const first = firstRounds.at(-1)!;
  // Full re-reads: every record is checked, whatever the incremental cursor's lookback would cover.
  const unchanged = await phase('re-sync, nothing changed', true);
  const { modified } = await simulators.call<{ modified: number }>('modifyEvery', { every: 100 });
  log(`modified ${modified} prospects (1 %)`);
  const changed = await phase('re-sync, 1 % changed', true);
  const peakRssMb = await worker.call<number>('peakRssMb');
  log(`worker memory at its peak RSS (MB): ${JSON.stringify(await worker.call('memoryAtPeak'))}`);

  const usage = await nodeUsage(admin);
  for (const node of admin.nodes) node.disconnect();
  const usedMemory = usage.reduce((sum, n) => sum + n.usedMemory, 0);
  // What crm-bridge keeps for the records it tracks (state, run ledgers, retained jobs), less an empty Redis.
  const keptBytes = usedMemory - empty.reduce((sum, n) => sum + n.usedMemory, 0);
  const totalKeys = usage.reduce((sum, n) => sum + n.keys, 0);
  // Per shard: its keys and used_memory, and its share of each (memory: what it gained over the run, since an
  // empty node's own ~1 MB would otherwise even the shares out).
  const shards = usage.map((n, i) => ({
    keys: n.keys,
    used_memory: n.usedMemory,
    keys_share: round(n.keys / Math.max(1, totalKeys), 3),
    memory_share: round((n.usedMemory - (empty[i]?.usedMemory ?? 0)) / Math.max(1, keptBytes), 3),
  }));
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

  const medianOf = (list: Array<NaiveResult & { allCpuMs: number }>) =>
    list.length > 0 ? { ms: median(list.map((n) => n.ms)), cpuMs: median(list.map((n) => n.cpuMs)), allCpuMs: median(list.map((n) => n.allCpuMs)), peakRssMb: Math.max(...list.map((n) => n.peakRssMb)) } : null;
  const naiveGot = medianOf(naiveRounds);
  const sameCalls = medianOf(sameCallsRounds);
  const firstMedian = { ms: median(firstRounds.map((f) => f.ms)), cpuMs: median(firstRounds.map((f) => f.cpuMs)), allCpuMs: median(firstRounds.map((f) => f.allCpuMs)) };
  const baselineRate = naiveGot ? rate(records, naiveGot.ms) : null;
  const sameCallsRate = sameCalls ? rate(records, sameCalls.ms) : null;
  const addBulkRate = addBulk === null ? null : rate(records, addBulk.ms);
  const firstRate = rate(records, firstMedian.ms);
  const unchangedRate = rate(records, unchanged.ms);
  const changedRate = rate(records, changed.ms);
  const result = {
    records,
    baseline_jobs_per_s: baselineRate === null ? null : round(baselineRate),
    addbulk_jobs_per_s: addBulkRate === null ? null : round(addBulkRate),
    first_sync_records_per_s: round(firstRate),
    ratio_first_sync_to_baseline: baselineRate ? round(firstRate / baselineRate, 3) : null,
    naive_same_calls_jobs_per_s: sameCallsRate === null ? null : round(sameCallsRate),
    ratio_first_sync_to_naive_same_calls: sameCallsRate ? round(firstRate / sameCallsRate, 3) : null,
    resync_unchanged_records_per_s: round(unchangedRate),
    ratio_unchanged_to_addbulk: addBulkRate ? round(unchangedRate / addBulkRate, 3) : null,
    resync_unchanged_writes: unchanged.calls.writes,
    resync_1pct_writes: changed.calls.writes,
    peak_rss_mb: round(peakRssMb, 1),
    redis_used_memory_mb: round(usedMemory / (1024 * 1024), 1),
    redis_bytes_per_tracked_record: round(keptBytes / records, 1),
    cluster,
    ...(cluster
      ? { shards, cluster_max_shard_key_share: Math.max(...shards.map((x) => x.keys_share)), cluster_max_shard_memory_share: Math.max(...shards.map((x) => x.memory_share)) }
      : {}),
    rounds,
  };

  // CPU µs per item: of the process doing the work, and of the whole machine's share (that process, the
  // simulators and Redis). Both are steadier than wall time on a shared machine.
  const cpuPer = (cpuMs: number | undefined) => (cpuMs === undefined ? '-' : String(round((cpuMs * 1000) / records)));
  const median$ = rounds > 1 ? `, median of ${rounds} rounds` : '';
  const rows: Array<[string, string, string, string, string, string, string]> = [
    ['phase', 'items', 'seconds', 'per second', 'CPU µs/item', 'all CPU µs/item', 'notes'],
    ['enqueue baseline (addBulk)', String(records), addBulk ? (addBulk.ms / 1000).toFixed(2) : '-', addBulkRate === null ? '-' : String(round(addBulkRate)), cpuPer(addBulk?.cpuMs), '-', '1000 jobs per addBulk (producer process)'],
    ['naive baseline (job + got POST)', String(records), naiveGot ? (naiveGot.ms / 1000).toFixed(2) : '-', baselineRate === null ? '-' : String(round(baselineRate)), cpuPer(naiveGot?.cpuMs), cpuPer(naiveGot?.allCpuMs), naiveGot ? `concurrency ${concurrency}, peak RSS ${round(naiveGot.peakRssMb)} MB${median$}` : ''],
    ['naive, same calls (undici POST+PATCH)', String(records), sameCalls ? (sameCalls.ms / 1000).toFixed(2) : '-', sameCallsRate === null ? '-' : String(round(sameCallsRate)), cpuPer(sameCalls?.cpuMs), cpuPer(sameCalls?.allCpuMs), sameCalls ? `concurrency ${concurrency}, peak RSS ${round(sameCalls.peakRssMb)} MB${median$}` : ''],
    ['first sync (all created)', String(records), (firstMedian.ms / 1000).toFixed(2), String(round(firstRate)), cpuPer(firstMedian.cpuMs), cpuPer(firstMedian.allCpuMs), `PowerChord calls ${first.calls.all['POST /v1/:trunkID'] ?? 0} POST + ${first.calls.all['PATCH /v3/lead/:leadID'] ?? 0} PATCH${median$}`],
    ['re-sync, nothing changed', String(records), (unchanged.ms / 1000).toFixed(2), String(round(unchangedRate)), cpuPer(unchanged.cpuMs), cpuPer(unchanged.allCpuMs), `${unchanged.calls.writes} writes`],
    ['re-sync, 1 % changed', String(records), (changed.ms / 1000).toFixed(2), String(round(changedRate)), cpuPer(changed.cpuMs), cpuPer(changed.allCpuMs), `${changed.calls.writes} writes for ${modified} changes`],
  ];
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const line = (row: readonly string[]) => row.map((cell, i) => (i === 0 || i === 6 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  const out: string[] = [
    `crm-bridge benchmark: ${records} records, page ${pageSize}, batch ${batchSize}, push concurrency ${concurrency} (naive: same), sync concurrency ${syncConcurrency}`,
    line(rows[0]!),
    ...rows.slice(1).map(line),
    '',
    `first sync / naive baseline      ${result.ratio_first_sync_to_baseline ?? '-'}  (target >= 1.0)${rounds > 1 ? `; rounds: naive ${naiveRounds.map((n) => round(rate(records, n.ms))).join(', ')} / first sync ${firstRounds.map((f) => round(rate(records, f.ms))).join(', ')} per s` : ''}`,
    `first sync / naive, same calls   ${result.ratio_first_sync_to_naive_same_calls ?? '-'}  (target >= 1.2)${rounds > 1 ? `; rounds: same calls ${sameCallsRounds.map((n) => round(rate(records, n.ms))).join(', ')} per s` : ''}`,
    `all-process CPU per record       naive ${cpuPer(naiveGot?.allCpuMs)} µs, same calls ${cpuPer(sameCalls?.allCpuMs)} µs, first sync ${cpuPer(firstMedian.allCpuMs)} µs (worker + simulators + Redis)`,
    `unchanged re-sync / addBulk      ${result.ratio_unchanged_to_addbulk ?? '-'}  (target >= 0.75)`,
    `worker peak RSS (product phases) ${result.peak_rss_mb} MB  (target <= 300 MB at 100k)`,
    `Redis used_memory after phases   ${result.redis_used_memory_mb} MB; ${result.redis_bytes_per_tracked_record} bytes per tracked record (less an empty Redis)`,
    ...(cluster ? [`shards (keys / memory share)     ${shards.map((s) => `${s.keys_share} / ${s.memory_share} (${s.keys} keys, ${round(s.used_memory / (1024 * 1024), 1)} MB)`).join(', ')}  (target: each <= 0.5)`] : []),
    JSON.stringify(result),
  ];
  for (const { phase, file } of profiled) {
    if (file.endsWith('.heapprofile')) {
      process.stderr.write(`\n== allocations: ${phase} (${file})\n${formatAllocations(JSON.parse(readFileSync(file, 'utf8')) as AllocationProfile, records, 40)}\n`);
      continue;
    }
    const summary = summarize(JSON.parse(readFileSync(file, 'utf8')) as CpuProfile, 40);
    process.stderr.write(`\n== CPU profile: ${phase} (${file})\n${formatSummary(summary, records)}\n`);
  }
  for (const { phase, file, pid } of perfed) process.stderr.write(`\n== perf (CPU time): ${phase} (${file})\n${perfSummary(file, pid, records, 40)}\n`);
  // V8's perf maps of our children (they name JIT code for `perf script`): not needed any more, unless kept to look
  // at the .perf files again (KEEP_PERF_MAPS=1; `perf script` reads them from /tmp/perf-<pid>.map).
  if (!process.env['KEEP_PERF_MAPS']) for (const pid of new Set(perfed.map((p) => p.pid))) rmSync(`/tmp/perf-${pid}.map`, { force: true });
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
  if (flags.fairness) {
    const { runFairness } = await import('./fairness.ts');
    await runFairness({
      records, pageSize, batchSize, pushConcurrency: concurrency, syncConcurrency, timeoutMs, logLevel: flags['log-level'],
      workerFlags: flags['worker-flags'].split(' ').filter(Boolean),
    });
  } else {
    await main();
  }
} catch (error) {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  await cleanup();
  process.exitCode = 1;
}
