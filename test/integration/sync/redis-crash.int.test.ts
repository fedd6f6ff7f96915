import { afterAll, describe, expect, it } from 'vitest';
import { until } from '../../helpers/worker-process.ts';
import { startWorkerOnOwnRedis } from '../../helpers/worker-on-own-redis.ts';

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
    // Slow creates keep many of them in flight when Redis dies.
    const setup = await startWorkerOnOwnRedis({ name: 'redis-crash', records: RECORDS, latencyMs: 40, env: { PUSH_CONCURRENCY: '16', PUSH_BATCH_SIZE: '10', JOB_LOCK_MS: '5000' } });
    cleanups.push(() => setup.close());
    const { redisServer, trata, powerchord } = setup;

    await until(() => powerchord.store.size >= 300, 60_000, 'the first creates');
    await redisServer.kill9();
    const createdAtCrash = powerchord.store.size;
    await new Promise((r) => setTimeout(r, 2_000));
    // The creates in flight at the crash are what the latency was for; the ~2,700 written after it need it no more.
    powerchord.faults.set({ latencyMs: 0 });
    await redisServer.restart();

    const { ledger, run } = await setup.endedRun('trata-to-powerchord', 120_000);
    const runId = run.runId;
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
