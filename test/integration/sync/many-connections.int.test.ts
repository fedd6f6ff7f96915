/**
 * Many connections per provider in one deployment (issue #15): two Trata organisations and two PowerChord brands,
 * one in the US and one in the EU, each its own simulator, defined in `connections/*.yaml` with their credentials
 * read from the environment and a secrets file. Four syncs (each Trata to each PowerChord) run end to end, and each
 * simulator holds exactly what its own syncs sent: no record, call or credential of one connection reaches another,
 * an EU brand's calls never reach a US host, and two sources with the same record id keep apart.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadDefinitions } from '../../../src/bootstrap/definitions.ts';
import { configuredConnections } from '../../../src/config/connections.ts';
import { registry } from '../../../src/metrics.ts';
import { parseEnv } from '../../../src/config/env.ts';
import { startPowerChordSimulator, type PowerChordSimulator } from '../../../src/simulators/powerchord/server.ts';
import { startTrataSimulator, type TrataSimulator } from '../../../src/simulators/trata/server.ts';
import type { TrataStoredProspect } from '../../../src/simulators/trata/store.ts';
import { createTestEngine, type TestEngine } from '../../helpers/engine.ts';

const SYNCS = ['one-to-us', 'one-to-eu', 'two-to-us', 'two-to-eu'] as const;
const SOURCES = { 'one-to-us': 'one', 'one-to-eu': 'one', 'two-to-us': 'two', 'two-to-eu': 'two' } as const;

let one: TrataSimulator;
let two: TrataSimulator;
let us: PowerChordSimulator;
let eu: PowerChordSimulator;
let t: TestEngine;
const seeded: Record<'one' | 'two', TrataStoredProspect[]> = { one: [], two: [] };

const lines = (...l: string[]) => `${l.join('\n')}\n`;

beforeAll(async () => {
  // The metrics registry is the process's: integration files share a worker (isolate: false), so the series other
  // files left behind (connection="powerchord") go before this file asserts that it made none.
  registry.resetMetrics();
  [one, two, us, eu] = await Promise.all([
    startTrataSimulator({ token: 'trata-one-token-value' }),
    startTrataSimulator({ token: 'trata-two-token-value' }),
    startPowerChordSimulator({ region: 'us', token: null, trunkId: 'trunk-us', serviceAccount: { email: 'svc@us.example', password: 'us-password-value' } }),
    startPowerChordSimulator({ region: 'eu', token: null, trunkId: 'trunk-eu', serviceAccount: { email: 'svc@eu.example', password: 'eu-password-value' } }),
  ]);
  // Distinct people per organisation, so any lead tells which source it came from.
  for (const [name, sim, count] of [['one', one, 12], ['two', two, 8]] as const) {
    for (let i = 0; i < count; i++) seeded[name].push(sim.store.create({ status: 'NEW', name: `${name} person ${i}`, email: `p${i}@${name}.example`, phoneNumber: null }));
  }

  const dir = await mkdtemp(join(tmpdir(), 'many-connections-'));
  const connections = join(dir, 'connections');
  const jobs = join(dir, 'jobs');
  const { mkdir } = await import('node:fs/promises');
  await Promise.all([mkdir(connections), mkdir(jobs)]);
  await writeFile(join(dir, 'eu-password'), 'eu-password-value\n');
  await writeFile(join(connections, 'trata-one.yaml'), lines('name: trata-one', 'provider: trata', `hosts: { baseUrl: ${one.url} }`, 'credentials: { token: { env: TRATA_TOKEN_ONE } }'));
  await writeFile(join(connections, 'trata-two.yaml'), lines('name: trata-two', 'provider: trata', `hosts: { baseUrl: ${two.url} }`, 'credentials: { token: { env: TRATA_TOKEN_TWO } }', 'pushConcurrency: 2'));
  const powerchord = (name: string, sim: PowerChordSimulator, password: string) =>
    lines(
      `name: ${name}`, 'provider: powerchord', `region: ${sim.region}`,
      `hosts: { baseUrl: ${sim.url}, leadsBaseUrl: ${sim.leadsUrl} }`,
      `credentials: { password: ${password} }`,
      `settings: { email: ${sim.serviceAccount.email}, trunkId: ${sim.trunkId}, organizationId: org-${sim.region} }`,
    );
  await writeFile(join(connections, 'brand-us.yaml'), powerchord('brand-us', us, '{ env: BRAND_US_PASSWORD }'));
  await writeFile(join(connections, 'brand-eu.yaml'), powerchord('brand-eu', eu, `{ file: ${join(dir, 'eu-password')} }`));
  for (const sync of SYNCS) {
    const [source, , target] = sync.split('-');
    await writeFile(join(jobs, `${sync}.yaml`), lines(
      `name: ${sync}`,
      `source: { provider: trata, connection: trata-${source} }`,
      `targets: [{ provider: powerchord, connection: brand-${target}, mapping: trata-to-powerchord }]`,
    ));
  }

  const definitions = await loadDefinitions({ mappingsDir: 'mappings', jobsDir: jobs, connectionsDir: connections });
  expect(definitions.issues).toEqual([]);
  const env = parseEnv({ CONNECTIONS_DIR: connections, PROVIDER_TIMEOUT_MS: '5000' });
  const configured = await configuredConnections(env, { TRATA_TOKEN_ONE: 'trata-one-token-value', TRATA_TOKEN_TWO: 'trata-two-token-value', BRAND_US_PASSWORD: 'us-password-value' }, definitions.connections);
  expect([...configured.keys()].sort()).toEqual(['brand-eu', 'brand-us', 'trata-one', 'trata-two']);
  t = await createTestEngine({ connections: configured, syncs: () => definitions.syncs, settings: { pageSize: 5, batchSize: 3 } });
});

afterAll(async () => {
  await t?.close();
  await Promise.all([one, two, us, eu].map((sim) => sim?.close()));
});

describe('two Trata and two PowerChord connections (US and EU) in one deployment', () => {
  it('sync end to end, and each simulator holds exactly what its own syncs sent', async () => {
    const runs = await Promise.all(SYNCS.map(async (sync) => t.waitForRun(await t.engine.enqueueRun(sync))));
    for (const [i, run] of runs.entries()) {
      const source = seeded[SOURCES[SYNCS[i]!]];
      expect(run, SYNCS[i]).toMatchObject({ status: 'SUCCESS', counts: { pulled: source.length, created: source.length, failed: 0, rejected: 0 } });
    }
    for (const [brand, sim] of [['us', us], ['eu', eu]] as const) {
      const own = sim.regions[brand].store;
      // Each brand: one lead per person of each organisation, each the person it names, nothing else.
      expect(own.size, brand).toBe(seeded.one.length + seeded.two.length);
      for (const person of [...seeded.one, ...seeded.two]) {
        const leads = own.byExternalId(person.id);
        expect(leads, `${brand} ${person.id}`).toHaveLength(1);
        expect(leads[0]!.Content).toMatchObject({ name: person.name, email: person.email });
      }
      // The other region's hosts of each simulator were never called: an EU brand stays on EU hosts.
      const other = brand === 'us' ? 'eu' : 'us';
      expect(sim.regions[other].store.size).toBe(0);
      expect(sim.callsByHost()[`${other}-api`] + sim.callsByHost()[`${other}-leads`], `${brand} simulator, ${other} hosts`).toBe(0);
      expect(sim.callsByHost()[`${brand}-leads`]).toBe(seeded.one.length + seeded.two.length);
      // No refused credential anywhere: every call carried the connection's own.
      expect(sim.calls.status(401) + sim.calls.status(403), brand).toBe(0);
    }
    for (const [name, sim] of [['one', one], ['two', two]] as const) {
      // Read-only sources: nothing was written into either organisation, and only its own syncs read it.
      expect(sim.store.size, name).toBe(seeded[name].length);
      expect(Object.keys(sim.calls.all()), name).toEqual(['GET /v1/prospects']);
      expect(sim.calls.status(401), name).toBe(0);
    }
  });

  it('keeps two sources\' records apart even when their ids are the same', async () => {
    us.calls.reset();
    const record = (name: string) => ({ id: 'same-id-in-both', updatedAt: null, data: { id: 'same-id-in-both', status: 'NEW', name, email: `${name}@same.example` } });
    const runs = await Promise.all([
      t.engine.enqueueRun('one-to-us', { records: [record('from-one')] }),
      t.engine.enqueueRun('two-to-us', { records: [record('from-two')] }),
    ].map(async (runId) => t.waitForRun(await runId)));
    for (const run of runs) expect(run).toMatchObject({ status: 'SUCCESS', counts: { created: 1, updated: 0 } });
    const leads = us.regions.us.store.byExternalId('same-id-in-both');
    expect(leads.map((l) => l.Content['name']).sort()).toEqual(['from-one', 'from-two']);
    expect(eu.regions.eu.store.byExternalId('same-id-in-both')).toEqual([]);
  });

  it('keeps its Redis state per connection pair and its push queues per connection, none under a provider\'s name', async () => {
    const base = t.prefix.replace(/[{}]/g, '');
    const keys = await t.engine.ctx.redis.keys(`*${base}*`);
    // Per-record state (crosswalk, echo, sent state, intents): one hash tag per source and target connection pair.
    const pairs = new Set(keys.map((k) => new RegExp(`\\{${base}:r:([a-z0-9-]+:[a-z0-9-]+):\\d+\\}`).exec(k)?.[1]).filter((p) => p !== undefined));
    expect([...pairs].sort()).toEqual(['trata-one:brand-eu', 'trata-one:brand-us', 'trata-two:brand-eu', 'trata-two:brand-us']);
    // One push queue per target connection; nothing is kept under a provider's default connection.
    const queues = new Set(keys.map((k) => /:(push-[a-z0-9-]+):/.exec(k)?.[1]).filter((q) => q !== undefined));
    expect([...queues].sort()).toEqual(['push-brand-eu', 'push-brand-us']);
    expect(keys.filter((k) => /[:{](trata|powerchord)[:}]/.test(k) || k.includes('push-powerchord') || k.includes('push-trata'))).toEqual([]);
  });

  it('labels its metrics by connection: each brand counts its own creates, each source its own calls', async () => {
    const text = await registry.metrics();
    // The first test's runs (the same-id test adds one create per brand-us run): at least each organisation's people.
    for (const brand of ['brand-us', 'brand-eu']) {
      const created = new RegExp(`crm_bridge_records_pushed_total\\{provider="powerchord",connection="${brand}",op="created"\\} (\\d+)`).exec(text);
      expect(Number(created?.[1]), brand).toBeGreaterThanOrEqual(seeded.one.length + seeded.two.length);
    }
    for (const source of ['trata-one', 'trata-two']) expect(text).toMatch(new RegExp(`crm_bridge_provider_http_requests_total\\{provider="trata",connection="${source}",status="200"\\}`));
    expect(text).not.toMatch(/connection="(trata|powerchord)"/);
  });

  it('lists the four connections with where each is defined, and per-connection syncs', async () => {
    const names = t.engine.ctx.connectors.names().sort();
    expect(names).toEqual(['brand-eu', 'brand-us', 'trata-one', 'trata-two']);
    expect(t.engine.ctx.connectors.config('brand-eu')).toMatchObject({ provider: 'powerchord', options: { region: 'eu' }, definedIn: expect.stringMatching(/connections\/brand-eu\.yaml$/) });
    expect(t.engine.ctx.connectors.config('trata-two')?.pushConcurrency).toBe(2);
  });
});
