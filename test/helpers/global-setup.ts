import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { startEmbeddedRedis } from '../../src/redis/embedded-redis.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    redisUrl: string;
  }
}

/**
 * One real redis-server for the integration project (REDIS_URL wins when set). Each test file isolates itself
 * with its own queue prefix and key namespace, so files can share it.
 */
export default async function setup(project: TestProject) {
  if (process.env['REDIS_URL']) {
    project.provide('redisUrl', process.env['REDIS_URL']);
    return;
  }
  // Its own directory per run: two runs side by side (a developer's and CI's, or two helpers') must not share an AOF.
  const dataDir = `.data/test-redis-${process.pid}`;
  const redis = await startEmbeddedRedis({ dataDir, fresh: true });
  project.provide('redisUrl', redis.url);
  return async () => {
    await redis.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
