import { setTimeout as sleep } from 'node:timers/promises';
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmbeddedCluster, type EmbeddedCluster } from '../../../src/redis/embedded-cluster.ts';
import { workerConnection } from '../../../src/redis/connection.ts';

let cluster: EmbeddedCluster;
beforeAll(async () => {
  cluster = await startEmbeddedCluster({ dataDir: `.data/test-cluster-reconnect-${process.pid}` });
});
afterAll(() => cluster?.stop());

/**
 * BullMQ recovers a worker's blocking connection by disconnecting it and awaiting `connect()` again. If the cluster
 * says `cluster_state:fail` at that moment (a master was away longer than the node timeout, and has just come back),
 * ioredis's ready check fails, it reconnects on its own under a new connection, and the promise of that `connect()`
 * is never settled: the worker waited on it for good (chaos on the cluster: a queue whose node had been killed was
 * never served again, and its runs never ended). Our cluster clients skip that ready check.
 */
describe('a cluster client reconnected while the cluster reports fail', () => {
  it('settles connect() once the cluster is back', { timeout: 40_000 }, async () => {
    const redis = workerConnection(cluster.urls[0]!, {}, undefined, true) as Cluster;
    redis.on('error', () => {});
    try {
      await redis.set('{t}:k', '1');
      await cluster.killNode(2);
      // Past cluster-node-timeout (2 s): the others mark it failed, cluster_state:fail.
      await sleep(4_000);
      redis.disconnect();
      await sleep(200);
      const connected = redis.connect().then(
        () => 'connected',
        (error: Error) => `rejected: ${error.message}`,
      );
      await cluster.restartNode(2);
      const outcome = await Promise.race([connected, sleep(15_000).then(() => 'never settled')]);
      expect(outcome).toBe('connected');
      expect(await redis.get('{t}:k')).toBe('1');
    } finally {
      redis.disconnect();
    }
  });
});
