import { randomUUID } from 'node:crypto';
import { afterAll, describe, expect, it } from 'vitest';
import { dataConnection } from '../../../src/redis/connection.ts';
import { startPowerChordSimulator } from '../../../src/simulators/powerchord/server.ts';
import { startTrataSimulator } from '../../../src/simulators/trata/server.ts';
import { syncKeys } from '../../../src/sync/keys.ts';
import { RunLedger } from '../../../src/sync/ledger.ts';
import { RedisProcess } from '../../helpers/redis-process.ts';
import { exitOf, simulatorEnv, startWorkerProcess, until } from '../../helpers/worker-process.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

/**
 * The operator's report (issue #10): Redis killed with `kill -9` mid-run and restarted on the same directory 2 s
 * later made PowerChord (write-only: it cannot be searched) receive more creates than there were records, while the
 * run said SUCCESS. The promise: each record is created at most once, and every record is either created or held
 * as OUTCOME_UNKNOWN in the run's errors; the run ends.
 */
describe('Redis killed with kill -9 mid-run and restarted', () => {
  it('creates each record at most once at a write-only target, and reports what it cannot know', { timeout: 180_000 }, async () => {
    const RECORDS = 3_000;
    const redisServer = await RedisProcess.start('redis-crash');
    cleanups.push(() => redisServer.stop());
    const prefix = `{cbt-${randomUUID().slice(0, 8)}}`;
    const trata = await startTrataSimulator();
    const powerchord = await startPowerChordSimulator();
    cleanups.push(() => trata.close(), () => powerchord.close());
    trata.store.seed(RECORDS);
    // Slow creates keep many of them in flight when Redis dies.
    powerchord.faults.set({ latencyMs: 40 });
    const env = { ...simulatorEnv({ trata, powerchord }), REDIS_URL: redisServer.url, PUSH_CONCURRENCY: '16', PUSH_BATCH_SIZE: '10', JOB_LOCK_MS: '5000' };
    const worker = startWorkerProcess(prefix, env);
    cleanups.push(async () => {
      worker.kill('SIGKILL');
      await exitOf(worker);
    });

    await until(() => powerchord.store.size >= 300, 60_000, 'the first creates');
    await redisServer.kill9();
    const createdAtCrash = powerchord.store.size;
    await new Promise((r) => setTimeout(r, 2_000));
    await redisServer.restart();

    const redis = dataConnection(redisServer.url);
    cleanups.push(() => redis.quit());
    const ledger = new RunLedger(redis, syncKeys(prefix));
    let runId = '';
    await until(async () => ([runId = ''] = await redis.zrange(syncKeys(prefix).syncRuns('trata-to-powerchord'), '0', '0')).length > 0, 30_000, 'the run');
    await until(async () => (await ledger.get(runId))?.status !== 'PENDING', 120_000, 'the run to end');
    const run = (await ledger.get(runId))!;
    const errors = (await ledger.errors(runId, 0, 1_000)).errors;
    const unknown = new Set(errors.filter((e) => e.code === 'OUTCOME_UNKNOWN').map((e) => e.sourceId));

    const leadsPerEmail = new Map<string, number>();
    for (const lead of powerchord.store.all()) {
      const email = String(lead.Content['email']);
      leadsPerEmail.set(email, (leadsPerEmail.get(email) ?? 0) + 1);
    }
    const duplicated = [...leadsPerEmail.values()].filter((n) => n > 1).length;
    console.info(`redis kill -9 at ${createdAtCrash} creates: ${powerchord.store.size} leads for ${RECORDS} records, ${duplicated} duplicated, ${unknown.size} OUTCOME_UNKNOWN, run ${run.status}`);

    expect(duplicated, 'records created twice').toBe(0);
    expect(powerchord.store.size).toBeLessThanOrEqual(RECORDS);
    let missing = 0;
    for (const prospect of trata.store.all()) if (!leadsPerEmail.has(prospect.email!) && !unknown.has(prospect.id)) missing++;
    expect(missing, 'records neither created nor reported').toBe(0);
    expect(run.counts.created + unknown.size).toBe(RECORDS);
  });
});
