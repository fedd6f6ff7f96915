import { afterAll, describe, expect, it } from 'vitest';
import { SYNC_QUEUE } from '../../../src/queues/contracts.ts';
import { startPowerChordSimulator } from '../../../src/simulators/powerchord/server.ts';
import { startPropexoSimulator } from '../../../src/simulators/propexo/index.ts';
import { startTrataSimulator } from '../../../src/simulators/trata/server.ts';
import { simulatorConnection } from '../../helpers/connections.ts';
import { createTestEngine } from '../../helpers/engine.ts';
import { powerChordConnection } from '../../helpers/powerchord.ts';

const cleanups: Array<() => Promise<unknown>> = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

describe('failure semantics (issue #10)', () => {
  it('a Propexo write stuck at PENDING ends as failed after confirmTimeoutMs, naming the write, and the run ends', async () => {
    const trata = await startTrataSimulator();
    const propexo = await startPropexoSimulator();
    cleanups.push(() => trata.close(), () => propexo.close());
    const t = await createTestEngine({
      connections: new Map([simulatorConnection('trata', trata), simulatorConnection('propexo', propexo)]),
      settings: { confirmTimeoutMs: 1_500, confirmPollMs: 100 },
    });
    cleanups.push(() => t.close());
    trata.store.seed(3);
    propexo.store.holdWrites = true; // write-status answers PENDING for as long as this lasts

    const run = await t.waitForRun(await t.engine.enqueueRun('trata-to-propexo'), 20_000);
    expect(run.status).toBe('FAILURE');
    expect(run.counts).toMatchObject({ pulled: 3, created: 0, failed: 3 });
    const { errors } = await t.engine.ledger.errors(run.runId);
    expect(errors).toHaveLength(3);
    for (const error of errors) {
      expect(error.code).toBe('OUTCOME_UNKNOWN');
      const writeJobId = (error.value as { writeJobId: string }).writeJobId;
      expect(error.reason).toContain(`propexo write ${writeJobId}`);
      expect(error.reason).toContain('PENDING');
      expect(propexo.store.job(writeJobId)?.status).toBe('PENDING');
    }

    // Propexo's backlog clears: the next run asks those writes' status (the intent names them) instead of creating
    // again or holding the records for review.
    const edited = trata.store.all()[0]!;
    trata.store.modify(edited.id, { name: 'Renamed Meanwhile' }); // edited while its create was unconfirmed
    propexo.store.holdWrites = false;
    propexo.store.releaseHeld();
    await new Promise((r) => setTimeout(r, 500));
    const next = await t.waitForRun(await t.engine.enqueueRun('trata-to-propexo'), 20_000);
    expect(next.status).toBe('SUCCESS');
    // Each found record is linked and sent its current body (that create wrote an older one), and counted as
    // created by this run, the one that learned it was: the first counted it failed (outcome unknown).
    expect(next.counts).toMatchObject({ created: 3, updated: 0, failed: 0 });
    expect(propexo.store.all()).toHaveLength(3);
    // No lost update: the found record holds the edit made after its create (chaos seed 505 found 378 without it).
    expect(JSON.stringify(propexo.store.all().find((p) => p.email_1 === edited.email))).toContain('Renamed');
    expect((await t.engine.ledger.currentErrors('trata-to-propexo')).total).toBe(0);
  });

  it('a 401 on a source page fails that page job at its first attempt, and the run with it', async () => {
    const trata = await startTrataSimulator();
    const powerchord = await startPowerChordSimulator();
    cleanups.push(() => trata.close(), () => powerchord.close());
    const [name, config] = simulatorConnection('trata', trata);
    const t = await createTestEngine({
      connections: new Map([[name, { ...config, token: 'revoked-token' }], ['powerchord', powerChordConnection(powerchord)]]),
      settings: { attempts: 8, backoffMs: 200 },
    });
    cleanups.push(() => t.close());
    trata.store.seed(5);

    const run = await t.waitForRun(await t.engine.enqueueRun('trata-to-powerchord'), 20_000);
    expect(run.status).toBe('FAILURE');
    expect(run.reason).toMatch(/401/);
    const page = await t.engine.queues.queue(SYNC_QUEUE).getJob(`${run.runId}.p0`);
    expect(page?.attemptsMade).toBe(1);
    expect(trata.calls.count()).toBe(1);
  });

  it('a wrong PowerChord trunk id fails a 2,000-record run after a few calls, with one reason naming the setting; the next run delivers all', async () => {
    const RECORDS = 2_000;
    const trata = await startTrataSimulator();
    const powerchord = await startPowerChordSimulator();
    cleanups.push(() => trata.close(), () => powerchord.close());
    const right = powerChordConnection(powerchord);
    const connections = (trunkId: string) => new Map([simulatorConnection('trata', trata), ['powerchord', { ...right, options: { ...right.options, trunkId } }] as const]);
    const wrong = await createTestEngine({ connections: connections('no-such-trunk'), settings: { pageSize: 500, batchSize: 25 } });
    trata.store.seed(RECORDS);

    const run = await wrong.waitForRun(await wrong.engine.enqueueRun('trata-to-powerchord'), 60_000);
    const creates = powerchord.calls.all()['POST /v1/:trunkID'] ?? 0;
    console.info(`wrong trunk: ${creates} create calls for ${RECORDS} records; run ${run.status}: ${run.reason}`);
    expect(run.status).toBe('FAILURE');
    expect(run.counts.failed).toBe(RECORDS);
    expect(creates).toBeLessThanOrEqual(36);
    expect(run.reason).toContain('POWERCHORD_TRUNK_ID');
    const { errors } = await wrong.engine.ledger.errors(run.runId, 0, 1_000);
    expect(new Set(errors.map((e) => e.code))).toEqual(new Set(['CONNECTION_FAILED', 'ERR_PROVIDER_NOT_FOUND']));
    await wrong.close();

    // The setting is corrected: the next run (the cursor has moved past every record) retries all of them.
    const fixed = await createTestEngine({ connections: connections(powerchord.trunkId), prefix: wrong.prefix, settings: { pageSize: 500, batchSize: 25 } });
    cleanups.push(() => fixed.close());
    const next = await fixed.waitForRun(await fixed.engine.enqueueRun('trata-to-powerchord'), 60_000);
    expect(next.status).toBe('SUCCESS');
    expect(next.counts).toMatchObject({ created: RECORDS, failed: 0 });
    expect(powerchord.store.size).toBe(RECORDS);
  });
});
