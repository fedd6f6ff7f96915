import { inject } from 'vitest';
import { dataConnection, type RedisClient } from '../../src/redis/connection.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The test Redis is a Redis Cluster (the cluster project): connect to it as a cluster client. */
    redisCluster: boolean;
  }
}

/** Whether this project's Redis runs in cluster mode (test/cluster/global-setup.ts provides it). */
export function testCluster(): boolean {
  return inject('redisCluster') === true;
}

/** A data connection to the test Redis, a cluster client when the project runs on a cluster. */
export function testRedis(): RedisClient {
  return dataConnection(inject('redisUrl'), {}, undefined, testCluster());
}
