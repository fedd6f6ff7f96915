import type { TestProject } from 'vitest/node';
import { startEmbeddedCluster } from '../../src/redis/embedded-cluster.ts';
import '../helpers/test-redis.ts';

/**
 * The cluster project's Redis: a 3-master Redis Cluster on loopback (REDIS_CLUSTER_URL wins when set). Tests get
 * the URL of a node that does not serve the slot the old single hash tag (`{crm-bridge}`) hashed to, so a client
 * that is not a cluster client fails at once (MOVED) instead of passing by luck.
 */
export default async function setup(project: TestProject) {
  project.provide('redisCluster', true);
  if (process.env['REDIS_CLUSTER_URL']) {
    project.provide('redisUrl', process.env['REDIS_CLUSTER_URL']);
    return;
  }
  const cluster = await startEmbeddedCluster({ dataDir: `.data/test-cluster-${process.pid}` });
  project.provide('redisUrl', await cluster.urlNotServing('{crm-bridge}'));
  return () => cluster.stop();
}
