import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { loadDefinitions } from '../../src/bootstrap/definitions.ts';
import { freePort } from '../../src/redis/embedded-redis.ts';
import { exitOf, until } from '../helpers/worker-process.ts';

/**
 * `npm start` (`crm-bridge start`) with REDIS_URL naming a node of the 3-master cluster (the global setup's: one
 * that does not own the slot of the old single hash tag): a client that is not a cluster client dies at once with
 * MOVED. Every shipped sync's first run must end SUCCESS. The prefix is the test's own, so a cluster that outlives
 * the test (REDIS_CLUSTER_URL) holds no earlier run's cursors and links for fresh simulators to contradict.
 */
describe('npm start on a Redis Cluster', () => {
  it('runs every shipped sync to SUCCESS against a node that does not own {crm-bridge}; SIGTERM exits 0', { timeout: 60_000 }, async () => {
    const { syncs } = await loadDefinitions({ mappingsDir: 'mappings', jobsDir: 'jobs' });
    const dataDir = await mkdtemp(join(tmpdir(), 'crm-bridge-cluster-start-'));
    const child = spawn(process.execPath, ['src/cli.ts', 'start'], {
      env: { PATH: process.env['PATH'], REDIS_URL: inject('redisUrl'), QUEUE_PREFIX: `{cbt-start-${randomUUID().slice(0, 8)}}`, PORT: String(await freePort()), DATA_DIR: dataDir, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const finished = () =>
      new Map(
        output
          .split('\n')
          .filter((line) => line.includes('"msg":"run finished"'))
          .map((line) => JSON.parse(line) as { sync: string; status: string })
          .map((run) => [run.sync, run.status]),
      );
    try {
      await until(() => finished().size >= syncs.size || child.exitCode !== null, 45_000, `a finished run of each of the ${syncs.size} shipped syncs`);
      expect(output).not.toContain('MOVED');
      expect(Object.fromEntries(finished())).toEqual(Object.fromEntries([...syncs.keys()].map((name) => [name, 'SUCCESS'])));
    } finally {
      child.kill('SIGTERM');
      const { code } = await exitOf(child);
      await rm(dataDir, { recursive: true, force: true });
      expect(code).toBe(0);
    }
  });
});
