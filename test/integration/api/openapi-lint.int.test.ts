import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, startHarness, type Harness } from './harness.ts';

let h: Harness;
let doc: { paths: Record<string, Record<string, { operationId?: string; responses?: Record<string, unknown> }>> };
let dir: string;
beforeAll(async () => {
  h = await startHarness({});
  const res = await h.app.inject({ method: 'GET', url: '/openapi.json', headers: auth() });
  expect(res.statusCode).toBe(200);
  doc = res.json();
  dir = mkdtempSync(path.join(tmpdir(), 'cb-openapi-'));
});
afterAll(async () => {
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const operations = () => Object.entries(doc.paths).flatMap(([p, methods]) => Object.entries(methods).map(([method, op]) => ({ key: `${method.toUpperCase()} ${p}`, op })));

describe('/openapi.json for client generators', () => {
  it('gives every operation a unique, stable operationId', () => {
    const ids = operations().map(({ key, op }) => [key, op.operationId]);
    expect(ids.filter(([, id]) => id === undefined).map(([key]) => key)).toEqual([]);
    expect(new Set(ids.map(([, id]) => id)).size).toBe(ids.length);
    expect(Object.fromEntries(ids)).toMatchObject({ 'POST /v1/syncs/{name}/runs': 'startRun', 'GET /v1/jobs/{job_id}': 'getJob' });
  });

  it('declares the 4xx answers of every operation but /healthz and /metrics (why: redocly.yaml)', () => {
    const without = operations().filter(({ op }) => !Object.keys(op.responses ?? {}).some((code) => code.startsWith('4'))).map(({ key }) => key);
    expect(without.sort()).toEqual(['GET /healthz', 'GET /metrics']);
  });

  it('passes Redocly\'s recommended lint with no error and no warning', () => {
    const file = path.join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    const lint = spawnSync(process.execPath, ['node_modules/@redocly/cli/bin/cli.js', 'lint', '--config', 'redocly.yaml', '--format', 'json', file], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' } });
    const report = JSON.parse(lint.stdout) as { totals: { errors: number; warnings: number }; problems: Array<{ ruleId: string; message: string; location: Array<{ pointer: string }> }> };
    expect(report.problems.map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`)).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
    expect(lint.status).toBe(0);
  });
});
