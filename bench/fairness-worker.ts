/**
 * The worker of the fairness benchmark (bench/fairness.ts): one crm-bridge worker process with two tenants, each
 * its own Trata connection and its own PowerChord connection (separate simulators), and one sync per tenant
 * (`big`, `small`) through the shipped trata-to-powerchord mapping.
 */
import path from 'node:path';
import pino from 'pino';
import { loadDefinitions } from '../src/bootstrap/definitions.ts';
import { createLogger } from '../src/logger.ts';
import type { ConnectionConfig } from '../src/providers/types.ts';
import { dataConnection, producerConnection, workerConnection } from '../src/redis/connection.ts';
import type { SyncDefinition } from '../src/sync/definition.ts';
import { SyncEngine } from '../src/sync/engine.ts';
import type { RunSummary } from '../src/sync/ledger.ts';
import { serve } from './ipc.ts';
import type { SimulatorsInfo } from './simulators-process.ts';

export interface FairnessInit {
  redisUrl: string;
  prefix: string;
  /** The simulators of each tenant. */
  tenants: Record<'big' | 'small', SimulatorsInfo>;
  pageSize: number;
  batchSize: number;
  pushConcurrency: number;
  syncConcurrency: number;
  logLevel: string;
}

export interface TimedRun {
  ms: number;
  run: RunSummary;
}

const root = path.resolve(import.meta.dirname, '..');
let engine: SyncEngine | null = null;

function started(): SyncEngine {
  if (!engine) throw new Error('init first');
  return engine;
}

function connectionsOf(tenant: 'big' | 'small', sims: SimulatorsInfo): Array<[string, ConnectionConfig]> {
  return [
    [`trata-${tenant}`, { name: `trata-${tenant}`, provider: 'trata', baseUrl: sims.trata.url, token: sims.trata.token, timeoutMs: 10_000, options: {} }],
    [
      `powerchord-${tenant}`,
      {
        name: `powerchord-${tenant}`,
        provider: 'powerchord',
        baseUrl: sims.powerchord.url,
        token: sims.powerchord.token,
        timeoutMs: 10_000,
        options: { region: 'us', trunkId: sims.powerchord.trunkId, organizationId: `org-${tenant}`, leadsBaseUrl: sims.powerchord.leadsUrl },
      },
    ],
  ];
}

serve({
  init: async (init: FairnessInit) => {
    const definitions = await loadDefinitions({ mappingsDir: path.join(root, 'mappings'), jobsDir: path.join(root, 'jobs') });
    const mapping = definitions.mappings.get('trata-to-powerchord');
    if (!mapping) throw new Error('mappings/trata-to-powerchord.yaml is missing');
    const syncs = new Map<string, SyncDefinition>();
    for (const tenant of ['big', 'small'] as const) {
      syncs.set(tenant, {
        name: tenant,
        file: 'bench',
        enabled: true,
        source: { provider: 'trata', connection: `trata-${tenant}` },
        targets: [{ key: '0', provider: 'powerchord', connection: `powerchord-${tenant}`, mapping, mode: 'upsert' }],
        schedule: null,
        pageSize: null,
        // Each small run reads exactly the records added since the last one.
        lookbackMs: 0,
      });
    }
    engine = new SyncEngine({
      redis: dataConnection(init.redisUrl),
      producer: producerConnection(init.redisUrl),
      workerConnection: () => workerConnection(init.redisUrl),
      prefix: init.prefix,
      syncs,
      connections: new Map([...connectionsOf('big', init.tenants.big), ...connectionsOf('small', init.tenants.small)]),
      logger: createLogger(init.logLevel, pino.destination(2)),
      settings: { pageSize: init.pageSize, batchSize: init.batchSize },
    });
    engine.startWorkers({ syncConcurrency: init.syncConcurrency, pushConcurrency: init.pushConcurrency });
    return true;
  },

  /** Enqueues a run of `sync`; answers its id at once. */
  start: async ({ sync }: { sync: string }) => started().enqueueRun(sync, { trigger: 'cli' }),

  /** Waits for a run to leave PENDING; `ms` from `since` (the orchestrator's enqueue time, epoch ms). */
  wait: async ({ runId, since, timeoutMs }: { runId: string; since: number; timeoutMs: number }): Promise<TimedRun> => {
    const e = started();
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const run = await e.ledger.get(runId);
      if (run && run.status !== 'PENDING') return { ms: Date.now() - since, run };
      if (Date.now() > deadline) throw new Error(`run ${runId} still ${run?.status ?? 'unknown'} after ${timeoutMs} ms: ${JSON.stringify(run)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  },

  /** One run from enqueue to its end, timed here (no IPC in the measured span). */
  runTimed: async ({ sync, timeoutMs }: { sync: string; timeoutMs: number }): Promise<TimedRun> => {
    const e = started();
    const since = Date.now();
    const runId = await e.enqueueRun(sync, { trigger: 'cli' });
    const deadline = since + timeoutMs;
    for (;;) {
      const run = await e.ledger.get(runId);
      if (run && run.status !== 'PENDING') return { ms: Date.now() - since, run };
      if (Date.now() > deadline) throw new Error(`run ${runId} still ${run?.status ?? 'unknown'} after ${timeoutMs} ms`);
      // Fine-grained: the small run takes a few hundred ms.
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  },

  status: async ({ runId }: { runId: string }) => (await started().ledger.get(runId))?.status ?? 'unknown',

  close: async () => {
    await engine?.close(5_000);
    return true;
  },
});
