import DataLoader from 'dataloader';
import type { Redis } from 'ioredis';
import type { SyncKeys } from './keys.ts';

/**
 * The Redis writes of a push: the create intent before a create call, the link once it answered, and "sent" once
 * the target holds the body. In the benchmark's profile one call per record per write was ~20 % of a worker's CPU,
 * most of it in socket writes. So "sent" is written once per push job, and since a job's records run side by side,
 * intents and links, which must be durable before the record's next call, are coalesced over one turn of the event
 * loop (DataLoader, scheduled with setImmediate) into one call per scope; each caller still awaits its own write.
 */

// KEYS: crosswalk, reverse crosswalk, echo, sent, intents, failed, run.
// ARGV: (sourceId, targetId, fingerprint, counter) per record.
const MARK_SENT = `
for i = 1, #ARGV, 4 do
  local source, target, fingerprint, counter = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3]
  redis.call('HSET', KEYS[1], source, target)
  redis.call('HSET', KEYS[2], target, source)
  redis.call('HSET', KEYS[3], target, fingerprint)
  redis.call('HSET', KEYS[4], source, fingerprint)
  redis.call('HDEL', KEYS[5], source)
  redis.call('HDEL', KEYS[6], source)
  if counter ~= '' then redis.call('HINCRBY', KEYS[7], counter, 1) end
end
return 1
`;

// KEYS: crosswalk, intents. ARGV: (sourceId, targetId) per record.
const LINK_CREATED = `
for i = 1, #ARGV, 2 do
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
  redis.call('HDEL', KEYS[2], ARGV[i])
end
return 1
`;

type LinkRedis = Redis & {
  cbMarkSentMany(...args: string[]): Promise<number>;
  cbLinkCreatedMany(...args: string[]): Promise<number>;
};

export interface PushScope {
  sync: string;
  targetKey: string;
  sourceConnection: string;
  targetConnection: string;
}

/** A record the target now holds, as written. */
export interface SentRecord {
  sourceId: string;
  targetId: string;
  fingerprint: string;
  /** The run counter to increment, if the write counts (a skip does not). */
  counter: 'created' | 'updated' | null;
}

/** One record's write: the keys it touches (its group) and its arguments. */
interface RecordWrite {
  keys: string[];
  args: string[];
}

export class RecordLinks {
  readonly #redis: LinkRedis;
  readonly #keys: SyncKeys;
  readonly #linkCreated: DataLoader<RecordWrite, true>;
  readonly #intent: DataLoader<RecordWrite, true>;

  constructor(redis: Redis, keys: SyncKeys) {
    if (!('cbMarkSentMany' in redis)) {
      redis.defineCommand('cbMarkSentMany', { numberOfKeys: 7, lua: MARK_SENT });
      redis.defineCommand('cbLinkCreatedMany', { numberOfKeys: 2, lua: LINK_CREATED });
    }
    this.#redis = redis as LinkRedis;
    this.#keys = keys;
    const loader = (send: (pipeline: ReturnType<Redis['pipeline']>, keys: string[], args: string[]) => void) =>
      new DataLoader<RecordWrite, true>((writes) => this.#flush(writes, send), { cache: false, batchScheduleFn: (run) => setImmediate(run) });
    this.#linkCreated = loader((p, k, a) => (p as unknown as LinkRedis).cbLinkCreatedMany(...k, ...a));
    this.#intent = loader((p, k, a) => p.hset(k[0] ?? '', ...a));
  }

  /**
   * The target holds these records' bodies now: link each both ways (a sync in the other direction then updates
   * the record instead of creating another), remember what was written (diff and echo), clear the create intent
   * and any retry mark, and count the writes in the run. One script call for a push job's whole batch.
   */
  async markSent(scope: PushScope, runId: string, records: readonly SentRecord[]): Promise<void> {
    if (records.length === 0) return;
    const k = this.#keys;
    await this.#redis.cbMarkSentMany(
      k.crosswalk(scope.sourceConnection, scope.targetConnection),
      k.crosswalk(scope.targetConnection, scope.sourceConnection),
      k.echo(scope.targetConnection, scope.sourceConnection),
      k.sent(scope.sync, scope.targetKey),
      k.intent(scope.sourceConnection, scope.targetConnection),
      k.failed(scope.sync),
      k.run(runId),
      ...records.flatMap((r) => [r.sourceId, r.targetId, r.fingerprint, r.counter ?? '']),
    );
  }

  /** The record exists on the target (a follow-up call may still fail): a retry updates it from now on. */
  async linkCreated(scope: PushScope, sourceId: string, targetId: string): Promise<void> {
    const k = this.#keys;
    await this.#linkCreated.load({ keys: [k.crosswalk(scope.sourceConnection, scope.targetConnection), k.intent(scope.sourceConnection, scope.targetConnection)], args: [sourceId, targetId] });
  }

  /** A create of this record is about to be sent by `runId`: durable before the call, so a crash can be told. */
  async recordIntent(scope: PushScope, sourceId: string, runId: string): Promise<void> {
    await this.#intent.load({ keys: [this.#keys.intent(scope.sourceConnection, scope.targetConnection)], args: [sourceId, runId] });
  }

  /** One pipeline for the whole burst: one script call (or HSET) per group of records sharing their keys. */
  async #flush(
    writes: readonly RecordWrite[],
    send: (pipeline: ReturnType<Redis['pipeline']>, keys: string[], args: string[]) => void,
  ): Promise<Array<true | Error>> {
    const groups = new Map<string, { keys: string[]; args: string[]; members: number[] }>();
    for (const [i, write] of writes.entries()) {
      const id = write.keys.join('\n');
      const group = groups.get(id) ?? { keys: write.keys, args: [], members: [] };
      group.args.push(...write.args);
      group.members.push(i);
      groups.set(id, group);
    }
    const pipeline = this.#redis.pipeline();
    for (const group of groups.values()) send(pipeline, group.keys, group.args);
    const replies = (await pipeline.exec()) ?? [];
    const results: Array<true | Error> = new Array(writes.length).fill(true);
    for (const [g, group] of [...groups.values()].entries()) {
      const error = replies[g]?.[0];
      if (error) for (const i of group.members) results[i] = error;
    }
    return results;
  }
}
