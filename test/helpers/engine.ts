import { randomUUID } from 'node:crypto';
import { inject } from 'vitest';
import { testCluster } from './test-redis.ts';
import { loadDefinitions } from '../../src/bootstrap/definitions.ts';
import { createLogger } from '../../src/logger.ts';
import type { ConnectionConfig } from '../../src/providers/types.ts';
import { dataConnection, producerConnection, workerConnection } from '../../src/redis/connection.ts';
import type { EngineSettings } from '../../src/sync/context.ts';
import type { SyncDefinition } from '../../src/sync/definition.ts';
import { SyncEngine, type WorkerOptions } from '../../src/sync/engine.ts';
import type { RunSummary } from '../../src/sync/ledger.ts';

export interface TestEngine {
  engine: SyncEngine;
  prefix: string;
  syncs: Map<string, SyncDefinition>;
  /** Polls the ledger until the run leaves PENDING. */
  waitForRun(runId: string, timeoutMs?: number): Promise<RunSummary>;
  close(): Promise<void>;
}

/**
 * A real engine on the test Redis, with its own hash-tagged prefix so that test files never see each other's
 * queues or keys, loading the shipped mappings and job files.
 */
export async function createTestEngine(options: {
  connections: Map<string, ConnectionConfig>;
  settings?: Partial<EngineSettings>;
  workers?: WorkerOptions | false;
  syncs?: (loaded: Map<string, SyncDefinition>) => Map<string, SyncDefinition>;
  /** Reuse an earlier engine's queues and state (a restart with other settings). @default a new one */
  prefix?: string;
}): Promise<TestEngine> {
  const url = inject('redisUrl');
  const prefix = options.prefix ?? `{cbt-${randomUUID().slice(0, 8)}}`;
  const definitions = await loadDefinitions({ mappingsDir: 'mappings', jobsDir: 'jobs' });
  if (definitions.issues.length > 0) throw new Error(`shipped files invalid: ${JSON.stringify(definitions.issues)}`);
  const syncs = options.syncs ? options.syncs(definitions.syncs) : definitions.syncs;
  const cluster = testCluster();
  const redis = dataConnection(url, {}, undefined, cluster);
  const producer = producerConnection(url, {}, undefined, cluster);
  const engine = new SyncEngine({
    redis,
    producer,
    workerConnection: () => workerConnection(url, {}, undefined, cluster),
    prefix,
    syncs,
    connections: options.connections,
    logger: createLogger(process.env['TEST_LOG_LEVEL'] ?? 'silent'),
    settings: { confirmPollMs: 50, activeRunRetryMs: 200, ...options.settings },
  });
  if (options.workers !== false) engine.startWorkers(options.workers ?? {});
  return {
    engine,
    prefix,
    syncs,
    async waitForRun(runId, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const run = await engine.ledger.get(runId);
        if (run && run.status !== 'PENDING') return run;
        if (Date.now() > deadline) throw new Error(`run ${runId} still ${run?.status ?? 'unknown'} after ${timeoutMs} ms: ${JSON.stringify(run)}`);
        await new Promise((r) => setTimeout(r, 25));
      }
    },
    async close() {
      await engine.close(2_000);
      await Promise.all([redis.quit(), producer.quit()]);
    },
  };
}
