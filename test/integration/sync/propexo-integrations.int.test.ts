/**
 * Two Propexo connections in one deployment (issue #15), as an agency has them: one Propexo account (one token,
 * one webhook secret: Propexo's webhook configuration belongs to the account and carries no integration) with one
 * integration per client, each read by its own connection (`settings.integrationId`) into that client's own Trata.
 * A prospect webhook runs only the syncs of the connection reading the integration it names; one naming an
 * integration no connection reads starts nothing and says why; each Trata holds only its own integration's people.
 */
import { mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../../src/api/app.ts';
import type { ApiApp } from '../../../src/api/deps.ts';
import { loadDefinitions } from '../../../src/bootstrap/definitions.ts';
import { configuredConnections } from '../../../src/config/connections.ts';
import { parseEnv } from '../../../src/config/env.ts';
import { SYNC_QUEUE } from '../../../src/queues/contracts.ts';
import { startPropexoSimulator, type PropexoSimulator, type SimProspect } from '../../../src/simulators/propexo/index.ts';
import { buildPropexoWebhook, prospectNewWebhook, prospectUpdateWebhook } from '../../../src/simulators/propexo/webhooks.ts';
import { startTrataSimulator, type TrataSimulator } from '../../../src/simulators/trata/server.ts';
import { createTestEngine, type TestEngine } from '../../helpers/engine.ts';

const SECRET = 'whsec-propexo-account';
const TOKEN = 'api-token-propexo-integrations-0123';
const lines = (...l: string[]) => `${l.join('\n')}\n`;

let propexo: PropexoSimulator;
let trata: Record<'a' | 'b', TrataSimulator>;
let t: TestEngine;
let app: ApiApp;
const seeded: Record<'a' | 'b' | 'c', SimProspect[]> = { a: [], b: [], c: [] };

const person = (integration: string, i: number): Partial<SimProspect> => ({
  integration_id: integration,
  first_name: integration,
  last_name: `Renter ${i}`,
  email_1: `r${i}@${integration}.example`,
});
/** Trata's copies, by email: which people each organisation holds. */
const emails = (sim: TrataSimulator) => sim.store.all().map((p) => p.email).sort();
const emailsOf = (records: SimProspect[]) => records.map((r) => r.email_1).sort();

async function deliver(delivery: { body: string; headers: Record<string, string> }) {
  return app.inject({ method: 'POST', url: '/v1/webhooks/propexo', headers: delivery.headers, payload: delivery.body });
}

/** A change made in the property system: Propexo's copy moves on, as its DATA_UPDATE says. */
function change(record: SimProspect, fields: Partial<SimProspect>): { before: SimProspect; after: SimProspect } {
  const stored = propexo.store.get(record.id)!;
  const before = { ...stored };
  Object.assign(stored, fields, { updated_at: propexo.store.stamp() });
  return { before, after: { ...stored } };
}

beforeAll(async () => {
  const [p, a, b] = await Promise.all([
    startPropexoSimulator({ token: 'propexo-account-token', writeDelayMs: 20, rateLimit: { budget: 100_000 } }),
    startTrataSimulator({ token: 'trata-a-token-value' }),
    startTrataSimulator({ token: 'trata-b-token-value' }),
  ]);
  propexo = p;
  trata = { a, b };
  seeded.a = propexo.store.seed([1, 2, 3, 4].map((i) => person('int-a', i)));
  seeded.b = propexo.store.seed([1, 2, 3].map((i) => person('int-b', i)));
  // A third integration of the same account that no connection reads.
  seeded.c = propexo.store.seed([1, 2].map((i) => person('int-c', i)));

  const dir = await mkdtemp(join(tmpdir(), 'propexo-integrations-'));
  const connections = join(dir, 'connections');
  const jobs = join(dir, 'jobs');
  await Promise.all([mkdir(connections), mkdir(jobs)]);
  for (const side of ['a', 'b'] as const) {
    await writeFile(join(connections, `propexo-${side}.yaml`), lines(
      `name: propexo-${side}`, 'provider: propexo', `hosts: { baseUrl: ${propexo.url} }`,
      'credentials: { token: { env: PROPEXO_ACCOUNT_TOKEN } }', `settings: { integrationId: int-${side} }`,
    ));
    await writeFile(join(connections, `trata-${side}.yaml`), lines(
      `name: trata-${side}`, 'provider: trata', `hosts: { baseUrl: ${trata[side].url} }`, `credentials: { token: { env: TRATA_TOKEN_${side.toUpperCase()} } }`,
    ));
    await writeFile(join(jobs, `${side}-to-trata.yaml`), lines(
      `name: ${side}-to-trata`,
      `source: { provider: propexo, connection: propexo-${side} }`,
      `targets: [{ provider: trata, connection: trata-${side}, mapping: propexo-to-trata }]`,
    ));
  }
  const definitions = await loadDefinitions({ mappingsDir: 'mappings', jobsDir: jobs, connectionsDir: connections });
  expect(definitions.issues).toEqual([]);
  const env = parseEnv({ CONNECTIONS_DIR: connections, PROVIDER_TIMEOUT_MS: '5000' });
  const secrets = { PROPEXO_ACCOUNT_TOKEN: 'propexo-account-token', TRATA_TOKEN_A: 'trata-a-token-value', TRATA_TOKEN_B: 'trata-b-token-value' };
  const configured = await configuredConnections(env, secrets, definitions.connections);
  t = await createTestEngine({ connections: configured, syncs: () => definitions.syncs, settings: { pageSize: 3 } });
  app = await buildApp({ engine: t.engine, redis: t.engine.ctx.redis, tokens: [TOKEN], webhookSecret: SECRET });
  await app.ready();

  // First syncs: each connection lists only its own integration.
  const runs = await Promise.all(['a-to-trata', 'b-to-trata'].map(async (sync) => t.waitForRun(await t.engine.enqueueRun(sync))));
  expect(runs[0]).toMatchObject({ status: 'SUCCESS', counts: { pulled: 4, created: 4 } });
  expect(runs[1]).toMatchObject({ status: 'SUCCESS', counts: { pulled: 3, created: 3 } });
});

afterAll(async () => {
  await app?.close();
  await t?.close();
  await Promise.all([propexo, trata?.a, trata?.b].map((sim) => sim?.close()));
});

beforeEach(() => {
  for (const sim of [propexo, trata.a, trata.b]) sim.calls.reset();
});

const syncQueueJobs = async () => (await t.engine.queues.queue(SYNC_QUEUE).getJobs(['waiting', 'active', 'delayed', 'prioritized', 'completed'])).length;

describe('two Propexo connections of one account, one integration each', () => {
  it('a first sync reads each integration into its own Trata only', () => {
    expect(emails(trata.a)).toEqual(emailsOf(seeded.a));
    expect(emails(trata.b)).toEqual(emailsOf(seeded.b));
    // Nothing was written into Propexo by reading it.
    expect(propexo.store.jobs()).toEqual([]);
  });

  it('a DATA_UPDATE of integration A runs only connection A\'s sync, and only A\'s Trata changes', async () => {
    const { before, after } = change(seeded.a[0]!, { first_name: 'Renamed' });
    const res = await deliver(prospectUpdateWebhook(SECRET, before, after, { integrationId: 'int-a' }));
    expect(res.statusCode).toBe(202);
    const answer = res.json() as { job_ids: string[] };
    expect(answer.job_ids).toHaveLength(1);
    const job = await t.engine.queues.queue(SYNC_QUEUE).getJob(answer.job_ids[0]!);
    expect(job?.data).toMatchObject({ sync: 'a-to-trata', trigger: 'webhook', sourceIds: [after.id] });
    const run = await t.waitForRun(answer.job_ids[0]!);
    expect(run).toMatchObject({ status: 'SUCCESS', counts: { pulled: 1, updated: 1, created: 0 } });
    expect(trata.a.store.all().find((p) => p.email === after.email_1)?.name).toBe('Renamed Renter 1');
    expect(trata.b.calls.count()).toBe(0);
    expect(emails(trata.b)).toEqual(emailsOf(seeded.b));
  });

  it('a DATA_NEW of integration B runs only connection B\'s sync', async () => {
    const [fresh] = propexo.store.seed([person('int-b', 9)]);
    const res = await deliver(prospectNewWebhook(SECRET, fresh!, { integrationId: 'int-b' }));
    expect(res.statusCode).toBe(202);
    const answer = res.json() as { job_ids: string[] };
    expect(answer.job_ids).toHaveLength(1);
    expect(await t.waitForRun(answer.job_ids[0]!)).toMatchObject({ status: 'SUCCESS', counts: { created: 1 } });
    expect(emails(trata.b)).toEqual(emailsOf([...seeded.b, fresh!]));
    expect(trata.a.calls.count()).toBe(0);
    expect(emails(trata.a)).toEqual(emailsOf(seeded.a));
  });

  it('a delivery naming an integration no connection reads is acknowledged with a reason and starts nothing', async () => {
    const jobs = await syncQueueJobs();
    const { before, after } = change(seeded.c[0]!, { first_name: 'Elsewhere' });
    const res = await deliver(prospectUpdateWebhook(SECRET, before, after, { integrationId: 'int-c' }));
    // 2xx: a 4xx would only have Propexo redeliver it every 15 minutes, 10 times.
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ trigger: 'DATA_UPDATE', job_id: null, job_ids: [], ignored: true, reason: 'no Propexo connection reads integration int-c' });
    expect(await syncQueueJobs()).toBe(jobs);
    expect(propexo.calls.count() + trata.a.calls.count() + trata.b.calls.count()).toBe(0);
  });

  it('a delivery naming no integration goes to both syncs, and only the record\'s own connection finds it', async () => {
    const { after } = change(seeded.a[1]!, { first_name: 'Unnamed' });
    // Only the documented envelope's integration fields removed.
    const { integration_id: _, meta, ...rest } = JSON.parse(prospectNewWebhook(SECRET, after).body) as Record<string, unknown> & { meta: Record<string, unknown> };
    const res = await deliver(buildPropexoWebhook(SECRET, { ...rest, meta: { object: meta['object'] } }));
    expect(res.statusCode).toBe(202);
    const answer = res.json() as { job_ids: string[] };
    expect(answer.job_ids).toHaveLength(2);
    const runs = await Promise.all(answer.job_ids.map((id) => t.waitForRun(id)));
    const bySync = Object.fromEntries(runs.map((r) => [r.sync, r.counts]));
    expect(bySync['a-to-trata']).toMatchObject({ pulled: 1, updated: 1 });
    // Connection B asked Propexo for the record and was told it belongs to another integration: nothing to write.
    expect(bySync['b-to-trata']).toMatchObject({ pulled: 0, created: 0, updated: 0 });
    expect(trata.b.calls.count()).toBe(0);
    expect(emails(trata.b).some((e) => e === after.email_1)).toBe(false);
  });

  it('a delivery signed with another secret is refused and starts nothing', async () => {
    const jobs = await syncQueueJobs();
    const res = await deliver(prospectNewWebhook('another-account-secret', seeded.a[2]!, { integrationId: 'int-a' }));
    expect(res.statusCode).toBe(401);
    expect(await syncQueueJobs()).toBe(jobs);
  });

  it('the two connections of one account spend one request budget (Propexo counts its limit per account)', async () => {
    const budgets = await t.engine.ctx.redis.keys(t.engine.ctx.keys.requestBudget('*'));
    const names = budgets.map((key) => key.slice(key.lastIndexOf(':') + 1)).filter((name) => name.startsWith('propexo'));
    expect(names).toEqual(['propexo-a']);
  });

  it('the integration not read stays out of both Trata organisations', () => {
    for (const side of ['a', 'b'] as const) {
      for (const other of seeded.c) expect(emails(trata[side])).not.toContain(other.email_1);
    }
  });
});
