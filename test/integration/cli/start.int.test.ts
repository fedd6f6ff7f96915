import { spawn } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import got from 'got';
import { describe, expect, it } from 'vitest';
import { freePort } from '../../../src/redis/embedded-redis.ts';
import { exitOf, until } from '../../helpers/worker-process.ts';

describe('npm start (crm-bridge start), as a new user runs it', () => {
  it('brings up Redis, the simulators, the workers and the API; every seeded prospect reaches PowerChord; SIGTERM exits 0', { timeout: 120_000 }, async () => {
    const port = await freePort();
    const dataDir = await mkdtemp(join(tmpdir(), 'crm-bridge-start-'));
    // Only what a fresh machine has: no REDIS_URL, no provider tokens, no API_TOKENS.
    const child = spawn(process.execPath, ['src/cli.ts', 'start'], {
      env: { PATH: process.env['PATH'], PORT: String(port), DATA_DIR: dataDir, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      const finished = () =>
        output
          .split('\n')
          .filter((line) => line.includes('"msg":"run finished"') && line.includes('"sync":"trata-to-powerchord"'))
          .map((line) => JSON.parse(line) as { status: string; counts: Record<string, number> });
      await until(() => finished().length > 0, 60_000, 'the first Trata → PowerChord run to finish');
      // 40 seeded prospects, plus any the other shipped syncs (Propexo, Overplane → Trata) wrote in first.
      const [first] = finished();
      expect(first).toMatchObject({ status: 'SUCCESS', counts: expect.objectContaining({ failed: 0, rejected: 0 }) });
      expect(first!.counts['pulled']).toBeGreaterThanOrEqual(40);
      expect(first!.counts['created']).toBe(first!.counts['pulled']);

      // The printed token opens the API.
      const token = /No API_TOKENS set[^\n]*\n\s*\n\s*(\S+)/.exec(output)?.[1];
      expect(token).toBeDefined();
      const syncs = await got(`http://127.0.0.1:${port}/v1/syncs`, { headers: { authorization: `Bearer ${token}` } }).json<{ items?: unknown[] } | unknown[]>();
      expect(JSON.stringify(syncs)).toContain('trata-to-powerchord');
      expect((await got(`http://127.0.0.1:${port}/v1/syncs`, { throwHttpErrors: false })).statusCode).toBe(401);
      // Secrets stay out of the log: the generated token is printed once, not logged.
      expect(output.split('\n').filter((line) => line.startsWith('{') && line.includes(token!))).toEqual([]);
    } finally {
      child.kill('SIGTERM');
      const { code } = await exitOf(child);
      expect(code).toBe(0);
    }
  });
});
