import { Queue } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { pushQueueName } from '../../../src/queues/contracts.ts';
import { queuePrefix } from '../../../src/queues/factory.ts';
import { startOverplaneSimulator } from '../../../src/simulators/overplane/index.ts';
import { startPropexoSimulator } from '../../../src/simulators/propexo/index.ts';
import { startTrataSimulator } from '../../../src/simulators/trata/server.ts';
import { createTestEngine, type TestEngine } from '../../helpers/engine.ts';
import { simulatorConnection } from '../../helpers/connections.ts';

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});


describe('a target that fails and rate-limits', () => {
  it('gets every record through 30 % 503s and 429 bursts, with at most 3 calls per record and no failed job', async () => {
    const RECORDS = 60;
    const overplane = await startOverplaneSimulator();
    const trata = await startTrataSimulator({ seed: 7 });
    cleanups.push(() => overplane.close(), () => trata.close());
    overplane.store.seed(RECORDS);
    trata.faults.set({ errorRate: 0.3, errorStatuses: [503], rateLimitBurst: 3, rateLimitRetryAfterSeconds: 1, routes: ['POST /v1/prospects'] }, 7);

    const t: TestEngine = await createTestEngine({
      connections: new Map([simulatorConnection('overplane', overplane), simulatorConnection('trata', trata)]),
      settings: { pageSize: 20, batchSize: 5, backoffMs: 50 },
      syncs: (all) => new Map([['overplane-to-trata', all.get('overplane-to-trata')!]]),
    });
    cleanups.push(() => t.close());

    const runId = await t.engine.enqueueRun('overplane-to-trata');
    // A second burst, without Retry-After, while the run is under way.
    setTimeout(() => trata.faults.set({ rateLimitBurst: 3, rateLimitRetryAfterSeconds: null }), 300);
    const run = await t.waitForRun(runId, 60_000);

    expect(run.status).toBe('SUCCESS');
    expect(run.counts).toMatchObject({ pulled: RECORDS, created: RECORDS, failed: 0 });
    expect(trata.store.size).toBe(RECORDS);
    const posts = trata.calls.count('POST /v1/prospects');
    expect(trata.calls.status(503)).toBeGreaterThan(RECORDS * 0.15); // the faults really happened
    expect(trata.calls.status(429)).toBeGreaterThanOrEqual(3);
    console.info(`faults: ${posts} POSTs for ${RECORDS} records (${(posts / RECORDS).toFixed(2)} per record; ${trata.calls.status(503)} × 503, ${trata.calls.status(429)} × 429)`);
    expect(posts / RECORDS).toBeLessThanOrEqual(3);
    const queue = new Queue(pushQueueName('trata'), { connection: t.engine.ctx.redis, prefix: queuePrefix(t.prefix, pushQueueName('trata')) });
    expect(await queue.getFailedCount()).toBe(0);
    await queue.close();
  });
});

describe('a Propexo target with a small budget', () => {
  it('finishes without a single 429 and uses at least 90 % of the budget while it runs', async () => {
    // 125 creates + 125 confirmations = exactly 5 windows of budget.
    const RECORDS = 125;
    const budget = { budget: 50, windowMs: 2_000, slowdownMs: 100 };
    const trata = await startTrataSimulator();
    const propexo = await startPropexoSimulator({ rateLimit: budget, writeDelayMs: 30 });
    cleanups.push(() => trata.close(), () => propexo.close());
    trata.store.seed(RECORDS);

    const t: TestEngine = await createTestEngine({
      connections: new Map([
        simulatorConnection('trata', trata),
        simulatorConnection('propexo', propexo, { rateLimit: { limit: budget.budget, windowMs: budget.windowMs, marginMs: 100 } }),
      ]),
      settings: { pageSize: 40, batchSize: 5, confirmPollMs: 100 },
      syncs: (all) => new Map([['trata-to-propexo', all.get('trata-to-propexo')!]]),
    });
    cleanups.push(() => t.close());

    const started = Date.now();
    const run = await t.waitForRun(await t.engine.enqueueRun('trata-to-propexo'), 120_000);
    const elapsed = Date.now() - started;

    expect(run.status).toBe('SUCCESS');
    expect(run.counts).toMatchObject({ created: RECORDS, failed: 0 });
    expect(propexo.store.all()).toHaveLength(RECORDS);
    expect(propexo.calls.status(429)).toBe(0);
    const used = propexo.calls.count();
    // Every window the run touched counts in full, the last partial one included: a strict measure.
    const available = budget.budget * Math.ceil(elapsed / budget.windowMs);
    console.info(`budget: ${used} requests in ${elapsed} ms, ${((100 * used) / available).toFixed(1)} % of the ${available.toFixed(0)} available, ${propexo.calls.status(429)} × 429`);
    expect(used / available, `${used} requests in ${elapsed} ms against ${budget.budget} per ${budget.windowMs} ms`).toBeGreaterThanOrEqual(0.9);
  });
});
