/**
 * `npm run chaos [-- --records N --seed S --duration D --faults a,b --once --cluster]`: crm-bridge under faults
 * nobody planned, Jepsen-style. Real processes (redis-server with AOF, the four provider simulators, two
 * `crm-bridge worker`s and `crm-bridge api`), a nemesis applying a seeded schedule of faults while three syncs run,
 * then a checker comparing what the targets hold with what the ledger says, and two clean re-syncs that must
 * converge. `--cluster`: Redis is a 3-master Redis Cluster; each product process is given one node's URL (and finds
 * the cluster by INFO cluster), and each Redis fault hits one node, drawn from the seed.
 * `--faults <kind>`: only that kind, repeated over the schedule (one seed per fault kind).
 *
 * stdout: the schedule, the faults as applied, the findings with their evidence, and one JSON line last.
 * stderr: progress. Exit code 1 when any rule is broken (duplicates, lost records, stuck runs, no convergence,
 * ledger counts that the targets do not bear out).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { ChildHandle } from '../bench/ipc.ts';
import { freePort } from '../src/redis/embedded-redis.ts';
import { CHAOS_SYNCS, judge, ledgerBalance, matchTarget, TARGET_OF, type ChaosSync, type Matched, type Report, type Verdict } from './checker.ts';
import { LedgerReader, type RunState } from './ledger-reader.ts';
import { describeFault, FAULT_KINDS, planSchedule, runNemesis, type AppliedFault, type FaultKind } from './nemesis.ts';
import { ProductProcess } from './processes.ts';
import { ChaosCluster, ChaosRedis, type RedisUnderTest } from './redis-server.ts';
import type { JournalEntry, SimulatorsInfo, Truth } from './simulated.ts';

const { values: flags } = parseArgs({
  options: {
    /** Trata prospects: the source of trata-to-powerchord and trata-to-propexo. */
    records: { type: 'string', default: '20000' },
    /** Overplane prospects (the source of overplane-to-trata). @default a quarter of --records */
    'overplane-records': { type: 'string' },
    /** Seed of the fault schedule (and of the simulators' fault draws). @default random, printed */
    seed: { type: 'string' },
    /** Seconds of faults to plan. @default scales with --records (20,000 → 50 s) */
    duration: { type: 'string' },
    /** Comma-separated fault kinds to draw from. @default all */
    faults: { type: 'string' },
    /** Every fault kind exactly once, each short (the test suite's run). */
    once: { type: 'boolean', default: false },
    /** Run on a 3-master Redis Cluster instead of one redis-server. */
    cluster: { type: 'boolean', default: false },
    /** How long after the last fault every run must have reached a final status. */
    'settle-s': { type: 'string', default: '90' },
    /** Keep the data directory and the process logs even when every check passed. */
    keep: { type: 'boolean', default: false },
    'log-level': { type: 'string', default: 'info' },
  },
  strict: true,
});

function positiveInt(name: string, value: string | undefined): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer (got ${value})`);
  return n;
}

const records = positiveInt('records', flags.records);
const overplaneRecords = flags['overplane-records'] === undefined ? Math.max(1, Math.round(records / 4)) : positiveInt('overplane-records', flags['overplane-records']);
const seed = flags.seed === undefined ? randomBytes(4).readUInt32BE() : Number(flags.seed);
if (!Number.isInteger(seed) || seed < 0) throw new Error(`--seed must be a non-negative integer (got ${flags.seed})`);
const durationMs = (flags.duration === undefined ? Math.max(20, Math.round(records / 400)) : positiveInt('duration', flags.duration)) * 1000;
const kinds = (flags.faults ?? FAULT_KINDS.join(',')).split(',').map((k) => k.trim()).filter(Boolean);
for (const kind of kinds) if (!(FAULT_KINDS as readonly string[]).includes(kind)) throw new Error(`unknown fault kind "${kind}" (one of: ${FAULT_KINDS.join(', ')})`);
const settleMs = positiveInt('settle-s', flags['settle-s']) * 1000;
const WORKERS = 2;
const PREFIX = '{chaos}';
/** Product settings the harness runs with: short timeouts, so that a fault costs seconds, not minutes. */
const SHUTDOWN_TIMEOUT_S = 5;
const CONFIRM_TIMEOUT_MS = 10_000;

const root = path.resolve(import.meta.dirname, '..');
const dataDir = path.join(root, '.data', `chaos-${process.pid}`);
const t0 = Date.now();
const clock = () => Date.now() - t0;
const stamp = (ms: number) => `+${(ms / 1000).toFixed(1).padStart(5)} s`;
const log = (message: string) => process.stderr.write(`[chaos ${stamp(clock())}] ${message}\n`);
const out = (line = '') => process.stdout.write(`${line}\n`);

const REDIS_NODES = flags.cluster ? 3 : 1;
const schedule = planSchedule({ seed, kinds: kinds as FaultKind[], durationMs, once: flags.once, workers: WORKERS, redisNodes: REDIS_NODES });

// ---- processes -------------------------------------------------------------------------------------------

let redis: RedisUnderTest | null = null;
let simulators: ChildHandle | null = null;
const product: ProductProcess[] = [];
let ledger: LedgerReader | null = null;

async function cleanup(keepData: boolean): Promise<void> {
  for (const p of product) p.killNow();
  await Promise.allSettled(product.map((p) => p.closeLog()));
  await simulators?.stop(5_000).catch(() => undefined);
  await ledger?.close();
  await redis?.stop({ keepData });
  if (!keepData) rmSync(dataDir, { recursive: true, force: true });
}

function productEnv(redisUrl: string, sims: SimulatorsInfo, extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'],
    HOME: process.env['HOME'],
    REDIS_URL: redisUrl,
    QUEUE_PREFIX: PREFIX,
    LOG_LEVEL: flags['log-level'],
    JOBS_DIR: path.join(root, 'chaos/jobs'),
    MAPPINGS_DIR: path.join(root, 'mappings'),
    DATA_DIR: dataDir,
    // A hung call costs 2 s, a killed worker's jobs move on after 5 s, an unconfirmed async write fails after 10 s.
    PROVIDER_TIMEOUT_MS: '2000',
    JOB_LOCK_MS: '5000',
    SHUTDOWN_TIMEOUT_S: String(SHUTDOWN_TIMEOUT_S),
    CONFIRM_TIMEOUT_MS: String(CONFIRM_TIMEOUT_MS),
    // A run whose jobs a Redis kill lost is re-driven or ended within 10 s of going still (well inside --settle-s).
    RUN_STALL_MS: '10000',
    PUSH_CONCURRENCY: '16',
    TRATA_BASE_URL: sims.trata.url,
    TRATA_TOKEN: sims.trata.token,
    OVERPLANE_BASE_URL: sims.overplane.url,
    OVERPLANE_TOKEN: sims.overplane.token,
    PROPEXO_BASE_URL: sims.propexo.url,
    PROPEXO_TOKEN: sims.propexo.token,
    PROPEXO_INTEGRATION_ID: 'integration-chaos',
    PROPEXO_LEASE_ID: 'lease-chaos',
    // The simulator's budget is out of reach too (see simulators-process.ts): faults are under test, not limits.
    PROPEXO_RATE_LIMIT: '100000000',
    POWERCHORD_BASE_URL: sims.powerchord.url,
    POWERCHORD_LEADS_BASE_URL: sims.powerchord.leadsUrl,
    POWERCHORD_TOKEN: sims.powerchord.token,
    POWERCHORD_TRUNK_ID: sims.powerchord.trunkId,
    POWERCHORD_ORGANIZATION_ID: 'org-chaos',
    // CHAOS_PRODUCT_DEBUG=ioredis:cluster (say) turns on a library's debug output in every product process's log.
    ...(process.env['CHAOS_PRODUCT_DEBUG'] ? { DEBUG: process.env['CHAOS_PRODUCT_DEBUG'] } : {}),
    ...extra,
  };
}

// ---- the API, as a client that retries with an Idempotency-Key --------------------------------------------

interface Api {
  url: string;
  token: string;
}

async function startRun(api: Api, sync: string, full: boolean, key: string): Promise<string> {
  const deadline = Date.now() + 60_000;
  let last = '';
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${api.url}/v1/syncs/${sync}/runs`, {
        method: 'POST',
        headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({ full }),
        signal: AbortSignal.timeout(10_000),
      });
      const body = (await response.json()) as { job_id?: string };
      if (response.status === 202 && body.job_id) return body.job_id;
      last = `${response.status} ${JSON.stringify(body)}`;
      if (response.status !== 503) break;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await sleep(500);
  }
  throw new Error(`could not start a run of ${sync}: ${last}`);
}

/** Reads the API once a second during the faults: how it answers while Redis is down or paused. */
function probeApi(api: Api, stop: AbortSignal) {
  const stats = { probes: 0, by_status: {} as Record<string, number>, slowest_ms: 0, over_2s: 0 };
  const done = (async () => {
    while (!stop.aborted) {
      const began = Date.now();
      let status: string;
      try {
        const response = await fetch(`${api.url}/v1/syncs/trata-to-powerchord/runs?limit=1`, { headers: { authorization: `Bearer ${api.token}` }, signal: AbortSignal.timeout(25_000) });
        await response.arrayBuffer();
        status = String(response.status);
      } catch (error) {
        status = error instanceof Error && error.name === 'TimeoutError' ? 'timeout' : 'error';
      }
      const ms = Date.now() - began;
      stats.probes++;
      stats.by_status[status] = (stats.by_status[status] ?? 0) + 1;
      stats.slowest_ms = Math.max(stats.slowest_ms, ms);
      if (ms > 2_000) stats.over_2s++;
      await sleep(Math.max(0, 1_000 - ms));
    }
  })();
  return { stats, done };
}

// ---- runs ------------------------------------------------------------------------------------------------

interface TrackedRun {
  sync: ChaosSync;
  runId: string;
  phase: 'chaos' | 'resync-1' | 'resync-2';
  startedAt: number;
  finalAt: number | null;
  state: RunState | null;
}

/** Polls the ledger until every run left PENDING or the deadline (ms on the harness clock, may move) passed. */
async function awaitRuns(runs: TrackedRun[], deadline: () => number): Promise<void> {
  for (;;) {
    for (const run of runs.filter((r) => r.finalAt === null)) {
      const state = await ledger!.tryRun(run.runId);
      if (state) run.state = state;
      if (state && state.status !== 'PENDING') run.finalAt = clock();
    }
    if (runs.every((r) => r.finalAt !== null) || clock() > deadline()) return;
    await sleep(250);
  }
}

async function startRuns(api: Api, syncs: readonly ChaosSync[], phase: TrackedRun['phase'], tag = ''): Promise<TrackedRun[]> {
  return Promise.all(
    syncs.map(async (sync) => {
      const startedAt = clock();
      const runId = await startRun(api, sync, phase !== 'chaos', `chaos-${seed}-${process.pid}-${phase}${tag}-${sync}`);
      return { sync, runId, phase, startedAt, finalAt: null, state: null };
    }),
  );
}

/**
 * Keeps a sync busy for as long as the nemesis runs: whenever its run ends, some source records are edited and
 * an incremental run carries the edits (updates under faults, not only creates). After the last fault, the
 * current run has `settleMs` to end.
 */
async function drive(api: Api, first: TrackedRun, runs: TrackedRun[], nemesis: { endedAt: number | null }, edits: { rev: number }): Promise<void> {
  let current = first;
  const source = first.sync === 'overplane-to-trata' ? 'overplane' : 'trata';
  const size = source === 'trata' ? records : overplaneRecords;
  for (let round = 1; ; round++) {
    await awaitRuns([current], () => (nemesis.endedAt === null ? Number.POSITIVE_INFINITY : nemesis.endedAt + settleMs));
    if (current.finalAt === null || nemesis.endedAt !== null) return;
    // A breath between runs: the edits land while the faults go on, not in a tight loop.
    await sleep(1_000);
    if (nemesis.endedAt !== null) return;
    const rev = ++edits.rev;
    await simulators!.call('modify', { source, count: Math.max(1, Math.ceil(size * 0.03)), rev, seed: seed + rev });
    current = (await startRuns(api, [first.sync], 'chaos', `-follow-up-${round}`))[0]!;
    runs.push(current);
  }
}

async function waitForPushesToDrain(deadline: number): Promise<Record<string, number>> {
  for (;;) {
    const backlog = await ledger!.pushBacklog(PREFIX);
    if (Object.keys(backlog).length === 0 || clock() > deadline) return backlog;
    await sleep(500);
  }
}

// ---- the checker's inputs --------------------------------------------------------------------------------

/** Every record-level report the ledger holds for a sync: its runs' errors and its failed records. */
async function reportsOf(sync: ChaosSync, runIds: readonly string[]): Promise<Map<string, Report[]>> {
  const reports = new Map<string, Report[]>();
  const add = (sourceId: string, report: Report) => reports.set(sourceId, [...(reports.get(sourceId) ?? []), report]);
  for (const runId of runIds) for (const e of await ledger!.runErrors(runId)) add(e.sourceId, { code: e.code, reason: e.reason, runId });
  for (const [sourceId, report] of await ledger!.failed(sync)) add(sourceId, report);
  return reports;
}

function sourcesOf(sync: ChaosSync, truth: Truth): string[] {
  return sync === 'overplane-to-trata' ? truth.overplane.map((p) => p.id) : truth.trata.map((p) => p.id);
}

function namesOf(sync: ChaosSync, truth: Truth): Map<string, string | null> {
  return new Map(sync === 'overplane-to-trata' ? truth.overplane.map((p) => [p.id, p.name]) : truth.trata.map((p) => [p.id, p.name]));
}

const SOURCE_CONNECTION: Record<ChaosSync, string> = { 'trata-to-powerchord': 'trata', 'trata-to-propexo': 'trata', 'overplane-to-trata': 'overplane' };

// ---- evidence ----------------------------------------------------------------------------------------------

function logLinesMentioning(needles: string[], limit = 12): string[] {
  const lines: string[] = [];
  for (const p of product) {
    let text = '';
    try {
      text = readFileSync(p.logPath, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      if (needles.some((n) => n.length >= 6 && line.includes(n))) lines.push(`${p.name}: ${line.slice(0, 400)}`);
      if (lines.length >= limit) return lines;
    }
  }
  return lines;
}

async function evidence(sync: ChaosSync, sourceId: string, targetIds: string[], truth: Truth, applied: AppliedFault[]): Promise<string[]> {
  const lines: string[] = [];
  const email = sync === 'overplane-to-trata' ? null : (truth.trata.find((p) => p.id === sourceId)?.email ?? null);
  const keys = [sourceId, ...targetIds, ...(email ? [email] : [])];
  const state = await ledger!.recordState(sync, SOURCE_CONNECTION[sync], TARGET_OF[sync], '0', sourceId);
  lines.push(`    redis now: crosswalk=${state.crosswalk ?? '-'} intent=${state.intent ?? '-'} sent=${state.sent} failed=${state.failed ? state.failed.slice(0, 300) : '-'}`);
  const calls = await simulators!.call<JournalEntry[]>('journal', { keys });
  for (const call of calls.slice(0, 20)) {
    const during = applied.find((f) => call.at - t0 >= f.startedAt - 500 && call.at - t0 <= f.healedAt + 500);
    lines.push(`    ${stamp(call.at - t0)} ${call.sim} ${call.op}${during ? ` during ${describeFault(during)}` : ''}`);
  }
  for (const line of logLinesMentioning(keys)) lines.push(`    log ${line}`);
  return lines;
}

// ---- main --------------------------------------------------------------------------------------------------

interface Findings {
  chaos: Record<ChaosSync, Verdict>;
  final: Record<ChaosSync, Verdict>;
}

async function main(): Promise<number> {
  out(`crm-bridge chaos: seed ${seed}, ${records} Trata + ${overplaneRecords} Overplane records, faults: ${kinds.join(', ')}${flags.once ? ' (each once)' : ''}, redis: ${flags.cluster ? `a ${REDIS_NODES}-master cluster` : 'one server'}`);
  out('schedule (before it runs):');
  for (const fault of schedule) out(`  ${stamp(fault.at)}  ${describeFault(fault)}`);

  log(`data and logs in ${path.relative(root, dataDir)}`);
  redis = flags.cluster ? await ChaosCluster.start(dataDir, log) : await ChaosRedis.start(dataDir);
  ledger = new LedgerReader(redis.url, PREFIX, { cluster: redis.cluster });
  simulators = new ChildHandle('simulators', path.join(import.meta.dirname, 'simulators-process.ts'));
  await simulators.ready;
  const sims = await simulators.call<SimulatorsInfo>('info');
  await simulators.call('seed', { trata: records, overplane: overplaneRecords });
  const seeded = await simulators.call<Truth>('truth');
  log(`seeded ${seeded.trata.length} Trata and ${seeded.overplane.length} Overplane prospects`);

  const api: Api = { url: `http://127.0.0.1:${await freePort()}`, token: randomBytes(32).toString('base64url') };
  const logDir = dataDir;
  // On a cluster each process seeds from its own node (the API node 1, the workers nodes 2 and 3).
  const apiProcess = new ProductProcess('api', ['api'], productEnv(redis.urlFor(0), sims, { API_TOKENS: api.token, HOST: '127.0.0.1', PORT: api.url.split(':').at(-1)! }), logDir, 'API listening');
  const workers = Array.from({ length: WORKERS }, (_, i) => new ProductProcess(`worker-${i + 1}`, ['worker'], productEnv(redis!.urlFor(i + 1), sims, { WORKER_NAME: `chaos-worker-${i + 1}` }), logDir, 'workers started'));
  product.push(apiProcess, ...workers);
  await Promise.all(product.map((p) => p.start()));
  log('api and workers up');

  // ---- chaos phase: the three syncs run (and re-run on fresh edits) while the nemesis works
  const runs: TrackedRun[] = await startRuns(api, CHAOS_SYNCS, 'chaos');
  log(`chaos runs started: ${runs.map((r) => `${r.sync} ${r.runId}`).join(', ')}`);
  const nemesis = { endedAt: null as number | null };
  const edits = { rev: 0 };
  const drivers = runs.map((run) => drive(api, run, runs, nemesis, edits));
  const probeStop = new AbortController();
  const probe = probeApi(api, probeStop.signal);
  const applied = await runNemesis(schedule, { redis, workers, simulators, clock, log });
  nemesis.endedAt = clock();
  probeStop.abort();
  await probe.done;
  log(`nemesis done (${applied.length} faults); runs have ${settleMs / 1000} s to end`);
  await Promise.all(drivers);
  const stuck = runs.filter((r) => r.finalAt === null);
  for (const run of stuck) log(`STUCK: ${run.sync} run ${run.runId} still ${run.state?.status ?? 'unknown'} ${settleMs / 1000} s after the last fault: ${JSON.stringify(run.state)}`);

  // Propexo's backlog clears: writes held at PENDING resolve now (as they would, late, in production).
  const released = await simulators.call<number>('releasePropexo');
  if (released > 0) log(`released ${released} Propexo writes held at PENDING`);
  // A stuck run holds its sync's active-run lock: give it a chance to end now, so the re-syncs can start.
  if (stuck.length > 0) {
    const until = clock() + settleMs;
    await awaitRuns(stuck, () => until);
  }
  const backlog = await waitForPushesToDrain(clock() + settleMs);
  if (Object.keys(backlog).length > 0) log(`push jobs still queued after the runs ended: ${JSON.stringify(backlog)}`);

  const findings = { chaos: {}, final: {} } as Findings;
  const afterChaos = await simulators.call<Truth>('truth');
  for (const sync of CHAOS_SYNCS) {
    const last = runs.filter((r) => r.sync === sync).at(-1)!;
    // If the sync's last run failed reading its source, or never ended, what it did not reach is explained.
    const covered = last.finalAt === null || last.state?.status === 'FAILURE';
    findings.chaos[sync] = judge(sourcesOf(sync, seeded), matchTarget(sync, afterChaos), await reportsOf(sync, await ledger.syncRuns(sync)), { covered: () => covered });
  }

  // ---- convergence: a clean full re-sync writes what the faults left undone; a second one writes nothing
  const resync = async (phase: 'resync-1' | 'resync-2', syncs: readonly ChaosSync[]) => {
    const started = await startRuns(api, syncs, phase);
    runs.push(...started);
    const until = clock() + settleMs;
    await awaitRuns(started, () => until);
    return started;
  };
  const undone = (sync: ChaosSync, truth: Truth, failed: Map<string, Report>) => {
    const matched = matchTarget(sync, truth);
    return sourcesOf(sync, truth).filter((id) => !matched.copies.has(id) && failed.get(id)?.code !== 'OUTCOME_UNKNOWN').length;
  };
  await simulators.call('resetCalls');
  const expectedCreates: Partial<Record<ChaosSync, number>> = {};
  expectedCreates['overplane-to-trata'] = undone('overplane-to-trata', afterChaos, await ledger.failed('overplane-to-trata'));
  log('re-sync 1 (no faults): overplane-to-trata');
  const resync1 = await resync('resync-1', ['overplane-to-trata']);
  const beforeTrataResync = await simulators.call<Truth>('truth');
  for (const sync of ['trata-to-powerchord', 'trata-to-propexo'] as const) expectedCreates[sync] = undone(sync, beforeTrataResync, await ledger.failed(sync));
  // Propexo creates no run has counted yet, though the record may be there: still unconfirmed (a write the harness
  // held PENDING, released since: the re-sync asks its status, links it and counts it), linked by a run whose update
  // then failed (`linked:`), or completed by an update given up on while PENDING (`unsettled:<job>:created`). The
  // re-sync counts each as created: the run that learned it happened, or that sent the record after it.
  const uncounted = [...(await ledger.intents('trata', 'propexo')).values()];
  const pendingCreates = uncounted.filter((intent) => intent.startsWith('pending:')).length;
  const linkedCreates = uncounted.filter((intent) => intent.startsWith('linked:') || (intent.startsWith('unsettled:') && intent.endsWith(':created'))).length;
  log(`trata-to-propexo creates not counted yet: ${pendingCreates} pending, ${linkedCreates} linked or completed by an unsettled update`);
  expectedCreates['trata-to-propexo'] = (expectedCreates['trata-to-propexo'] ?? 0) + pendingCreates + linkedCreates;
  log('re-sync 1 (no faults): trata-to-powerchord, trata-to-propexo');
  resync1.push(...(await resync('resync-1', ['trata-to-powerchord', 'trata-to-propexo'])));
  await waitForPushesToDrain(clock() + settleMs);
  const resync1Writes = await simulators.call<Record<string, number>>('writeCalls');

  const converged = await simulators.call<Truth>('truth');
  const matchedFinal = {} as Record<ChaosSync, Matched>;
  for (const sync of CHAOS_SYNCS) {
    matchedFinal[sync] = matchTarget(sync, converged);
    const finalReports = await reportsOf(sync, resync1.filter((r) => r.sync === sync).map((r) => r.runId));
    findings.final[sync] = judge(sourcesOf(sync, converged), matchedFinal[sync], finalReports, { sourceNames: namesOf(sync, converged) });
  }

  await simulators.call('resetCalls');
  log('re-sync 2 (no faults): all three, expecting no writes');
  const resync2 = await resync('resync-2', CHAOS_SYNCS);
  await waitForPushesToDrain(clock() + settleMs);
  const resync2Writes = await simulators.call<Record<string, number>>('writeCalls');

  // ---- the ledger's counts against the targets
  const ledgerRows: Array<{ sync: ChaosSync; held: number; created: number; unknownHeld: number; countGap: number; unlinked: string[] }> = [];
  for (const sync of CHAOS_SYNCS) {
    let created = 0;
    for (const runId of await ledger.syncRuns(sync)) created += (await ledger.run(runId))?.counts.created ?? 0;
    const crosswalk = await ledger.crosswalk(SOURCE_CONNECTION[sync], TARGET_OF[sync]);
    const balance = ledgerBalance(matchedFinal[sync], crosswalk, new Set(findings.final[sync].unknown), created);
    ledgerRows.push({ sync, held: matchedFinal[sync].held, created, ...balance });
  }

  // ---- stop the product: a graceful stop must end within SHUTDOWN_TIMEOUT_S (+2 s of slack)
  const shutdown: Record<string, { ms: number; killed: boolean }> = {};
  await Promise.all(product.map(async (p) => (shutdown[p.name] = await p.stop((SHUTDOWN_TIMEOUT_S + 2) * 1000))));

  // ---- report
  const violations: string[] = [];
  out();
  out('faults applied:');
  const faultCounts: Record<string, number> = {};
  for (const fault of applied) {
    faultCounts[fault.kind] = (faultCounts[fault.kind] ?? 0) + 1;
    out(`  ${stamp(fault.startedAt)} → ${stamp(fault.healedAt)}  ${describeFault(fault)}${fault.note ? ` (${fault.note})` : ''}`);
  }
  if (released > 0) out(`  Propexo writes held at PENDING and released after the chaos runs: ${released}`);
  out();
  out('runs:');
  const row = (run: TrackedRun) => {
    const st = run.state;
    const took = run.finalAt === null ? 'NOT FINISHED' : `${((run.finalAt - run.startedAt) / 1000).toFixed(1)} s`;
    return `  ${run.phase.padEnd(8)} ${run.sync.padEnd(19)} ${(st?.status ?? '?').padEnd(15)} ${took.padStart(12)}  ${st ? JSON.stringify(st.counts) : ''}${st?.reason ? ` reason: ${st.reason}` : ''}`;
  };
  for (const sync of CHAOS_SYNCS) {
    const [first, ...followUps] = runs.filter((r) => r.phase === 'chaos' && r.sync === sync);
    if (first) out(row(first));
    if (followUps.length === 0) continue;
    // Follow-up runs carry the edits made while the faults went on; the unusual ones are shown in full.
    const usual = followUps.filter((r) => r.state?.status === 'SUCCESS');
    const slowest = Math.max(0, ...usual.map((r) => ((r.finalAt ?? r.startedAt) - r.startedAt) / 1000));
    out(`  chaos    ${sync.padEnd(19)} + ${usual.length} follow-up run(s) SUCCESS, the slowest ${slowest.toFixed(1)} s`);
    for (const run of followUps.filter((r) => r.state?.status !== 'SUCCESS')) out(row(run));
  }
  for (const run of runs.filter((r) => r.phase !== 'chaos')) out(row(run));
  const stuckRuns = stuck.length + runs.filter((r) => r.phase !== 'chaos' && r.finalAt === null).length;
  if (stuckRuns > 0) violations.push(`${stuckRuns} run(s) did not reach a final status within ${settleMs / 1000} s`);

  out();
  out('checks:');
  let duplicates = 0;
  let lost = 0;
  let stale = 0;
  const unknown = new Set<string>();
  for (const sync of CHAOS_SYNCS) {
    const c = findings.chaos[sync];
    const f = findings.final[sync];
    // Duplicates never heal: the larger count (after the re-syncs) is the one that counts.
    const extra = Math.max(c.extraCopies, f.extraCopies);
    duplicates += extra;
    lost += c.lost.length + f.lost.length;
    stale += f.stale.length;
    for (const id of f.unknown) unknown.add(`${sync}:${id}`);
    out(`  ${sync}: after the chaos runs ${c.present} of ${sourcesOf(sync, seeded).length} present, ${c.extraCopies} extra copies, ${c.lost.length} lost, ${c.unknown.length} OUTCOME_UNKNOWN, ${c.reportedAbsent.length} reported failed; after re-sync 1: ${f.present} of ${sourcesOf(sync, converged).length} present, ${f.extraCopies} extra copies, ${f.lost.length} lost, ${f.unknown.length} OUTCOME_UNKNOWN, ${f.reportedAbsent.length} still failed, ${f.stale.length} stale, ${f.orphans.length} orphans`);
    if (extra > 0) violations.push(`${sync}: ${extra} duplicate record(s) on ${TARGET_OF[sync]}`);
    if (c.lost.length + f.lost.length > 0) violations.push(`${sync}: ${c.lost.length + f.lost.length} record(s) lost (absent, never reported)`);
    if (f.reportedAbsent.length > 0) violations.push(`${sync}: ${f.reportedAbsent.length} record(s) still failing after a clean re-sync`);
    if (f.stale.length > 0) {
      violations.push(`${sync}: ${f.stale.length} record(s) on ${TARGET_OF[sync]} miss the source's latest edit after a clean re-sync (lost updates)`);
      for (const s of f.stale.slice(0, 3)) out(`    stale: ${s.sourceId} source "${s.source}" target "${s.target}"`);
    }
  }
  for (const sync of CHAOS_SYNCS) {
    const run = resync1.find((r) => r.sync === sync);
    const created = run?.state?.counts.created ?? 0;
    out(`  re-sync 1 ${sync}: created ${created} for ${expectedCreates[sync]} left undone, ${run?.state?.counts.updated ?? 0} updated`);
    if (created !== expectedCreates[sync]) violations.push(`${sync}: re-sync 1 created ${created}, but ${expectedCreates[sync]} records were left undone`);
  }
  out(`  re-sync 1 writes per target: ${JSON.stringify(resync1Writes)}`);
  const resync2Total = Object.values(resync2Writes).reduce((a, b) => a + b, 0);
  const resync2Counted = resync2.reduce((sum, r) => sum + (r.state?.counts.created ?? 0) + (r.state?.counts.updated ?? 0), 0);
  out(`  re-sync 2 writes per target: ${JSON.stringify(resync2Writes)} (must be none), created + updated ${resync2Counted}`);
  if (resync2Total > 0 || resync2Counted > 0) violations.push(`re-sync 2 wrote ${resync2Total} times (created + updated ${resync2Counted}): not converged`);
  for (const row of ledgerRows) {
    const ok = row.unlinked.length === 0 && row.countGap === 0;
    out(`  ledger ${row.sync}: target holds ${row.held} (${row.unknownHeld} of them held for review), runs counted ${row.created} created → gap ${row.countGap}; ${row.unlinked.length} target records the crosswalk does not link ${ok ? 'ok' : 'MISMATCH'}`);
    if (row.unlinked.length > 0) violations.push(`${row.sync}: ${row.unlinked.length} record(s) on ${TARGET_OF[row.sync]} that the ledger does not link to their source (e.g. ${row.unlinked.slice(0, 3).join(', ')})`);
    if (row.countGap !== 0) violations.push(`${row.sync}: the runs counted ${row.created} creates, but ${TARGET_OF[row.sync]} holds ${row.held - row.unknownHeld} records not held for review (gap ${row.countGap})`);
  }
  out(`  api during the faults: ${JSON.stringify(probe.stats)}`);
  out(`  graceful stop: ${Object.entries(shutdown).map(([name, s]) => `${name} ${s.ms} ms${s.killed ? ' (KILLED: did not exit in time)' : ''}`).join(', ')}`);

  // ---- evidence for what broke
  const shown = async (title: string, items: Array<{ sync: ChaosSync; sourceId: string; targetIds: string[] }>) => {
    if (items.length === 0) return;
    out();
    out(`${title}:`);
    for (const item of items.slice(0, 6)) {
      out(`  ${item.sync} source ${item.sourceId} → ${item.targetIds.length} target record(s) ${item.targetIds.join(', ')}`);
      for (const line of await evidence(item.sync, item.sourceId, item.targetIds, converged, applied)) out(line);
    }
    if (items.length > 6) out(`  ... and ${items.length - 6} more`);
  };
  await shown('duplicates (evidence)', CHAOS_SYNCS.flatMap((sync) => findings.final[sync].duplicates.map((d) => ({ sync, ...d }))));
  await shown('lost (evidence)', CHAOS_SYNCS.flatMap((sync) => [...findings.chaos[sync].lost, ...findings.final[sync].lost].map((sourceId) => ({ sync, sourceId, targetIds: [] }))));

  const ok = violations.length === 0;
  if (!ok) {
    // What the simulators saw, for whoever digs into the violation: every write, and the stores at the end.
    const journal = await simulators.call<JournalEntry[]>('journalAll');
    writeFileSync(path.join(dataDir, 'journal.jsonl'), journal.map((e) => JSON.stringify({ ...e, t: Math.round((e.at - t0) / 100) / 10 })).join('\n'));
    writeFileSync(path.join(dataDir, 'truth.json'), JSON.stringify(converged));
    writeFileSync(path.join(dataDir, 'faults.json'), JSON.stringify(applied));
  }
  out();
  if (ok) out('all checks passed');
  else for (const v of violations) out(`VIOLATION: ${v}`);
  if (!ok || flags.keep) out(`logs and Redis data kept in ${path.relative(root, dataDir)}`);
  const runsByStatus: Record<string, number> = {};
  for (const run of runs) {
    const status = run.finalAt === null ? 'NOT_FINISHED' : (run.state?.status ?? '?');
    runsByStatus[status] = (runsByStatus[status] ?? 0) + 1;
  }
  const result = {
    seed,
    redis: flags.cluster ? `cluster-${REDIS_NODES}` : 'single',
    records,
    overplane_records: overplaneRecords,
    faults: faultCounts,
    duplicates,
    lost,
    unknown: unknown.size,
    stale,
    stuck_runs: stuckRuns,
    converged: resync2Total === 0 && resync2Counted === 0,
    ledger_mismatches: ledgerRows.filter((r) => r.unlinked.length > 0 || r.countGap !== 0).length,
    runs: {
      count: runs.length,
      by_status: runsByStatus,
      slowest_s: Math.round(Math.max(...runs.map((r) => (r.finalAt ?? clock()) - r.startedAt)) / 100) / 10,
    },
    elapsed_s: Math.round(clock() / 1000),
  };
  out(JSON.stringify(result));
  await cleanup(!ok || flags.keep);
  return ok ? 0 : 1;
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping everything`);
    void cleanup(true).finally(() => process.exit(130));
  });
}

try {
  process.exitCode = await main();
} catch (error) {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  await cleanup(true);
  process.exitCode = 2;
}
