/**
 * `npm run bench -- --fairness [--records N]`: is a small tenant's run held up by another tenant's large backlog?
 * Two tenants, each with its own Trata and PowerChord connection (each pair its own simulator process), one worker
 * process. The small tenant's run of 100 new records is timed alone; then the big tenant starts a first sync of N
 * records (100,000 by default), and 5 s later the same small run is timed again, a few times, while the big one is
 * in progress. Target: the small run within 3 × its time alone.
 *
 * stdout: a few human lines, then one JSON object as the last line. Progress goes to stderr.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { startEmbeddedRedis, type EmbeddedRedis } from '../src/redis/embedded-redis.ts';
import type { FairnessInit, TimedRun } from './fairness-worker.ts';
import { ChildHandle } from './ipc.ts';
import type { SimulatorsInfo } from './simulators-process.ts';

export interface FairnessOptions {
  /** Records of the big tenant's first sync. */
  records: number;
  /** Records of each small run. @default 100 */
  smallRecords?: number;
  /** Small runs timed alone and under load (medians are compared). @default 5 */
  samples?: number;
  pageSize: number;
  batchSize: number;
  pushConcurrency: number;
  syncConcurrency: number;
  workerFlags: string[];
  logLevel: string;
  timeoutMs: number;
}

const here = import.meta.dirname;
const root = path.resolve(here, '..');
const log = (message: string) => process.stderr.write(`[fairness ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export async function runFairness(options: FairnessOptions): Promise<void> {
  const smallRecords = options.smallRecords ?? 100;
  const samples = options.samples ?? 5;
  const children: ChildHandle[] = [];
  let redis: EmbeddedRedis | null = null;
  const redisDir = path.join(root, '.data/bench-redis', `fairness-${process.pid}`);
  const cleanup = async () => {
    await Promise.allSettled(children.map((child) => child.stop()));
    await redis?.stop();
    rmSync(redisDir, { recursive: true, force: true });
  };
  try {
    let redisUrl = process.env['REDIS_URL'];
    if (!redisUrl) {
      redis = await startEmbeddedRedis({ dataDir: redisDir, fresh: true, log });
      redisUrl = redis.url;
    }
    const sims = { big: new ChildHandle('simulators-big', path.join(here, 'simulators-process.ts')), small: new ChildHandle('simulators-small', path.join(here, 'simulators-process.ts')) };
    children.push(sims.big, sims.small);
    await Promise.all([sims.big.ready, sims.small.ready]);
    const tenants = { big: await sims.big.call<SimulatorsInfo>('info'), small: await sims.small.call<SimulatorsInfo>('info') };
    log(`seeding ${options.records} prospects in the big tenant's Trata`);
    await sims.big.call('seed', { records: options.records });

    const worker = new ChildHandle('worker', path.join(here, 'fairness-worker.ts'), { execArgv: [...process.execArgv, ...options.workerFlags] });
    children.push(worker);
    await worker.ready;
    const init: FairnessInit = {
      redisUrl, prefix: `{fairness-${process.pid}}`, tenants,
      pageSize: options.pageSize, batchSize: options.batchSize, pushConcurrency: options.pushConcurrency, syncConcurrency: options.syncConcurrency, logLevel: options.logLevel,
    };
    await worker.call('init', init);

    /** `smallRecords` new prospects in the small tenant's Trata, then its run timed from enqueue to end. */
    const smallRun = async (): Promise<TimedRun> => {
      await sims.small.call('seed', { records: smallRecords });
      const timed = await worker.call<TimedRun>('runTimed', { sync: 'small', timeoutMs: options.timeoutMs });
      if (timed.run.status !== 'SUCCESS' || timed.run.counts.created !== smallRecords) throw new Error(`small run: ${JSON.stringify(timed.run)}`);
      return timed;
    };

    // A first run warms the process up (its connections, the PowerChord sign-in, JIT) and is not counted.
    await smallRun();
    const alone: number[] = [];
    for (let i = 0; i < samples; i++) alone.push((await smallRun()).ms);
    log(`small run alone: ${alone.join(', ')} ms`);

    log(`big run: first sync of ${options.records} records`);
    const bigStarted = Date.now();
    const bigRunId = await worker.call<string>('start', { sync: 'big' });
    await sleep(5_000);
    const under: number[] = [];
    const bigAtEach: string[] = [];
    for (let i = 0; i < samples; i++) {
      under.push((await smallRun()).ms);
      bigAtEach.push(await worker.call<string>('status', { runId: bigRunId }));
      await sleep(1_000);
    }
    log(`small run under the big one: ${under.join(', ')} ms (big run then: ${bigAtEach.join(', ')})`);
    const big = await worker.call<TimedRun>('wait', { runId: bigRunId, since: bigStarted, timeoutMs: options.timeoutMs });
    log(`big run: ${big.run.status} in ${(big.ms / 1000).toFixed(1)} s, counts ${JSON.stringify(big.run.counts)}`);
    await worker.call('close');

    const measuredUnderLoad = bigAtEach.filter((s) => s === 'PENDING').length;
    const ratio = median(under) / median(alone);
    const result = {
      big_records: options.records,
      small_records: smallRecords,
      small_alone_ms: median(alone),
      small_under_load_ms: median(under),
      ratio_under_load_to_alone: Math.round(ratio * 100) / 100,
      samples_alone: alone,
      samples_under_load: under,
      samples_while_big_in_progress: measuredUnderLoad,
      big_run_s: Math.round(big.ms / 100) / 10,
      big_run_status: big.run.status,
    };
    if (measuredUnderLoad < samples) log(`WARNING: only ${measuredUnderLoad} of ${samples} small runs ended while the big one was in progress: use more --records`);
    if (big.run.status !== 'SUCCESS' || big.run.counts.created !== options.records) {
      log(`CHECK FAILED: big run ${JSON.stringify(big.run)}`);
      process.exitCode = 1;
    }
    process.stdout.write(
      [
        `crm-bridge fairness: a ${smallRecords}-record run of one tenant while another's ${options.records}-record first sync is in progress`,
        `small run alone          ${result.small_alone_ms} ms (median of ${samples}: ${alone.join(', ')})`,
        `small run under the big  ${result.small_under_load_ms} ms (median of ${samples}: ${under.join(', ')}; ${measuredUnderLoad} while the big run was in progress)`,
        `ratio                    ${result.ratio_under_load_to_alone}  (target <= 3)`,
        `big run                  ${result.big_run_s} s, ${big.run.status}`,
        JSON.stringify(result),
        '',
      ].join('\n'),
    );
  } finally {
    await cleanup();
  }
}
