import { describe, expect, it } from 'vitest';
import { isConnectionError } from '../../../src/redis/connection.ts';

/**
 * What a job meets when one node of a Redis Cluster is down (seen in `npm run chaos -- --cluster`): these are an
 * outage of our own store, so the job is parked, not charged an attempt meant for a provider (src/queues/factory.ts).
 */
describe('a cluster node outage is a connection error', () => {
  it.each([
    'Too many Cluster redirections. Last error: ReplyError: CLUSTERDOWN The cluster is down',
    'Too many Cluster redirections. Last error: ReplyError: MOVED 12918 127.0.0.1:20424',
    'Too many Cluster redirections. Last error: Error: Connection is closed.',
    'CLUSTERDOWN The cluster is down',
    'Failed to refresh slots cache.',
    'None of startup nodes is available',
  ])('%s', (message) => {
    expect(isConnectionError(new Error(message))).toBe(true);
  });

  it('an answer a command got is not', () => {
    expect(isConnectionError(new Error('WRONGTYPE Operation against a key holding the wrong kind of value'))).toBe(false);
    expect(isConnectionError(new Error('ERR Error running script (call to f_x): user_script:3: bad argument'))).toBe(false);
  });
});
