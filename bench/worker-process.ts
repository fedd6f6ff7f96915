/**
 * The product under test: one crm-bridge worker process (SyncEngine with its workers), built as the runtime builds
 * it, loading the shipped mappings and job files. Its RSS is sampled every 100 ms; the orchestrator asks for the
 * peak over the product phases.
 */
import path from 'node:path';
import pino from 'pino';
import { loadDefinitions } from '../src/bootstrap/definitions.ts';
import { createLogger } from '../src/logger.ts';
import type { ConnectionConfig } from '../src/providers/types.ts';
import { dataConnection, producerConnection, workerConnection } from '../src/redis/connection.ts';
import { SyncEngine } from '../src/sync/engine.ts';
import type { RunSummary } from '../src/sync/ledger.ts';
import { RssSampler, serve } from './ipc.ts';
import { profilerFor } from './profile.ts';
import type { SimulatorsInfo } from './simulators-process.ts';

export interface WorkerInit {
  redisUrl: string;
  /** The Redis is a cluster: connect as a cluster client. */
  cluster: boolean;
  prefix: string;
  simulators: SimulatorsInfo;
  pageSize: number;
  batchSize: number;
  pushConcurrency: number;
  syncConcurrency: number;
  logLevel: string;
}

export interface PhaseResult {
  ms: number;
  /** CPU time (user + system) this process spent on the phase. */
  cpuMs: number;
  run: RunSummary;
}

const SYNC = 'trata-to-powerchord';
const root = path.resolve(import.meta.dirname, '..');
const rss = new RssSampler(100);
let engine: SyncEngine | null = null;

function started(): SyncEngine {
  if (!engine) throw new Error('init first');
  return engine;
}

serve({
  init: async (init: WorkerInit) => {
    const definitions = await loadDefinitions({ mappingsDir: path.join(root, 'mappings'), jobsDir: path.join(root, 'jobs') });
    if (definitions.issues.length > 0) throw new Error(`shipped definitions invalid: ${JSON.stringify(definitions.issues)}`);
    const { trata, powerchord } = init.simulators;
    const connections = new Map<string, ConnectionConfig>([
      ['trata', { name: 'trata', provider: 'trata', baseUrl: trata.url, token: trata.token, timeoutMs: 10_000, options: {} }],
      [
        'powerchord',
        {
          name: 'powerchord',
          provider: 'powerchord',
          baseUrl: powerchord.url,
          token: powerchord.token,
          timeoutMs: 10_000,
          options: { region: 'us', trunkId: powerchord.trunkId, organizationId: 'org-1', leadsBaseUrl: powerchord.leadsUrl },
        },
      ],
    ]);
    engine = new SyncEngine({
      redis: dataConnection(init.redisUrl, {}, undefined, init.cluster),
      producer: producerConnection(init.redisUrl, {}, undefined, init.cluster),
      workerConnection: () => workerConnection(init.redisUrl, {}, undefined, init.cluster),
      prefix: init.prefix,
      syncs: definitions.syncs,
      connections,
      // Logs go to stderr: the orchestrator's stdout is the report.
      logger: createLogger(init.logLevel, pino.destination(2)),
      settings: { pageSize: init.pageSize, batchSize: init.batchSize },
    });
    engine.startWorkers({ syncConcurrency: init.syncConcurrency, pushConcurrency: init.pushConcurrency });
    return { syncs: [...definitions.syncs.keys()] };
  },

  /** One run, timed from enqueueRun until the ledger says it left PENDING. */
  run: async ({ full, timeoutMs, profile }: { full: boolean; timeoutMs: number; profile?: string }): Promise<PhaseResult> => {
    const e = started();
    const profiler = profile ? await profilerFor(profile) : null;
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const runId = await e.enqueueRun(SYNC, { full, trigger: 'cli' });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const run = await e.ledger.get(runId);
      if (run && run.status !== 'PENDING') {
        const cpu = process.cpuUsage(cpu0);
        const ms = performance.now() - t0;
        if (profiler && profile) await profiler.stop(profile);
        return { ms, cpuMs: (cpu.user + cpu.system) / 1000, run };
      }
      if (Date.now() > deadline) throw new Error(`run ${runId} still ${run?.status ?? 'unknown'} after ${timeoutMs} ms: ${JSON.stringify(run)}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  },

  resetPeakRss: () => (rss.reset(), true),
  peakRssMb: () => rss.peakMb(),
  memoryAtPeak: () => rss.breakdownAtPeak(),
  rssMb: () => process.memoryUsage.rss() / (1024 * 1024),

  close: async () => {
    await engine?.close(5_000);
    return true;
  },
});
