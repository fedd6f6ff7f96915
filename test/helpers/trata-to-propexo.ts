import { expect } from 'vitest';
import type { ConnectionConfig } from '../../src/providers/types.ts';
import { startPropexoSimulator, type PropexoSimulator } from '../../src/simulators/propexo/index.ts';
import { startTrataSimulator, type TrataSimulator } from '../../src/simulators/trata/server.ts';
import type { EngineSettings } from '../../src/sync/context.ts';
import type { SyncDefinition, SyncTarget } from '../../src/sync/definition.ts';
import type { RecordErrorEntry, RunSummary } from '../../src/sync/ledger.ts';
import { simulatorConnection } from './connections.ts';
import { createTestEngine, type TestEngine } from './engine.ts';

type TrataProspect = ReturnType<TrataSimulator['store']['create']>;

export interface TrataToPropexo {
  trata: TrataSimulator;
  propexo: PropexoSimulator;
  t: TestEngine;
  /** One run of the sync, awaited to its end, with its record errors. */
  run(): Promise<{ summary: RunSummary; errors: RecordErrorEntry[] }>;
  /**
   * Ada Lovelace (one new Trata prospect) synced by a run while Propexo holds writes PENDING past the deadline, then
   * her held create applied: that run, its error codes, and her Trata record.
   */
  createHeldThenApplied(): Promise<{ person: TrataProspect; summary: RunSummary; codes: string[] }>;
  /** Ada Lovelace (one new Trata prospect) created at Propexo by one run: her Trata record. */
  adaCreated(): Promise<TrataProspect>;
  /**
   * Ada's change to "Ada Second" accepted by Propexo and held PENDING past the confirmation deadline (writes stay
   * held): the run's record errors, one CONFIRM_TIMEOUT naming the write.
   */
  updateHeld(person: TrataProspect): Promise<{ summary: RunSummary; errors: RecordErrorEntry[]; writeJobId: string }>;
  /** Ada's last name as Propexo holds it now. */
  lastName(): string | null | undefined;
  /**
   * With Ada's update "Ada Second" held on a write still PENDING at Propexo: her next change ("Ada Third") is not sent
   * while that write is pending; once it is applied, late, the next run sends the newest body, which lands last.
   */
  expectNewestLandsLast(person: TrataProspect): Promise<void>;
  close(): Promise<void>;
}

/**
 * A Trata and a Propexo simulator (writes confirmed after 20 ms, no rate limit in the way) with an engine running the
 * shipped trata-to-propexo sync alone, on `settings` (e.g. a short confirmation deadline), its target's `mode` changed
 * when given.
 */
export async function startTrataToPropexo(settings: Partial<EngineSettings> = {}, target: { mode?: SyncTarget['mode'] } = {}): Promise<TrataToPropexo> {
  const trata = await startTrataSimulator();
  const propexo = await startPropexoSimulator({ writeDelayMs: 20, rateLimit: { budget: 100_000 } });
  const connections = new Map<string, ConnectionConfig>([simulatorConnection('trata', trata), simulatorConnection('propexo', propexo, { options: { integrationId: 'integration-1' } })]);
  const syncs = (all: ReadonlyMap<string, SyncDefinition>) => {
    const shipped = all.get('trata-to-propexo')!;
    const definition = target.mode ? { ...shipped, targets: shipped.targets.map((t) => ({ ...t, mode: target.mode! })) } : shipped;
    return new Map([['trata-to-propexo', definition]]);
  };
  const t = await createTestEngine({ connections, syncs, settings });
  const lastName = () => propexo.store.all().find((p) => p.email_1 === 'ada@example.com')?.last_name;
  const run = async () => {
    const summary = await t.waitForRun(await t.engine.enqueueRun('trata-to-propexo'), 20_000);
    return { summary, errors: (await t.engine.ledger.errors(summary.runId)).errors };
  };
  return {
    trata,
    propexo,
    t,
    run,
    async createHeldThenApplied() {
      const person = trata.store.create({ status: 'NEW', name: 'Ada Lovelace', email: 'ada@example.com', prospectProps: { leaseId: 'lease-ada' } });
      propexo.store.holdWrites = true;
      const { summary, errors } = await run();
      propexo.store.holdWrites = false;
      if (propexo.store.releaseHeld() !== 1) throw new Error('expected exactly one held write (the create)');
      // Propexo applies a released write after its write delay (20 ms here).
      await new Promise((resolve) => setTimeout(resolve, 100));
      return { person, summary, codes: errors.map((e) => e.code ?? '') };
    },
    async adaCreated() {
      const person = trata.store.create({ status: 'NEW', name: 'Ada Lovelace', email: 'ada@example.com', prospectProps: { leaseId: 'lease-ada' } });
      expect((await run()).summary).toMatchObject({ counts: { created: 1 } });
      return person;
    },
    async updateHeld(person) {
      propexo.store.holdWrites = true;
      trata.store.modify(person.id, { name: 'Ada Second' });
      const second = await run();
      expect(second.errors.map((e) => e.code)).toEqual(['CONFIRM_TIMEOUT']);
      return { ...second, writeJobId: (second.errors[0]?.value as { writeJobId: string }).writeJobId };
    },
    lastName,
    async expectNewestLandsLast(person) {
      // v3 while v2 is still PENDING at Propexo (which applies new writes at once again): not sent.
      propexo.store.holdWrites = false;
      trata.store.modify(person.id, { name: 'Ada Third' });
      const third = await run();
      expect(third.errors.map((e) => e.reason).join()).toMatch(/an earlier update of this record .* is still PENDING/);
      expect(lastName(), 'v3 was not written over a pending v2').toBe('Lovelace');
      // v2 is applied now, late; the next run sends v3 after it.
      expect(propexo.store.releaseHeld()).toBe(1);
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(lastName()).toBe('Second');
      expect((await run()).summary).toMatchObject({ counts: { updated: 1, failed: 0 } });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(lastName(), 'the newest body landed last').toBe('Third');
    },
    async close() {
      await t.close();
      await trata.close();
      await propexo.close();
    },
  };
}
