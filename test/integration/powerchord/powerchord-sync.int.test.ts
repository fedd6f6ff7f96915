import { afterEach, describe, expect, it } from 'vitest';
import { startTrataToPowerChord, type TrataToPowerChord } from '../../helpers/trata-to-powerchord.ts';

// Full Trata → PowerChord runs through the engine (Redis, queues, workers) with PowerChord credentials.
let setup: TrataToPowerChord | null = null;
afterEach(async () => {
  await setup?.close();
  setup = null;
});

const logins = (s: TrataToPowerChord, region: 'us' | 'eu' = 'us') => s.powerchord.regions[region].api.calls.count('POST /v3/oauth2/login');
const refusals = (s: TrataToPowerChord) => s.powerchord.calls.status(401) + s.powerchord.calls.status(403);

describe('PowerChord tokens that expire during a run', () => {
  it('a token that lapses mid-run is renewed (logged in again): the run ends SUCCESS with no record failed', async () => {
    // Tokens live 250 ms; 25 ms per call and two calls per new lead make the run last well past several lifetimes.
    setup = await startTrataToPowerChord({ settings: { pageSize: 10, batchSize: 4 } }, { simulator: { tokenLifetimeMs: 250 }, connection: { auth: 'login' } });
    const { trata, powerchord, t } = setup;
    powerchord.faults.set({ latencyMs: 25, routes: ['POST /v1/:trunkID', 'PATCH /v3/lead/:leadID'] });
    trata.store.seed(80);
    const started = Date.now();
    const run = await t.waitForRun(await t.engine.enqueueRun('trata-to-powerchord'));
    const tookMs = Date.now() - started;
    expect(run.status).toBe('SUCCESS');
    expect(run.counts).toMatchObject({ pulled: 80, created: 80, failed: 0, rejected: 0 });
    expect(powerchord.store.size).toBe(80);
    expect(tookMs).toBeGreaterThan(500);
    expect(logins(setup)).toBeGreaterThan(1);
    // Renewed ahead of expiry, not after a refusal (a call in flight as its token lapses may still be refused once).
    expect(refusals(setup)).toBeLessThanOrEqual(logins(setup));
  });

  it('a token revoked mid-run is refused, renewed once, and the refused calls are sent again: SUCCESS, nothing failed', async () => {
    setup = await startTrataToPowerChord({ settings: { pageSize: 10, batchSize: 4 } }, { connection: { auth: 'login' } });
    const { trata, powerchord, t } = setup;
    powerchord.faults.set({ latencyMs: 15, routes: ['POST /v1/:trunkID', 'PATCH /v3/lead/:leadID'] });
    trata.store.seed(60);
    let revoked = false;
    const watcher = setInterval(() => {
      if (!revoked && powerchord.store.size >= 20) {
        revoked = true;
        powerchord.regions.us.auth.revokeAll();
      }
    }, 2);
    try {
      const run = await t.waitForRun(await t.engine.enqueueRun('trata-to-powerchord'));
      expect(revoked).toBe(true);
      expect(run.status).toBe('SUCCESS');
      expect(run.counts).toMatchObject({ pulled: 60, created: 60, failed: 0 });
      expect(powerchord.store.size).toBe(60);
      expect(logins(setup)).toBe(2);
      expect(refusals(setup)).toBeGreaterThan(0);
    } finally {
      clearInterval(watcher);
    }
  });
});

describe('PowerChord regions through the engine', () => {
  it('an EU connection syncs every record and never touches a US host', async () => {
    setup = await startTrataToPowerChord({}, { simulator: { region: 'eu' }, connection: { auth: 'login' } });
    const { trata, powerchord, t } = setup;
    const seeded = trata.store.seed(16);
    const first = await t.waitForRun(await t.engine.enqueueRun('trata-to-powerchord'));
    expect(first.status).toBe('SUCCESS');
    trata.store.modify(seeded[0]!.id, { name: 'Renamed' });
    const second = await t.waitForRun(await t.engine.enqueueRun('trata-to-powerchord'));
    expect(second.counts).toMatchObject({ updated: 1, failed: 0 });
    expect(powerchord.regions.eu.store.size).toBe(16);
    expect(powerchord.regions.us.store.size).toBe(0);
    const byHost = powerchord.callsByHost();
    expect(byHost).toMatchObject({ 'us-api': 0, 'us-leads': 0, 'eu-leads': 16 });
    expect(byHost['eu-api']).toBe(1 + 16 + 1); // one login, 16 ExternalID PATCHes, one update
  });
});
