import { randomUUID } from 'node:crypto';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { SYNC_QUEUE, pushQueueName } from '../../../src/queues/contracts.ts';
import { queuePrefix } from '../../../src/queues/factory.ts';
import { dataConnection } from '../../../src/redis/connection.ts';
import { startPowerChordSimulator, type PowerChordSimulator } from '../../../src/simulators/powerchord/server.ts';
import { startTrataSimulator, type TrataSimulator } from '../../../src/simulators/trata/server.ts';
import { syncKeys } from '../../../src/sync/keys.ts';
import { exitOf, simulatorEnv, startWorkerProcess, until } from '../../helpers/worker-process.ts';
import { RunLedger } from '../../../src/sync/ledger.ts';

const RECORDS = 300;
let trata: TrataSimulator;
let powerchord: PowerChordSimulator;
const prefix = `{cbt-${randomUUID().slice(0, 8)}}`;
const redis = dataConnection(inject('redisUrl'));
const ledger = new RunLedger(redis, syncKeys(prefix));

function startWorker() {
  return startWorkerProcess(prefix, {
    ...simulatorEnv({ trata, powerchord }),
    PULL_PAGE_SIZE: '50',
    PUSH_BATCH_SIZE: '5',
    PUSH_CONCURRENCY: '2',
    SHUTDOWN_TIMEOUT_S: '8',
  });
}

beforeAll(async () => {
  trata = await startTrataSimulator();
  powerchord = await startPowerChordSimulator();
  trata.store.seed(RECORDS);
  // Slow enough that the run is surely mid-way when the signal comes.
  powerchord.faults.set({ latencyMs: 15 });
});
afterAll(async () => {
  await trata.close();
  await powerchord.close();
  await redis.quit();
});

describe('graceful shutdown', () => {
  it('exits 0 within 10 s on SIGTERM mid-run, leaves no job active, and the next worker finishes the run', async () => {
    const first = startWorker();
    const exited = exitOf(first);
    await until(() => powerchord.store.size >= 20, 30_000, 'the run to be under way');
    const signalledAt = Date.now();
    first.kill('SIGTERM');
    const { code, at } = await exited;
    expect(code).toBe(0);
    expect(at - signalledAt).toBeLessThan(10_000);
    expect(powerchord.store.size).toBeLessThan(RECORDS);

    const queues = [SYNC_QUEUE, pushQueueName('powerchord')].map((name) => new Queue(name, { connection: redis, prefix: queuePrefix(prefix, name) }));
    for (const queue of queues) expect(await queue.getActiveCount(), `${queue.name} active`).toBe(0);

    const [runId] = await redis.zrange(syncKeys(prefix).syncRuns('trata-to-powerchord'), '0', '0');
    expect((await ledger.get(runId!))?.status).toBe('PENDING');

    powerchord.faults.set({ latencyMs: 0 }); // it was there for the signal; the next worker only finishes the run
    const second = startWorker();
    try {
      await until(async () => (await ledger.get(runId!))?.status !== 'PENDING', 60_000, 'the interrupted run to finish');
      expect((await ledger.get(runId!))?.status).toBe('SUCCESS');
      expect(powerchord.store.size).toBe(RECORDS);
      for (const prospect of trata.store.all()) expect(powerchord.store.byExternalId(prospect.id)).toHaveLength(1);
    } finally {
      second.kill('SIGTERM');
      await exitOf(second);
      await Promise.all(queues.map((q) => q.close()));
    }
  });
});
