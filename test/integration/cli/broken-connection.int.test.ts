import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { freePort } from '../../../src/redis/embedded-redis.ts';
import { exitOf } from '../../helpers/worker-process.ts';

const SECRET = 's3cret-powerchord-token';

/** Runs the CLI to its end; a process that refuses to start must end by itself. */
async function run(command: string, env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['src/cli.ts', command], { env: { PATH: process.env['PATH'], LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const { code } = await exitOf(child);
  clearTimeout(timer);
  return { code, output };
}

// A PowerChord token without the trunk id it needs: before, every push job failed on it (a ZodError) and was retried.
const broken = { TRATA_TOKEN: 'trata-token', POWERCHORD_TOKEN: SECRET, POWERCHORD_ORGANIZATION_ID: 'org-1' };

describe('a broken connection stops the process at start', () => {
  it('crm-bridge worker exits 1 naming POWERCHORD_TRUNK_ID, without echoing the token', async () => {
    const { code, output } = await run('worker', { ...broken, REDIS_URL: inject('redisUrl'), QUEUE_PREFIX: '{cbt-broken}' });
    expect(code).toBe(1);
    expect(output).toContain('POWERCHORD_TRUNK_ID');
    expect(output).not.toContain(SECRET);
    expect(output).not.toContain('workers started');
  });

  it('npm start (crm-bridge start) exits 1 the same way, before it starts Redis or the simulators', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'cb-broken-'));
    try {
      const { code, output } = await run('start', { ...broken, PORT: String(await freePort()), DATA_DIR: dataDir });
      expect(code).toBe(1);
      expect(output).toContain('POWERCHORD_TRUNK_ID');
      expect(output).not.toContain(SECRET);
      expect(output).not.toMatch(/private redis-server|simulator listening/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
