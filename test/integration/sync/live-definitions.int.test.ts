/**
 * Live definitions (issue #14): a running worker (the real runtime, with its API) over a copy of jobs/ and
 * mappings/. A mapping edited to reject a status is used by the next run, with no restart; an invalid edit keeps
 * the rule in use and is reported (log, /v1/syncs, the reload route); once fixed, the rejected record is retried
 * alone, arrives at PowerChord, and its error shows resolved.
 */
import { randomUUID } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { startRuntime, type Runtime } from '../../../src/bootstrap/runtime.ts';
import { parseEnv } from '../../../src/config/env.ts';
import { createLogger } from '../../../src/logger.ts';
import { startPowerChordSimulator, type PowerChordSimulator } from '../../../src/simulators/powerchord/server.ts';
import { startTrataSimulator, type TrataSimulator } from '../../../src/simulators/trata/server.ts';
import { simulatorEnv, until } from '../../helpers/worker-process.ts';

const SYNC = 'trata-to-powerchord';
const TOKEN = `live-definitions-${randomUUID()}`;
const ORIGINAL = readFileSync('mappings/trata-to-powerchord.yaml', 'utf8');
const REJECTING = ORIGINAL.replace(/^\s+NOT_INTERESTED: closedNotInterested\n/m, '');
const INVALID = ORIGINAL.replace('NOT_INTERESTED: closedNotInterested', 'NOT_INTERESTED: closedNotInterestd');

let dir: string;
let mappingFile: string;
let trata: TrataSimulator;
let powerchord: PowerChordSimulator;
let runtime: Runtime;
let api: string;
const logLines: string[] = [];

beforeAll(async () => {
  expect(REJECTING).not.toBe(ORIGINAL);
  expect(INVALID).not.toBe(ORIGINAL);
  dir = mkdtempSync(path.join(tmpdir(), 'cb-live-'));
  for (const sub of ['jobs', 'mappings', 'connections']) mkdirSync(path.join(dir, sub));
  copyFileSync(`jobs/${SYNC}.yaml`, path.join(dir, 'jobs', `${SYNC}.yaml`));
  for (const file of readdirSync('mappings').filter((f) => f.endsWith('.yaml'))) copyFileSync(path.join('mappings', file), path.join(dir, 'mappings', file));
  mappingFile = path.join(dir, 'mappings', `${SYNC}.yaml`);
  [trata, powerchord] = await Promise.all([startTrataSimulator(), startPowerChordSimulator()]);
  const env = parseEnv({
    REDIS_URL: inject('redisUrl'),
    API_TOKENS: TOKEN,
    PORT: '0',
    LOG_LEVEL: 'info',
    JOBS_DIR: path.join(dir, 'jobs'),
    MAPPINGS_DIR: path.join(dir, 'mappings'),
    CONNECTIONS_DIR: path.join(dir, 'connections'),
    QUEUE_PREFIX: `{cbt-live-${randomUUID().slice(0, 8)}}`,
    PULL_LOOKBACK_MS: '0',
    SHUTDOWN_TIMEOUT_S: '2',
    ...simulatorEnv({ trata, powerchord }),
  });
  const logger = createLogger('info', new Writable({ write: (chunk: Buffer, _e, done) => (logLines.push(chunk.toString()), done()) }));
  runtime = await startRuntime({ env, sandbox: false, workers: true, schedule: false, runNow: false, api: { generateToken: false }, logger });
  api = runtime.api?.url ?? '';
});

afterAll(async () => {
  await runtime?.shutdown();
  await Promise.all([trata?.close(), powerchord?.close()]);
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function call(method: string, url: string): Promise<{ status: number; body: any }> {
  const res = await fetch(`${api}${url}`, { method, headers: { authorization: `Bearer ${TOKEN}` } });
  return { status: res.status, body: await res.json() };
}

const syncs = async () => (await call('GET', '/v1/syncs')).body as { syncs: Array<{ name: string }>; definitions: { hash: string; loaded_at: string; issues: Array<{ file: string; line: number | null; path: string; message: string }> } };

async function finished(jobId: string): Promise<any> {
  let job: any;
  await until(async () => (job = (await call('GET', `/v1/jobs/${jobId}`)).body).status !== 'PENDING' && job.status !== undefined, 10_000, `run ${jobId} to finish`);
  return job;
}

async function run(): Promise<any> {
  const started = await call('POST', `/v1/syncs/${SYNC}/runs`);
  expect(started.status).toBe(202);
  return finished(started.body.job_id);
}

describe('a mapping edited under a running worker', () => {
  it('is used by the next run without a restart; an invalid edit keeps it and is reported; a rejected record retried after the fix is resolved', async () => {
    trata.store.seed(2);
    const initial = await syncs();
    expect(initial.definitions).toMatchObject({ hash: expect.stringMatching(/^[0-9a-f]{16}$/), issues: [] });
    const first = await run();
    expect(first).toMatchObject({ status: 'SUCCESS', counts: expect.objectContaining({ created: 2, rejected: 0 }) });

    // The edit: NOT_INTERESTED is no longer mapped, and the status map rejects what it does not know. The file
    // watch picks it up; the next run rejects a NOT_INTERESTED prospect under the new rule.
    writeFileSync(mappingFile, REJECTING);
    await until(async () => (await syncs()).definitions.hash !== initial.definitions.hash, 5_000, 'the edit to be loaded');
    const rejectingHash = (await syncs()).definitions.hash;
    const bad = trata.store.create({ status: 'NOT_INTERESTED', name: 'Nora Notinterested', email: 'nora@example.com' });
    const second = await run();
    expect(second).toMatchObject({ status: 'PARTIAL_SUCCESS', counts: expect.objectContaining({ rejected: 1 }) });
    expect(second.errors.items).toEqual([expect.objectContaining({ sourceId: bad.id, target: 'powerchord', code: 'REJECTED', path: 'Status', resolved: false, resolvedAt: null })]);
    expect(second.errors.items[0].reason).toContain('NOT_INTERESTED');
    expect(powerchord.store.byExternalId(bad.id)).toEqual([]);

    // An invalid edit: reported where an operator looks, and the rule in use stays (still rejecting).
    writeFileSync(mappingFile, INVALID);
    await until(async () => (await syncs()).definitions.issues.length > 0, 5_000, 'the invalid edit to be reported');
    const reported = await syncs();
    expect(reported.definitions.hash).toBe(rejectingHash);
    expect(reported.definitions.issues).toEqual([
      { file: mappingFile, line: 23, path: 'fields.Status.statusMap.table.NOT_INTERESTED', message: expect.stringContaining('"closedNotInterestd" is not a powerchord Status value') },
      expect.objectContaining({ file: path.join(dir, 'jobs', `${SYNC}.yaml`), path: 'targets[0].mapping' }),
    ]);
    expect(reported.syncs.map((s) => s.name)).toEqual([SYNC]);
    const reload = await call('POST', '/v1/definitions/reload');
    expect(reload).toMatchObject({ status: 422, body: { error: 'DEFINITIONS_INVALID', definitions: { hash: rejectingHash } } });
    expect(reload.body.issues[0]).toEqual({ field: `${mappingFile}:23`, message: expect.stringContaining('closedNotInterestd') });
    expect(logLines.some((l) => l.includes('definitions not reloaded') && l.includes('closedNotInterestd'))).toBe(true);
    const kept = await finished((await call('POST', `/v1/syncs/${SYNC}/errors/${bad.id}/retry`)).body.job_id);
    expect(kept.counts).toMatchObject({ pulled: 1, rejected: 1 });

    // Fixed: the reload route answers what changed, and the rejected record retried alone arrives, as mapped now.
    writeFileSync(mappingFile, ORIGINAL);
    const fixed = await call('POST', '/v1/definitions/reload');
    expect(fixed.status).toBe(200);
    // The watch may have loaded it first: then the route has nothing left to change.
    expect(['reloaded', 'unchanged']).toContain(fixed.body.status);
    if (fixed.body.status === 'reloaded') expect(fixed.body).toMatchObject({ changed: [SYNC], added: [], removed: [], previous_hash: rejectingHash });
    expect(fixed.body.definitions).toMatchObject({ hash: initial.definitions.hash, issues: [] });
    const retry = await call('POST', `/v1/syncs/${SYNC}/errors/${bad.id}/retry`);
    expect(retry.status).toBe(202);
    const retried = await finished(retry.body.job_id);
    expect(retried).toMatchObject({ status: 'SUCCESS', counts: expect.objectContaining({ pulled: 1, created: 1, rejected: 0 }) });
    expect(powerchord.store.byExternalId(bad.id)).toEqual([expect.objectContaining({ Status: 'closedNotInterested', Content: expect.objectContaining({ name: 'Nora Notinterested', email: 'nora@example.com' }) })]);

    // Its error, in the run that rejected it, is marked resolved; the sync's failed records no longer list it.
    const history = (await call('GET', `/v1/jobs/${second.job_id}`)).body;
    expect(history.errors.items).toEqual([expect.objectContaining({ sourceId: bad.id, resolved: true, resolvedAt: expect.any(String) })]);
    expect(Date.parse(history.errors.items[0].resolvedAt)).toBeGreaterThanOrEqual(Date.parse(second.finished_at));
    expect((await call('GET', `/v1/syncs/${SYNC}/errors`)).body.items).toEqual([]);
  });

  it('a new job file is reachable at once', async () => {
    writeFileSync(path.join(dir, 'jobs', 'trata-to-powerchord-copy.yaml'), readFileSync(`jobs/${SYNC}.yaml`, 'utf8').replace(`name: ${SYNC}`, 'name: trata-to-powerchord-copy'));
    const reload = await call('POST', '/v1/definitions/reload');
    expect(reload.status).toBe(200);
    await until(async () => (await syncs()).syncs.some((s) => s.name === 'trata-to-powerchord-copy'), 5_000, 'the new job to be listed');
    const started = await call('POST', '/v1/syncs/trata-to-powerchord-copy/runs');
    expect(started.status).toBe(202);
    expect(await finished(started.body.job_id)).toMatchObject({ status: 'SUCCESS' });
  });
});
