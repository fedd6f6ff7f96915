/**
 * The secrets canary (issue #12, item 8): every secret gets a unique canary value; a sync runs against a target
 * that echoes the request's headers (our `Authorization` among them) into its error answers, once as a refused
 * record (400) and once as a refused credential (401); a worker process is started with a wrong Redis password.
 * Then the logs, every Redis key and value, every API answer and the dashboard's job views are searched: no
 * canary may show up anywhere. The runtime is the real one (`startRuntime`), so the secrets are registered as in
 * production. Two more connections are defined in `connections/*.yaml` (issue #15), their tokens read from an
 * environment variable and from a secrets file, and a sync between them runs against the same echoing target.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRuntime, type Runtime } from '../../src/bootstrap/runtime.ts';
import { parseEnv } from '../../src/config/env.ts';
import { createLogger } from '../../src/logger.ts';
import { startEmbeddedRedis, type EmbeddedRedis } from '../../src/redis/embedded-redis.ts';
import { startTrataSimulator, type TrataSimulator } from '../../src/simulators/trata/server.ts';

const CANARY = {
  apiToken: 'canary-api-token-0a1b2c3d4e5f60718293a4b5c6d7e8f9',
  trataToken: 'canary-trata-token-5e6f7a8b9c',
  overplaneToken: 'canary-overplane-token-1d2e3f4a5b',
  webhookSecret: 'canary-webhook-secret-6c7d8e9f0a',
  redisPassword: 'canaryredispassword3b4c5d6e7f',
  wrongRedisPassword: 'canarywrongredispassword8a9b0c',
  /** Of the file-defined connections: from an environment variable, and from a secrets file. */
  acmeOverplaneToken: 'canary-acme-overplane-token-2b3c4d5e6f',
  acmeTrataToken: 'canary-acme-trata-token-9a8b7c6d5e',
} as const;

let redisServer: EmbeddedRedis;
let trata: TrataSimulator;
let acmeTrata: TrataSimulator;
let echo: http.Server;
let echoStatus = 400;
const echoedAuthorizations: string[] = [];
let runtime: Runtime;
let dataDir: string;
const logLines: string[] = [];
const answers: string[] = [];
let apiUrl = '';

/** Overplane as a careless provider: every answer is an error that quotes the request's headers back. */
function startEcho(): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      echoedAuthorizations.push(String(req.headers.authorization ?? ''));
      const echoed = JSON.stringify(req.headers);
      res.writeHead(echoStatus, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { type: 'invalid_request', message: `rejected request with headers ${echoed}`, param: 'company', request: { headers: req.headers } } }));
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function api(method: string, url: string, body?: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${apiUrl}${url}`, {
    signal: AbortSignal.timeout(10_000),
    method,
    headers: { authorization: `Bearer ${CANARY.apiToken}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.text();
  if (process.env['CANARY_DEBUG']) process.stderr.write(`${method} ${url} -> ${res.status} ${text.slice(0, 300)}\n`);
  answers.push(text);
  return { status: res.status, json: text ? JSON.parse(text) : null };
}

async function runToEnd(full: boolean, sync = 'trata-to-overplane'): Promise<any> {
  const started = await api('POST', `/v1/syncs/${sync}/runs`, { full });
  expect(started.status).toBe(202);
  const deadline = Date.now() + 30_000;
  for (;;) {
    const job = await api('GET', `/v1/jobs/${started.json.job_id}?limit=100`);
    if (job.json.status !== 'PENDING') return job.json;
    if (Date.now() > deadline) throw new Error(`run still pending: ${JSON.stringify(job.json)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Every key and every value in the test's Redis, as text. */
async function dumpRedis(url: string): Promise<string> {
  const redis = new Redis(url);
  const parts: string[] = [];
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'COUNT', 500);
      cursor = next;
      for (const key of keys) {
        parts.push(key);
        const type = await redis.type(key);
        if (type === 'string') parts.push(String(await redis.get(key)));
        else if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
        else if (type === 'list') parts.push(JSON.stringify(await redis.lrange(key, 0, -1)));
        else if (type === 'set') parts.push(JSON.stringify(await redis.smembers(key)));
        else if (type === 'zset') parts.push(JSON.stringify(await redis.zrange(key, '0', '-1')));
        else if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
      }
    } while (cursor !== '0');
  } finally {
    redis.disconnect();
  }
  return parts.join('\n');
}

/**
 * A worker process whose REDIS_URL has the wrong password: what it prints until it says why Redis refused it (at
 * most 20 s: a loaded 2-core machine has taken more than 4 s to start a Node process and print).
 */
async function workerWithWrongRedisPassword(): Promise<string> {
  const child = spawn(process.execPath, ['src/cli.ts', 'worker'], {
    env: { ...process.env, REDIS_URL: `redis://:${CANARY.wrongRedisPassword}@127.0.0.1:${redisServer.port}`, LOG_LEVEL: 'debug', API_TOKENS: '', TRATA_TOKEN: '', OVERPLANE_TOKEN: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr.on('data', (c: Buffer) => (output += c.toString()));
  const deadline = Date.now() + 20_000;
  while (!/WRONGPASS|NOAUTH/.test(output) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  // A little longer: the lines after the first refusal are searched for the canary too.
  await new Promise((r) => setTimeout(r, 500));
  child.kill('SIGKILL');
  await once(child, 'exit');
  return output;
}

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'cb-canary-'));
  redisServer = await startEmbeddedRedis({ dataDir, fresh: true, password: CANARY.redisPassword });
  trata = await startTrataSimulator({ token: CANARY.trataToken });
  trata.store.seed(6);
  acmeTrata = await startTrataSimulator({ token: CANARY.acmeTrataToken });
  acmeTrata.store.seed(3);
  echo = await startEcho();
  const echoUrl = `http://127.0.0.1:${(echo.address() as AddressInfo).port}/api/crm`;
  // Two named connections and a sync between them; the shipped trata-to-overplane job beside it.
  const [connectionsDir, jobsDir] = [path.join(dataDir, 'connections'), path.join(dataDir, 'jobs')];
  mkdirSync(connectionsDir);
  mkdirSync(jobsDir);
  writeFileSync(path.join(dataDir, 'acme-trata-token'), `${CANARY.acmeTrataToken}\n`);
  writeFileSync(path.join(connectionsDir, 'trata-acme.yaml'), `name: trata-acme\nprovider: trata\nhosts: { baseUrl: ${acmeTrata.url} }\ncredentials: { token: { file: ${path.join(dataDir, 'acme-trata-token')} } }\n`);
  writeFileSync(path.join(connectionsDir, 'overplane-acme.yaml'), `name: overplane-acme\nprovider: overplane\nhosts: { baseUrl: ${echoUrl} }\ncredentials: { token: { env: ACME_OVERPLANE_TOKEN } }\n`);
  copyFileSync('jobs/trata-to-overplane.yaml', path.join(jobsDir, 'trata-to-overplane.yaml'));
  writeFileSync(path.join(jobsDir, 'acme-trata-to-overplane.yaml'), 'name: acme-trata-to-overplane\nsource: { provider: trata, connection: trata-acme }\ntargets: [{ provider: overplane, connection: overplane-acme, mapping: trata-to-overplane }]\n');
  const env = parseEnv({
    REDIS_URL: redisServer.url,
    API_TOKENS: CANARY.apiToken,
    PORT: '0',
    LOG_LEVEL: 'debug',
    TRATA_TOKEN: CANARY.trataToken,
    TRATA_BASE_URL: trata.url,
    OVERPLANE_TOKEN: CANARY.overplaneToken,
    OVERPLANE_BASE_URL: echoUrl,
    CONNECTIONS_DIR: connectionsDir,
    JOBS_DIR: jobsDir,
    PROPEXO_WEBHOOK_SECRET: CANARY.webhookSecret,
    QUEUE_PREFIX: '{canary}',
    SHUTDOWN_TIMEOUT_S: '2',
  });
  const logger = createLogger('debug', new Writable({ write: (chunk: Buffer, _e, done) => (logLines.push(chunk.toString()), done()) }));
  runtime = await startRuntime({ env, sandbox: false, workers: true, schedule: false, runNow: false, api: { generateToken: false }, logger, variables: { ACME_OVERPLANE_TOKEN: CANARY.acmeOverplaneToken } });
  apiUrl = runtime.api?.url ?? '';
}, 60_000);

afterAll(async () => {
  await runtime?.shutdown();
  await trata?.close();
  await acmeTrata?.close();
  await new Promise((r) => echo?.close(r));
  await redisServer?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('secrets canary', () => {
  it('finds no canary in the logs, Redis, the API answers or the dashboard after a provider echoed our credentials', async () => {
    // 400: each record refused, the echo kept as its error. 401: the credential refused, the jobs fail.
    const refused = await runToEnd(true);
    const acmeRefused = await runToEnd(true, 'acme-trata-to-overplane');
    echoStatus = 401;
    const unauthorised = await runToEnd(true);
    const acmeUnauthorised = await runToEnd(true, 'acme-trata-to-overplane');
    expect(echoedAuthorizations.length).toBeGreaterThan(0);
    // Each connection sent its own credential, and only its own.
    expect(new Set(echoedAuthorizations)).toEqual(new Set([`Bearer ${CANARY.overplaneToken}`, `Bearer ${CANARY.acmeOverplaneToken}`]));
    for (const run of [refused, acmeRefused]) {
      expect(run.errors.total).toBeGreaterThan(0);
      expect(run.status).not.toBe('SUCCESS');
    }
    expect(acmeRefused.counts.pulled).toBe(3);
    expect(unauthorised.status).not.toBe('SUCCESS');
    expect(acmeUnauthorised.status).not.toBe('SUCCESS');
    expect(JSON.stringify(acmeRefused.errors.items)).toContain('[redacted]');
    // The echo reached the stored errors, and was scrubbed there.
    expect(JSON.stringify(refused.errors.items)).toContain('[redacted]');

    await api('GET', '/v1/syncs');
    await api('GET', '/v1/connections');
    await api('GET', '/v1/connections?check=true');
    await api('GET', '/v1/connections/overplane-acme/check');
    await api('GET', '/v1/syncs/acme-trata-to-overplane/errors?limit=500');
    await api('GET', '/v1/syncs/trata-to-overplane/runs');
    await api('GET', '/v1/syncs/trata-to-overplane/errors?limit=500');
    // The dashboard's job views: every queue's lists, and each job on its own.
    const board = await api('GET', '/admin/queues/api/queues?activeQueue=push-overplane&status=failed&page=1');
    expect(board.status).toBe(200);
    const queues = (board.json.queues as Array<{ name: string }>).map((q) => q.name).filter((name) => name === 'sync' || name.includes('overplane'));
    expect(queues).toContain('push-overplane');
    for (const queue of queues) {
      for (const status of ['failed', 'completed', 'delayed', 'waiting', 'latest']) {
        const page = await api('GET', `/admin/queues/api/queues?activeQueue=${queue}&status=${status}&page=1&jobsPerPage=50`);
        const jobs = (page.json.queues as Array<{ name: string; jobs: Array<{ id: string }> }>).find((q) => q.name === queue)?.jobs ?? [];
        for (const job of jobs) await api('GET', `/admin/queues/api/queues/${queue}/${encodeURIComponent(job.id)}`);
      }
    }

    const workerOutput = await workerWithWrongRedisPassword();
    expect(workerOutput).toMatch(/WRONGPASS|NOAUTH|auth/i);

    const haystacks = {
      logs: logLines.join('') + workerOutput,
      redis: await dumpRedis(redisServer.url),
      answers: answers.join('\n'),
    };
    const hits = Object.entries(haystacks).flatMap(([where, text]) =>
      Object.entries(CANARY).flatMap(([name, value]) => {
        const count = text.split(value).length - 1;
        return count > 0 ? [`${name} in ${where}: ${count}`] : [];
      }),
    );
    expect(hits).toEqual([]);
    // The search looked at real material: the echo shows up, redacted, in each place.
    expect(haystacks.logs).toContain('[redacted]');
    expect(haystacks.redis).toContain('[redacted]');
  }, 90_000);
});
