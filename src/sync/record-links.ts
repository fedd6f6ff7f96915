import type { Redis } from 'ioredis';
import type { SyncKeys } from './keys.ts';

/**
 * The per-record writes of a push, each as one script call: one round trip and one socket write instead of a
 * MULTI's one-write-per-command (the MULTIs were ~9 % of a worker's CPU in the benchmark's profile).
 */

// KEYS: crosswalk, reverse crosswalk, echo, sent, intents, failed, run. ARGV: sourceId, targetId, fingerprint, counter.
const MARK_SENT = `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[3], ARGV[2], ARGV[3])
redis.call('HSET', KEYS[4], ARGV[1], ARGV[3])
redis.call('HDEL', KEYS[5], ARGV[1])
redis.call('HDEL', KEYS[6], ARGV[1])
if ARGV[4] ~= '' then redis.call('HINCRBY', KEYS[7], ARGV[4], 1) end
return 1
`;

// KEYS: crosswalk, intents. ARGV: sourceId, targetId.
const LINK_CREATED = `
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('HDEL', KEYS[2], ARGV[1])
return 1
`;

type LinkRedis = Redis & {
  cbMarkSent(...args: string[]): Promise<number>;
  cbLinkCreated(...args: string[]): Promise<number>;
};

export interface PushScope {
  sync: string;
  targetKey: string;
  sourceConnection: string;
  targetConnection: string;
}

export class RecordLinks {
  readonly #redis: LinkRedis;
  readonly #keys: SyncKeys;

  constructor(redis: Redis, keys: SyncKeys) {
    if (!('cbMarkSent' in redis)) {
      redis.defineCommand('cbMarkSent', { numberOfKeys: 7, lua: MARK_SENT });
      redis.defineCommand('cbLinkCreated', { numberOfKeys: 2, lua: LINK_CREATED });
    }
    this.#redis = redis as LinkRedis;
    this.#keys = keys;
  }

  /**
   * The target holds `fingerprint` for this record now: link it both ways (a sync in the other direction then
   * updates this record instead of creating another), remember what was written (diff and echo), clear the
   * create intent and any retry mark, and count the write in the run.
   */
  async markSent(scope: PushScope, runId: string, sourceId: string, targetId: string, fingerprint: string, counter: 'created' | 'updated' | null): Promise<void> {
    const k = this.#keys;
    await this.#redis.cbMarkSent(
      k.crosswalk(scope.sourceConnection, scope.targetConnection),
      k.crosswalk(scope.targetConnection, scope.sourceConnection),
      k.echo(scope.targetConnection, scope.sourceConnection),
      k.sent(scope.sync, scope.targetKey),
      k.intent(scope.sourceConnection, scope.targetConnection),
      k.failed(scope.sync),
      k.run(runId),
      sourceId, targetId, fingerprint, counter ?? '',
    );
  }

  /** The record exists on the target (a follow-up call may still fail): a retry updates it from now on. */
  async linkCreated(scope: PushScope, sourceId: string, targetId: string): Promise<void> {
    const k = this.#keys;
    await this.#redis.cbLinkCreated(k.crosswalk(scope.sourceConnection, scope.targetConnection), k.intent(scope.sourceConnection, scope.targetConnection), sourceId, targetId);
  }
}
