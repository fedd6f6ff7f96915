import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { describe, expect, inject, it } from 'vitest';
import { getProvider } from '../../../src/providers/registry.ts';
import { exitOf, simulatorEnv, until } from '../../helpers/worker-process.ts';

describe('crm-bridge worker at start', () => {
  it('logs the connection check, one line per connection, warns for a refused one and starts anyway', { timeout: 30_000 }, async () => {
    const trata = await getProvider('trata').sandbox.start({ port: 0, records: 1 });
    const propexo = await getProvider('propexo').sandbox.start({ port: 0, records: 1 });
    // No job files: the worker runs no sync, so its log is the start-up and the check.
    const jobsDir = await mkdtemp(join(tmpdir(), 'cb-jobs-'));
    const env: Record<string, string> = { ...simulatorEnv({ trata, propexo }), PROPEXO_TOKEN: 'wrong-token-4b1d7e' };
    const child = spawn(process.execPath, ['src/cli.ts', 'worker'], {
      env: { PATH: process.env['PATH'], REDIS_URL: inject('redisUrl'), QUEUE_PREFIX: `{cbtest-${randomUUID()}}`, LOG_LEVEL: 'info', LOG_FORMAT: 'json', JOBS_DIR: jobsDir, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const checks = () => output.split('\n').filter((l) => l.includes('"connection check: ')).map((l) => JSON.parse(l) as Record<string, unknown>);
      await until(() => checks().length >= 2, 20_000, `two connection check lines in:\n${output}`);
      const byName = Object.fromEntries(checks().map((line) => [line['connection'], line]));
      expect(byName['trata']).toMatchObject({ level: 30, status: 'ok' });
      expect(byName['propexo']).toMatchObject({ level: 40, status: 'auth_refused', setting: 'PROPEXO_TOKEN' });
      expect(byName['propexo']?.['msg']).toMatch(/^connection check: propexo auth refused: .*\(check PROPEXO_TOKEN\)$/);
      expect(output).toContain('workers started');
      // Never a credential, the wrong one included.
      for (const secret of [env['PROPEXO_TOKEN']!, env['TRATA_TOKEN']!]) expect(output).not.toContain(secret);
      child.kill('SIGTERM');
      expect((await exitOf(child)).code).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await Promise.all([trata.close(), propexo.close(), rm(jobsDir, { recursive: true, force: true })]);
    }
  });
});
