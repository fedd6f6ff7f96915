/**
 * Per-connection filters of the listings (issue #15): a sync's failed records by target connection, in the API
 * (`GET /v1/syncs/{name}/errors?connection=`) and on the runs page (sync list, a sync's failed records, a run's
 * errors). The failures are recorded through the ledger's own methods on the real test Redis; no worker runs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/api/app.ts';
import type { ApiApp } from '../../../src/api/deps.ts';
import type { ConnectionConfig } from '../../../src/providers/types.ts';
import { startPowerChordSimulator, type PowerChordSimulator } from '../../../src/simulators/powerchord/server.ts';
import { startTrataSimulator, type TrataSimulator } from '../../../src/simulators/trata/server.ts';
import type { SyncDefinition } from '../../../src/sync/definition.ts';
import type { RecordErrorEntry } from '../../../src/sync/ledger.ts';
import { simulatorConnection } from '../../helpers/connections.ts';
import { createTestEngine, type TestEngine } from '../../helpers/engine.ts';

const TOKEN = 'api-token-connection-filters-0123';
const RUN = 'run-connection-filters-1';
let trata: TrataSimulator;
let powerchord: PowerChordSimulator;
let t: TestEngine;
let app: ApiApp;

/** The same simulator under several connection names (only the names matter here: nothing is called). */
function named(name: string, [, config]: [string, ConnectionConfig]): [string, ConnectionConfig] {
  return [name, { ...config, name }];
}

const failure = (sourceId: string, target: string): RecordErrorEntry => ({ sourceId, target, path: 'Content', reason: `refused by ${target}`, code: 'VALIDATION', at: new Date().toISOString() });

beforeAll(async () => {
  [trata, powerchord] = await Promise.all([startTrataSimulator(), startPowerChordSimulator()]);
  const connections = new Map([
    named('trata-one', simulatorConnection('trata', trata)),
    named('trata-two', simulatorConnection('trata', trata)),
    named('brand-us', simulatorConnection('powerchord', powerchord)),
    named('brand-eu', simulatorConnection('powerchord', powerchord)),
  ]);
  t = await createTestEngine({
    connections,
    workers: false,
    syncs: (loaded) => {
      const mapping = loaded.get('trata-to-powerchord')!.targets[0]!.mapping;
      const sync = (name: string, source: string, targets: string[]): [string, SyncDefinition] => [name, {
        name, file: 'test', enabled: true, schedule: null, pageSize: null, lookbackMs: null,
        source: { provider: 'trata', connection: source },
        targets: targets.map((connection, i) => ({ key: String(i), provider: 'powerchord', connection, mapping, mode: 'upsert' })),
      }];
      return new Map([sync('fan-out', 'trata-one', ['brand-us', 'brand-eu']), sync('other', 'trata-two', ['brand-us'])]);
    },
  });
  app = await buildApp({ engine: t.engine, redis: t.engine.ctx.redis, tokens: [TOKEN] });
  await app.ready();
  await t.engine.ledger.open(RUN, { sync: 'fan-out', trigger: 'api', full: false });
  await t.engine.ledger.recordFailures(RUN, 'fan-out', [failure('rec-a', 'brand-us'), failure('rec-b', 'brand-eu'), failure('rec-c', 'brand-eu')]);
});

afterAll(async () => {
  await app?.close();
  await t?.close();
  await Promise.all([trata?.close(), powerchord?.close()]);
});

const get = async (url: string) => {
  const res = await app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${TOKEN}` } });
  expect(res.statusCode, res.body).toBe(200);
  return res;
};
const ids = (body: { items: Array<{ sourceId: string }> }) => body.items.map((e) => e.sourceId).sort();

describe('GET /v1/syncs/{name}/errors?connection=', () => {
  it('lists only the records failed at that target connection, paged within the filter', async () => {
    expect(ids((await get('/v1/syncs/fan-out/errors')).json())).toEqual(['rec-a', 'rec-b', 'rec-c']);
    expect((await get('/v1/syncs/fan-out/errors?connection=brand-eu')).json()).toMatchObject({ total: 2, offset: 0, limit: 50 });
    expect(ids((await get('/v1/syncs/fan-out/errors?connection=brand-eu')).json())).toEqual(['rec-b', 'rec-c']);
    expect(ids((await get('/v1/syncs/fan-out/errors?connection=brand-us')).json())).toEqual(['rec-a']);
    const page = (await get('/v1/syncs/fan-out/errors?connection=brand-eu&offset=1&limit=1')).json();
    expect(page).toMatchObject({ total: 2, offset: 1, limit: 1 });
    expect(page.items).toHaveLength(1);
    // The source, or a connection the sync does not use, has none.
    expect((await get('/v1/syncs/fan-out/errors?connection=trata-one')).json()).toMatchObject({ total: 0, items: [] });
    expect((await get('/v1/syncs/fan-out/errors?connection=unknown')).json()).toMatchObject({ total: 0, items: [] });
  });

  it('refuses a connection that is not a name', async () => {
    const res = await app.inject({ method: 'GET', url: `/v1/syncs/fan-out/errors?connection=${'x'.repeat(64)}`, headers: { authorization: `Bearer ${TOKEN}` } });
    expect(res.statusCode).toBe(400);
  });
});

describe('GET /v1/connections/{name}/runs', () => {
  it('lists the runs of every sync reading from or writing to the connection, newest first, paged', async () => {
    await new Promise((resolve) => setTimeout(resolve, 5));
    await t.engine.ledger.open('run-connection-filters-2', { sync: 'other', trigger: 'api', full: false });
    const us = (await get('/v1/connections/brand-us/runs')).json() as { total: number; items: Array<{ job_id: string; sync: string }> };
    expect(us.total).toBe(2);
    expect(us.items.map((r) => [r.sync, r.job_id])).toEqual([['other', 'run-connection-filters-2'], ['fan-out', RUN]]);
    const second = (await get('/v1/connections/brand-us/runs?offset=1&limit=1')).json() as { items: Array<{ job_id: string }> };
    expect(second.items.map((r) => r.job_id)).toEqual([RUN]);
    expect(((await get('/v1/connections/brand-eu/runs')).json() as { items: Array<{ sync: string }> }).items.map((r) => r.sync)).toEqual(['fan-out']);
    expect(((await get('/v1/connections/trata-two/runs')).json() as { items: Array<{ sync: string }> }).items.map((r) => r.sync)).toEqual(['other']);
    const unknown = await app.inject({ method: 'GET', url: '/v1/connections/nope/runs', headers: { authorization: `Bearer ${TOKEN}` } });
    expect(unknown.statusCode).toBe(404);
  });
});

describe('the runs page filters by connection', () => {
  it('lists only the syncs reading from or writing to the chosen connection, each connection a link', async () => {
    const all = (await get('/admin/runs')).body;
    expect(all).toContain('href="/admin/runs/fan-out"');
    expect(all).toContain('href="/admin/runs/other"');
    expect(all).toContain('<option value="brand-eu">brand-eu</option>');
    expect(all).toContain('href="/admin/runs?connection=brand-eu"');
    const eu = (await get('/admin/runs?connection=brand-eu')).body;
    expect(eu).toContain('href="/admin/runs/fan-out"');
    expect(eu).not.toContain('href="/admin/runs/other"');
    expect(eu).toContain('<option value="brand-eu" selected>');
    const two = (await get('/admin/runs?connection=trata-two')).body;
    expect(two).not.toContain('href="/admin/runs/fan-out"');
    expect(two).toContain('href="/admin/runs/other"');
  });

  it("a sync's failed records and a run's errors, by target connection", async () => {
    const failedNow = (await get('/admin/runs/fan-out?connection=brand-eu')).body;
    expect(failedNow).toContain('<code>rec-b</code>');
    expect(failedNow).toContain('<code>rec-c</code>');
    expect(failedNow).not.toContain('<code>rec-a</code>');
    const run = (await get(`/admin/runs/fan-out/${RUN}?connection=brand-us`)).body;
    expect(run).toContain('<code>rec-a</code>');
    expect(run).not.toContain('<code>rec-b</code>');
    // Unfiltered, all three; a value that is not a connection name filters nothing.
    const all = (await get('/admin/runs/fan-out?connection=%3Cscript%3E')).body;
    for (const id of ['rec-a', 'rec-b', 'rec-c']) expect(all).toContain(`<code>${id}</code>`);
  });
});
