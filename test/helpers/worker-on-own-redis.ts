import { randomUUID } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { dataConnection, type RedisClient } from '../../src/redis/connection.ts';
import { startPowerChordSimulator, type PowerChordSimulator } from '../../src/simulators/powerchord/server.ts';
import { startTrataSimulator, type TrataSimulator } from '../../src/simulators/trata/server.ts';
import { syncKeys } from '../../src/sync/keys.ts';
import { RunLedger, type RunSummary } from '../../src/sync/ledger.ts';
import { RedisProcess } from './redis-process.ts';
import { exitOf, simulatorEnv, startWorkerProcess, until } from './worker-process.ts';

export interface WorkerOnOwnRedis {
  redisServer: RedisProcess;
  prefix: string;
  trata: TrataSimulator;
  powerchord: PowerChordSimulator;
  worker: ChildProcess;
  /** After the faults: a connection to the test's Redis, and the first run of the sync once it ended. */
  endedRun(sync: string, timeoutMs: number): Promise<{ redis: RedisClient; ledger: RunLedger; run: RunSummary }>;
  close(): Promise<void>;
}

/**
 * `crm-bridge worker` as a real process on a redis-server of the test's own (so the test can crash or pause it),
 * syncing `records` Trata prospects to PowerChord (the shipped trata-to-powerchord job starts at once).
 */
export async function startWorkerOnOwnRedis(options: { name: string; records: number; latencyMs: number; env: Record<string, string> }): Promise<WorkerOnOwnRedis> {
  const redisServer = await RedisProcess.start(options.name);
  const prefix = `{cbt-${randomUUID().slice(0, 8)}}`;
  const trata = await startTrataSimulator();
  const powerchord = await startPowerChordSimulator();
  trata.store.seed(options.records);
  powerchord.faults.set({ latencyMs: options.latencyMs });
  const worker = startWorkerProcess(prefix, { ...simulatorEnv({ trata, powerchord }), REDIS_URL: redisServer.url, ...options.env });
  const opened: RedisClient[] = [];
  return {
    redisServer,
    prefix,
    trata,
    powerchord,
    worker,
    async endedRun(sync, timeoutMs) {
      const redis = dataConnection(redisServer.url);
      opened.push(redis);
      const ledger = new RunLedger(redis, syncKeys(prefix));
      let runId = '';
      await until(async () => ([runId = ''] = await redis.zrange(syncKeys(prefix).syncRuns(sync), '0', '0')).length > 0, 30_000, 'the run');
      await until(async () => (await ledger.get(runId))?.status !== 'PENDING', timeoutMs, 'the run to end');
      return { redis, ledger, run: (await ledger.get(runId))! };
    },
    async close() {
      worker.kill('SIGKILL');
      await exitOf(worker);
      await Promise.all(opened.map((redis) => redis.quit()));
      await trata.close();
      await powerchord.close();
      await redisServer.stop();
    },
  };
}
