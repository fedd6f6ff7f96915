import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { inject } from 'vitest';
import { buildApp } from '../../../src/api/app.ts';
import type { ApiApp, AppDeps } from '../../../src/api/deps.ts';
import { loadDefinitions } from '../../../src/bootstrap/definitions.ts';
import { startSandbox, type Sandbox } from '../../../src/bootstrap/sandbox.ts';
import { createLogger } from '../../../src/logger.ts';
import { dataConnection, producerConnection, workerConnection } from '../../../src/redis/connection.ts';
import type { PowerChordSimulator } from '../../../src/simulators/powerchord/server.ts';
import type { TrataSimulator } from '../../../src/simulators/trata/server.ts';
import type { SyncDefinition } from '../../../src/sync/definition.ts';
import { SyncEngine } from '../../../src/sync/engine.ts';

export const TOKEN = 'test-token-primary-0123456789';
export const OLD_TOKEN = 'test-token-rotated-out-but-valid';
export const WEBHOOK_SECRET = 'whsec-test-secret';
export const auth = (token = TOKEN) => ({ authorization: `Bearer ${token}` });

export interface Harness {
  app: ApiApp;
  engine: SyncEngine;
  redis: Redis;
  sandbox: Sandbox;
  trata: TrataSimulator;
  powerchord: PowerChordSimulator;
  prefix: string;
  close(): Promise<void>;
}

/**
 * A real engine on the shared test Redis (own queue prefix), the Trata and PowerChord simulators, the shipped
 * mappings and jobs, plus a Propexo-sourced sync made here (no shipped job reads from Propexo) for the webhook.
 */
export async function startHarness(options: { workers?: boolean; seed?: number; app?: Partial<AppDeps> } = {}): Promise<Harness> {
  const redisUrl = inject('redisUrl');
  const prefix = `{cbtest-${randomUUID()}}`;
  const definitions = await loadDefinitions({ mappingsDir: 'mappings', jobsDir: 'jobs' });
  if (definitions.issues.length > 0) throw new Error(`definitions: ${JSON.stringify(definitions.issues)}`);
  const sandbox = await startSandbox({ providers: ['trata', 'powerchord'], records: options.seed ?? 8, timeoutMs: 5_000 });
  const syncs = new Map(definitions.syncs);
  const mapping = definitions.mappings.get('propexo-to-powerchord');
  if (mapping) {
    const propexoSync: SyncDefinition = {
      name: 'propexo-to-powerchord',
      file: 'test',
      enabled: true,
      source: { provider: 'propexo', connection: 'propexo' },
      targets: [{ key: '0', provider: 'powerchord', connection: 'powerchord', mapping, mode: 'upsert' }],
      schedule: null,
      pageSize: null,
      lookbackMs: null,
    };
    syncs.set(propexoSync.name, propexoSync);
  }
  const redis = dataConnection(redisUrl);
  const producer = producerConnection(redisUrl);
  const logger = createLogger('silent');
  const engine = new SyncEngine({
    redis,
    producer,
    workerConnection: () => workerConnection(redisUrl),
    prefix,
    syncs,
    connections: sandbox.connections,
    logger,
    settings: { activeRunRetryMs: 200, confirmPollMs: 100 },
  });
  if (options.workers) engine.startWorkers({ syncConcurrency: 2, pushConcurrency: 4 });
  const app = await buildApp({ engine, redis, tokens: [TOKEN, OLD_TOKEN], webhookSecret: WEBHOOK_SECRET, ...options.app });
  await app.ready();
  return {
    app,
    engine,
    redis,
    sandbox,
    trata: sandbox.simulators.get('trata') as unknown as TrataSimulator,
    powerchord: sandbox.simulators.get('powerchord') as unknown as PowerChordSimulator,
    prefix,
    close: async () => {
      // The simulators close whatever fails before: the worker thread, and with it what a file leaves open, outlives
      // the file (integration files share it: isolate: false).
      try {
        await app.close();
        await engine.close(2_000);
        // This file's keys only: other files share the Redis.
        const keys = await redis.keys(`${prefix}*`);
        if (keys.length > 0) await redis.del(...keys);
        // A producer that is not ready (connecting again) refuses QUIT, having no offline queue ("Stream isn't
        // writeable", seen once after openapi-lint): nothing of ours waits in it, so it is dropped.
        await Promise.all([redis.quit(), producer.status === 'ready' ? producer.quit() : producer.disconnect()]);
      } finally {
        await sandbox.close();
      }
    },
  };
}
