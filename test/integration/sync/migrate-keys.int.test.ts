import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadDefinitions, type Definitions } from '../../../src/bootstrap/definitions.ts';
import { migrateKeys } from '../../../src/bootstrap/migrate-keys.ts';
import { dataConnection, type RedisClient } from '../../../src/redis/connection.ts';
import type { TrataStoredProspect } from '../../../src/simulators/trata/store.ts';
import { placeOf, syncKeys } from '../../../src/sync/keys.ts';
import { startTrataToPowerChord, type TrataToPowerChord } from '../../helpers/trata-to-powerchord.ts';

/**
 * What the release before the cluster key layout left in Redis after syncing 40 Trata prospects to PowerChord and
 * to Propexo, written by that release itself (test/fixtures/old-layout/generate.ts says how), with the Trata records.
 */
interface OldState {
  trataRecords: TrataStoredProspect[];
  keys: Record<string, { type: 'hash' | 'string' | 'list'; value: unknown }>;
}
const fixture = JSON.parse(readFileSync('test/fixtures/old-layout/state.json', 'utf8')) as OldState;
const OLD_PREFIX = '{crm-bridge}';

let redis: RedisClient;
let definitions: Definitions;
beforeAll(async () => {
  redis = dataConnection(inject('redisUrl'), {});
  definitions = await loadDefinitions({ mappingsDir: 'mappings', jobsDir: 'jobs' });
});
afterAll(() => redis.quit());

/** How many keys of this test's prefix, old layout (`{p}:…`) and new (`{p:…}…`); other test files share the Redis. */
async function keysOf(prefix: string): Promise<{ old: number; new: number }> {
  const base = prefix.slice(1, -1);
  const [old, fresh] = await Promise.all([redis.keys(`${prefix}:*`), redis.keys(`{${base}:*`)]);
  return { old: old.length, new: fresh.length };
}

/** The old release's keys, under this test's own prefix. */
async function writeOldState(prefix: string): Promise<void> {
  for (const [key, { type, value }] of Object.entries(fixture.keys)) {
    const at = prefix + key.slice(OLD_PREFIX.length);
    if (type === 'hash') await redis.hset(at, value as Record<string, string>);
    else if (type === 'string') await redis.set(at, value as string);
    else await redis.rpush(at, ...(value as string[]));
  }
}

async function withOldDeployment(test: (setup: TrataToPowerChord) => Promise<void>): Promise<void> {
  const setup = await startTrataToPowerChord();
  try {
    setup.trata.store.restore(fixture.trataRecords);
    await writeOldState(setup.t.prefix);
    await test(setup);
  } finally {
    await setup.close();
  }
}

describe('crm-bridge migrate-keys: upgrading from the single-tag key layout', () => {
  it('without it, the new release would create every record again (what the migration prevents)', async () => {
    await withOldDeployment(async ({ t, powerchord }) => {
      const run = await t.waitForRun(await t.engine.enqueueRun('trata-to-powerchord', { full: true }));
      expect(run.counts).toMatchObject({ pulled: 40, created: 40 });
      expect(powerchord.store.size).toBe(40);
    });
  });

  it('carries crosswalks, sent state, echo state and cursors: the first run after it writes nothing', async () => {
    await withOldDeployment(async ({ t, powerchord, trata }) => {
      const report = await migrateKeys(redis, { prefix: t.prefix, definitions, apply: true, deleteOld: false });
      expect(report.busyQueues).toEqual([]);
      // 4 crosswalks (trata ↔ powerchord, trata ↔ propexo) of 40 links; 2 syncs' sent state; Propexo's echo state.
      expect(report.carried).toEqual({ crosswalk: 160, intent: 0, sent: 80, echo: 40, cursor: 2, failed: 0 });
      expect(report.skipped).toEqual([{ key: `${t.prefix}:cb:echo:powerchord:trata`, reason: 'powerchord records are never read back' }]);

      const run = await t.waitForRun(await t.engine.enqueueRun('trata-to-powerchord', { full: true }));
      expect(run.status).toBe('SUCCESS');
      expect(run.counts).toMatchObject({ pulled: 40, unchanged: 40, created: 0, updated: 0 });
      expect(powerchord.calls.count()).toBe(0);

      // The links are where the new release looks for them: a changed prospect is sent as an update of the lead
      // the old release created (that lead lives in the old deployment's PowerChord, not in this fresh simulator,
      // so the PATCH answers 404: what counts here is that no second lead was created).
      const [first] = fixture.trataRecords;
      const place = placeOf(first!.id);
      const leadId = await redis.hget(syncKeys(t.prefix).records('trata', 'powerchord', place.partition).crosswalk(place.bucket), first!.id);
      expect(leadId).toBe((fixture.keys[`${OLD_PREFIX}:cb:xw:trata:powerchord`]!.value as Record<string, string>)[first!.id]);
      trata.store.modify(first!.id, { name: 'Renamed After The Upgrade' });
      powerchord.calls.reset();
      const second = await t.waitForRun(await t.engine.enqueueRun('trata-to-powerchord'));
      expect(second.counts).toMatchObject({ created: 0, updated: 0, failed: 1 });
      expect(powerchord.calls.all()).toEqual({ 'PATCH /v3/lead/:leadID': 1 });
    });
  });

  it('--dry-run writes nothing; a second run changes nothing; the new layout\'s values win', async () => {
    await withOldDeployment(async ({ t }) => {
      const before = await keysOf(t.prefix);
      const dry = await migrateKeys(redis, { prefix: t.prefix, definitions, apply: false, deleteOld: false });
      expect(dry.carried.crosswalk).toBe(160);
      expect(await keysOf(t.prefix)).toEqual(before);

      const [first] = fixture.trataRecords;
      const place = placeOf(first!.id);
      const crosswalk = syncKeys(t.prefix).records('trata', 'powerchord', place.partition).crosswalk(place.bucket);
      await redis.hset(crosswalk, first!.id, 'written-by-the-new-release');
      await migrateKeys(redis, { prefix: t.prefix, definitions, apply: true, deleteOld: false });
      const after = await keysOf(t.prefix);
      await migrateKeys(redis, { prefix: t.prefix, definitions, apply: true, deleteOld: true });
      expect(await redis.hget(crosswalk, first!.id)).toBe('written-by-the-new-release');
      // --delete-old: the carried old keys are gone (PowerChord's echo state, not carried, stays); the new ones stay.
      expect(await keysOf(t.prefix)).toEqual({ old: after.old - Object.keys(fixture.keys).length + 1, new: after.new });
    });
  });

  it('refuses while the old release\'s queues still hold jobs, naming them, and writes nothing', async () => {
    await withOldDeployment(async ({ t }) => {
      await redis.rpush(`${t.prefix}:push-powerchord:wait`, '17');
      const before = await keysOf(t.prefix);
      const report = await migrateKeys(redis, { prefix: t.prefix, definitions, apply: true, deleteOld: false });
      expect(report.busyQueues).toEqual(['push-powerchord']);
      expect(await keysOf(t.prefix)).toEqual(before);
    });
  });

  it('the command: --dry-run counts, then it carries and says what it skipped (exit 0)', async () => {
    await withOldDeployment(async ({ t }) => {
      const cli = (...args: string[]) =>
        spawnSync(process.execPath, ['src/cli.ts', 'migrate-keys', ...args], { env: { PATH: process.env['PATH'], REDIS_URL: inject('redisUrl'), QUEUE_PREFIX: t.prefix }, encoding: 'utf8', timeout: 30_000 });
      const dry = cli('--dry-run');
      expect(dry.status, dry.stderr).toBe(0);
      expect(dry.stdout).toContain('would carry (from 10 old keys): 160 links, 80 sent states, 40 echo states, 0 create intents, 0 records to retry, 2 cursors');
      const real = cli();
      expect(real.stdout).toContain('carried (from 10 old keys): 160 links');
      expect(real.stdout).toContain(`skipped ${t.prefix}:cb:echo:powerchord:trata: powerchord records are never read back`);
      expect(cli('--bogus').status).toBe(2);
    });
  });
});
