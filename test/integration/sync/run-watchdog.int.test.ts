import { randomUUID } from 'node:crypto';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { afterEach, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { metrics } from '../../../src/metrics.ts';
import { SYNC_QUEUE, pushQueueName } from '../../../src/queues/contracts.ts';
import { queuePrefix } from '../../../src/queues/factory.ts';
import { workerConnection } from '../../../src/redis/connection.ts';
import { startPowerChordSimulator, type PowerChordSimulator } from '../../../src/simulators/powerchord/server.ts';
import { startPropexoSimulator } from '../../../src/simulators/propexo/index.ts';
import { startTrataSimulator, type TrataSimulator } from '../../../src/simulators/trata/server.ts';
import type { EngineSettings } from '../../../src/sync/context.ts';
import { childJobId } from '../../../src/sync/context.ts';
import { processPage } from '../../../src/sync/page-processor.ts';
import { processRun } from '../../../src/sync/run-processor.ts';
import { simulatorConnection } from '../../helpers/connections.ts';
import { createTestEngine, type TestEngine } from '../../helpers/engine.ts';
import { powerChordConnection } from '../../helpers/powerchord.ts';
import { testCluster } from '../../helpers/test-redis.ts';

/**
 * The run watchdog (src/sync/run-watchdog.ts). Redis losing a write it acknowledged (an AOF `everysec` restart
 * after `kill -9`, a failover) is emulated by deleting the job (or the ledger's record) that write made, at a point
 * the engine is stopped at: the run and its first pages are taken by hand with the real processors, then the
 * workers start. The watchdog looks every third of `runStallMs`.
 */
const SYNC = 'trata-to-powerchord';
const STALL: Partial<EngineSettings> = { runStallMs: 1_200 };

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function trataAndPowerChord(): Promise<{ trata: TrataSimulator; powerchord: PowerChordSimulator; connections: Parameters<typeof createTestEngine>[0]['connections'] }> {
  const trata = await startTrataSimulator();
  const powerchord = await startPowerChordSimulator();
  cleanups.push(() => trata.close(), () => powerchord.close());
  return { trata, powerchord, connections: new Map([simulatorConnection('trata', trata), ['powerchord', powerChordConnection(powerchord)] as const]) };
}

async function engine(options: Parameters<typeof createTestEngine>[0]): Promise<TestEngine> {
  const t = await createTestEngine(options);
  cleanups.push(() => t.close());
  return t;
}

/** Takes the next job of a queue by hand (a worker of its own), and does `work` with it. */
async function takeNext(t: TestEngine, queue: string, work: (job: Job, token: string) => Promise<void>): Promise<Job> {
  // Ours to close: BullMQ's worker.close() leaves a connection it was given open, and the worker thread (with it
  // the connection) outlives this file (integration files share it: isolate: false).
  const connection = workerConnection(inject('redisUrl'), {}, undefined, testCluster());
  const worker = new Worker(queue, null, { connection, prefix: queuePrefix(t.prefix, queue) });
  try {
    const token = randomUUID();
    const job = (await worker.getNextJob(token)) as Job | undefined;
    if (!job) throw new Error('no job to take');
    await work(job, token);
    return job;
  } finally {
    await worker.close();
    await connection.quit();
  }
}

/** Takes the next job of the sync queue and runs it with the real processor, as a worker would. */
async function processNext(t: TestEngine, name: 'run' | 'page'): Promise<Job> {
  return takeNext(t, SYNC_QUEUE, async (job, token) => {
    expect(job.name).toBe(name);
    const result = name === 'run' ? await processRun(t.engine.ctx, job, token) : await processPage(t.engine.ctx, job, token);
    await job.moveToCompleted(result, token, false);
  });
}

async function recovered(): Promise<number> {
  return (await metrics.runsRecovered.get()).values.reduce((sum, v) => sum + v.value, 0);
}

function expectEachOnce(trata: TrataSimulator, powerchord: PowerChordSimulator): void {
  expect(powerchord.store.size).toBe(trata.store.size);
  for (const prospect of trata.store.all()) expect(powerchord.store.byExternalId(prospect.id), prospect.id).toHaveLength(1);
}

/**
 * On the cluster project only the cases whose Redis writes differ run again (each recovery action's scripts: a page
 * re-driven, a start retried, a run ended with its cursor put back, the ledger's copy of a run's input, a batch
 * settled); the others take the same paths through the same scripts, and the suite's time is bounded (npm test).
 */
const itOnOneRedis = testCluster() ? it.skip : it;

describe('run watchdog: a run whose jobs Redis lost still ends', () => {
  it('re-drives a run whose first page job was lost after its run job completed: SUCCESS, every record once', async () => {
    const { trata, powerchord, connections } = await trataAndPowerChord();
    trata.store.seed(10);
    const t = await engine({ connections, workers: false, settings: { ...STALL, pageSize: 4, batchSize: 3 } });
    const runId = await t.engine.enqueueRun(SYNC);
    await processNext(t, 'run');
    expect(await t.engine.queues.queue(SYNC_QUEUE).remove(childJobId(runId, 'p0'))).toBe(1);

    t.engine.startWorkers();
    const run = await t.waitForRun(runId, 15_000);
    expect(run.status).toBe('SUCCESS');
    expect(run.counts).toMatchObject({ pulled: 10, created: 10, failed: 0 });
    expectEachOnce(trata, powerchord);
  });

  itOnOneRedis('re-drives a run whose middle page job was lost (its pushes ran): SUCCESS, every record once', async () => {
    const { trata, powerchord, connections } = await trataAndPowerChord();
    trata.store.seed(10);
    const t = await engine({ connections, workers: false, settings: { ...STALL, pageSize: 4, batchSize: 3 } });
    const runId = await t.engine.enqueueRun(SYNC);
    await processNext(t, 'run');
    await processNext(t, 'page'); // p0: its push batches and p1 are enqueued
    expect(await t.engine.queues.queue(SYNC_QUEUE).remove(childJobId(runId, 'p1'))).toBe(1);

    const before = await recovered();
    t.engine.startWorkers();
    const run = await t.waitForRun(runId, 15_000);
    expect(run.status).toBe('SUCCESS');
    expect(run.counts).toMatchObject({ pulled: 10, created: 10, failed: 0 });
    expect((await metrics.runsRecovered.get()).values.find((v) => v.labels['action'] === 'redrive-page')?.value).toBeGreaterThan(0);
    expect(await recovered()).toBe(before + 1);
    expectEachOnce(trata, powerchord);
  });

  it('starts a run again whose start was lost (its first page job and what it recorded): SUCCESS', async () => {
    const { trata, powerchord, connections } = await trataAndPowerChord();
    trata.store.seed(6);
    const t = await engine({ connections, workers: false, settings: { ...STALL, pageSize: 4, batchSize: 3 } });
    const runId = await t.engine.enqueueRun(SYNC);
    await processNext(t, 'run');
    // As the chaos run saw it: the run job complete, the page job it added (and the ledger's note of it) gone.
    expect(await t.engine.queues.queue(SYNC_QUEUE).remove(childJobId(runId, 'p0'))).toBe(1);
    await t.engine.ctx.redis.del(t.engine.ctx.keys.runNext(SYNC, runId));

    t.engine.startWorkers();
    const run = await t.waitForRun(runId, 15_000);
    expect(run.status).toBe('SUCCESS');
    expect(run.counts).toMatchObject({ pulled: 6, created: 6 });
    expectEachOnce(trata, powerchord);
  });

  itOnOneRedis('ends a run whose run job is gone too FAILURE with its reason, and a recovery run syncs the records', async () => {
    const { trata, powerchord, connections } = await trataAndPowerChord();
    trata.store.seed(6);
    const t = await engine({ connections, workers: false, settings: { ...STALL, pageSize: 4, batchSize: 3 } });
    const runId = await t.engine.enqueueRun(SYNC);
    await processNext(t, 'run');
    const queue = t.engine.queues.queue(SYNC_QUEUE);
    expect(await queue.remove(childJobId(runId, 'p0'))).toBe(1);
    expect(await queue.remove(runId)).toBe(1);
    await t.engine.ctx.redis.del(t.engine.ctx.keys.runNext(SYNC, runId));

    t.engine.startWorkers();
    const run = await t.waitForRun(runId, 15_000);
    expect(run.status).toBe('FAILURE');
    expect(run.reason).toMatch(/Redis lost this run's start.*recovery run run-/);
    // Awaited by the id its reason names: the recovery run's ledger opens only once a worker takes its job.
    const recoveryId = /recovery run (run-[\w-]+)/.exec(run.reason ?? '')?.[1];
    expect(recoveryId, 'the recovery run named in the reason').toBeDefined();
    const recovery = await t.waitForRun(recoveryId!, 15_000);
    expect(recovery).toMatchObject({ trigger: 'recovery', status: 'SUCCESS' });
    expectEachOnce(trata, powerchord);
  });

  it('ends a run whose push batch was lost FAILURE naming it, puts the cursor back, and the recovery run sends those records', async () => {
    const { trata, powerchord, connections } = await trataAndPowerChord();
    const seeded = trata.store.seed(10);
    // lookbackMs 0: the cursor is exact, so only a cursor put back lets the next run read the lost records again.
    const settings: Partial<EngineSettings> = { ...STALL, pageSize: 50, batchSize: 2, lookbackMs: 0 };
    const first = await engine({ connections, settings });
    expect((await first.waitForRun(await first.engine.enqueueRun(SYNC))).status).toBe('SUCCESS');
    const cursorBefore = await first.engine.ctx.redis.get(first.engine.ctx.keys.cursor(SYNC));
    expect(cursorBefore).not.toBeNull();
    await first.close();
    cleanups.pop();

    await new Promise((r) => setTimeout(r, 5));
    for (const prospect of seeded.slice(0, 4)) trata.store.modify(prospect.id, { name: `${prospect.name} (renamed)` });
    const t = await engine({ connections, workers: false, settings, prefix: first.prefix });
    const runId = await t.engine.enqueueRun(SYNC);
    await processNext(t, 'run');
    await processNext(t, 'page'); // the only page: the pull is done, the cursor moved past the edits
    expect(await t.engine.ctx.redis.get(t.engine.ctx.keys.cursor(SYNC))).not.toBe(cursorBefore);
    const pushQueue = t.engine.queues.queue(pushQueueName('powerchord'));
    const batches = await pushQueue.getRanges(['waiting', 'prioritized'], 0, -1);
    expect(batches).toHaveLength(2);
    const lost = (await pushQueue.getJob(batches[0]!))!.data as { records: Array<{ sourceId: string }> };
    expect(await pushQueue.remove(batches[0]!)).toBe(1);

    t.engine.startWorkers();
    const run = await t.waitForRun(runId, 15_000);
    expect(run.status).toBe('FAILURE');
    expect(run.reason).toMatch(/Redis lost 1 push batch of this run.*recovery run run-/);
    expect(run.counts).toMatchObject({ pulled: 10, updated: 2 });
    // The reason names the recovery run; its ledger opens only once a worker takes its job, so it is awaited by id.
    const recoveryId = /recovery run (run-[\w-]+)/.exec(run.reason ?? '')?.[1];
    expect(recoveryId, 'the recovery run named in the reason').toBeDefined();
    const done = await t.waitForRun(recoveryId!, 15_000);
    expect(done.trigger).toBe('recovery');
    expect(done.status).toBe('SUCCESS');
    // It read from where the failed run started (not a full scan), and wrote only what was lost.
    expect(done.full).toBe(false);
    expect(done.counts).toMatchObject({ updated: 2, created: 0 });
    expectEachOnce(trata, powerchord);
    for (const { sourceId } of lost.records) expect(powerchord.store.byExternalId(sourceId)[0]!.Content['name']).toContain('(renamed)');
  });

  it('gives the recovery run of a run of inline records those records, from its ledger once retention removed its job', async () => {
    const { trata, powerchord, connections } = await trataAndPowerChord();
    trata.store.seed(6);
    const settings: Partial<EngineSettings> = { ...STALL, batchSize: 2 };
    const first = await engine({ connections, settings });
    expect((await first.waitForRun(await first.engine.enqueueRun(SYNC))).status).toBe('SUCCESS');
    await first.close();
    cleanups.pop();

    // POST /v1/records: bodies that exist nowhere but in the request (the source still holds the old names).
    const records = trata.store.all().slice(0, 4).map((prospect) => ({ id: prospect.id, updatedAt: null, data: { ...prospect, name: `${prospect.name} (inline)` } }));
    const t = await engine({ connections, workers: false, settings, prefix: first.prefix });
    const runId = await t.engine.enqueueRun(SYNC, { records, trigger: 'api' });
    await processNext(t, 'run');
    await processNext(t, 'page');
    const pushQueue = t.engine.queues.queue(pushQueueName('powerchord'));
    const batches = await pushQueue.getRanges(['waiting', 'prioritized'], 0, -1);
    expect(batches).toHaveLength(2);
    const lost = (await pushQueue.getJob(batches[0]!))!.data as { records: Array<{ sourceId: string }> };
    expect(await pushQueue.remove(batches[0]!)).toBe(1);
    // The sync queue keeps 1,000 finished jobs, pages of every sync included: a long-lived run's job is often gone.
    expect(await t.engine.queues.queue(SYNC_QUEUE).remove(runId)).toBe(1);

    t.engine.startWorkers();
    const run = await t.waitForRun(runId, 15_000);
    expect(run.status).toBe('FAILURE');
    const recoveryId = /recovery run (run-[\w-]+) sends them/.exec(run.reason ?? '')?.[1];
    expect(recoveryId, run.reason ?? '').toBeDefined();
    const done = await t.waitForRun(recoveryId!, 15_000);
    expect(done.status).toBe('SUCCESS');
    expect(done.counts).toMatchObject({ updated: 2, created: 0 });
    for (const { sourceId } of lost.records) expect(powerchord.store.byExternalId(sourceId)[0]!.Content['name']).toContain('(inline)');
    for (const { id } of records) expect(powerchord.store.byExternalId(id)[0]!.Content['name']).toContain('(inline)');
    expectEachOnce(trata, powerchord);
    // What the run was given is dropped once it ended.
    expect(await t.engine.ctx.ledger.input(runId, SYNC)).toBeNull();
  });

  itOnOneRedis('ends a run of a sync a reload removed, whose push batch Redis lost: FAILURE naming both, no recovery run', async () => {
    const { trata, powerchord, connections } = await trataAndPowerChord();
    trata.store.seed(6);
    const t = await engine({ connections, workers: false, settings: { ...STALL, batchSize: 2 } });
    const runId = await t.engine.enqueueRun(SYNC);
    await processNext(t, 'run');
    await processNext(t, 'page');
    const pushQueue = t.engine.queues.queue(pushQueueName('powerchord'));
    const batches = await pushQueue.getRanges(['waiting', 'prioritized'], 0, -1);
    expect(batches).toHaveLength(3);
    expect(await pushQueue.remove(batches[0]!)).toBe(1);
    // The workers run, then a reload removes the sync; its run goes on with the definitions it started on.
    t.engine.startWorkers();
    t.engine.switchDefinitions({ hash: 'reloaded', syncs: new Map([...t.engine.syncs].filter(([name]) => name !== SYNC)) });
    const run = await t.waitForRun(runId, 15_000);
    expect(run.status).toBe('FAILURE');
    expect(run.reason).toMatch(/Redis lost 1 push batch of this run .*its sync was removed since, so no recovery run sends them/);
    expect(run.counts).toMatchObject({ pulled: 6, created: 4 });
    expect(powerchord.store.size).toBe(4);
    // The run ended and released its sync: nothing is left PENDING, and no run was enqueued for a sync that is gone.
    expect(await t.engine.ctx.redis.get(t.engine.ctx.keys.activeRun(SYNC))).toBeNull();
    expect(await t.engine.queues.queue(SYNC_QUEUE).getRanges(['waiting', 'prioritized', 'delayed', 'active'], 0, -1)).toEqual([]);
  });

  it('settles a push batch that failed for good but was never settled (its worker died in between): the run ends', async () => {
    const { trata, powerchord, connections } = await trataAndPowerChord();
    trata.store.seed(6);
    const t = await engine({ connections, workers: false, settings: { ...STALL, pageSize: 50, batchSize: 3 } });
    const runId = await t.engine.enqueueRun(SYNC);
    await processNext(t, 'run');
    await processNext(t, 'page');
    const failed = await takeNext(t, pushQueueName('powerchord'), async (job, token) => {
      await job.moveToFailed(new UnrecoverableError('the provider refused the batch'), token, false);
    });

    t.engine.startWorkers();
    const run = await t.waitForRun(runId, 15_000);
    expect(run.status).toBe('PARTIAL_SUCCESS');
    expect(run.counts).toMatchObject({ pulled: 6, created: 3, failed: 3 });
    const { errors } = await t.engine.ledger.errors(runId);
    expect(errors).toHaveLength(3);
    for (const error of errors) expect(error).toMatchObject({ code: 'JOB_FAILED', reason: expect.stringContaining('the provider refused the batch') });
    expect(errors.map((e) => e.sourceId).sort()).toEqual((failed.data as { records: Array<{ sourceId: string }> }).records.map((r) => r.sourceId).sort());

    // The next run retries the failed records: every record once.
    expect((await t.waitForRun(await t.engine.enqueueRun(SYNC), 15_000)).status).toBe('SUCCESS');
    expectEachOnce(trata, powerchord);
  });

  itOnOneRedis('leaves alone a PENDING run whose job is alive but slow (a push parked waiting for its write to confirm)', async () => {
    const { t, runId, release } = await parkedPropexoRun();
    // Several sweeps' worth (one each 250 ms) of a run that has not moved for longer than RUN_STALL_MS.
    await new Promise((r) => setTimeout(r, 2_000));
    const held = await t.engine.ledger.get(runId);
    expect(held?.status).toBe('PENDING');
    expect(held?.pullDone).toBe(true);
    expect(held?.pendingBatches).toBe(1);
    await release();
  });

  itOnOneRedis('leaves alone a slow run whose push job is in the queue of the target its definitions named, not the reloaded one', async () => {
    const { t, runId, release } = await parkedPropexoRun();
    for (let run = await t.engine.ledger.get(runId); !(run?.pullDone && run.pendingBatches === 1); run = await t.engine.ledger.get(runId)) {
      await new Promise((r) => setTimeout(r, 25));
    }
    // A reload moves the sync to another Propexo connection: the run in progress goes on with the one it started on.
    const sync = t.engine.syncs.get('trata-to-propexo')!;
    const moved = { ...sync, targets: sync.targets.map((target) => ({ ...target, connection: 'propexo-eu' })) };
    t.engine.switchDefinitions({ hash: 'reloaded', syncs: new Map([...t.engine.syncs, ['trata-to-propexo', moved]]) });

    await new Promise((r) => setTimeout(r, 2_000));
    expect((await t.engine.ledger.get(runId))?.status).toBe('PENDING');
    await release();
  });
});

/**
 * A Trata → Propexo run of 3 records whose one push job parks itself, delayed, waiting for writes Propexo holds
 * PENDING (alive, but not moving). `release` lets the writes be applied and checks the run then ends SUCCESS with no
 * recovery action taken.
 */
async function parkedPropexoRun(): Promise<{ t: TestEngine; runId: string; release: () => Promise<void> }> {
  const trata = await startTrataSimulator();
  const propexo = await startPropexoSimulator();
  cleanups.push(() => trata.close(), () => propexo.close());
  const t = await engine({
    connections: new Map([simulatorConnection('trata', trata), simulatorConnection('propexo', propexo)]),
    settings: { runStallMs: 500, confirmPollMs: 100 },
  });
  trata.store.seed(3);
  propexo.store.holdWrites = true;
  const before = await recovered();
  const runId = await t.engine.enqueueRun('trata-to-propexo');
  const release = async () => {
    propexo.store.holdWrites = false;
    propexo.store.releaseHeld();
    const run = await t.waitForRun(runId, 20_000);
    expect(run.status).toBe('SUCCESS');
    expect(run.counts).toMatchObject({ pulled: 3, created: 3, failed: 0 });
    expect(await recovered()).toBe(before);
  };
  return { t, runId, release };
}
