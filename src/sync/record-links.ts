import { createHash, randomBytes } from 'node:crypto';
import DataLoader from 'dataloader';
import type { ProviderName } from '../providers/types.ts';
import type { RedisClient } from '../redis/connection.ts';
import type { SyncDefinition, SyncTarget } from './definition.ts';
import { durably } from './durable.ts';
import { canBeSource, canEcho, echoState } from './echo.ts';
import { placeOf, STATE_BUCKETS, STATE_PARTITIONS, type PartitionKeys, type RecordStateKind, type SyncKeys } from './keys.ts';

/**
 * The per-record state of a push, in Redis: the create intent before a create call, the link once it answered,
 * and "sent" once the target holds the body; and the reads the page and push processors make of it.
 *
 * State is partitioned by a hash of the record id (keys.ts), so one record's keys share a slot, but a batch's
 * records do not: every call here is one script per partition touched (all of a partition's records at once),
 * sent together (one pipeline on a single Redis; on a cluster, side by side, each to its node). In the
 * benchmark's profile one call per record per write was ~20 % of a worker's CPU, so intents and links, which must
 * be durable before the record's next call, are also coalesced over one turn of the event loop (DataLoader,
 * scheduled with setImmediate); each caller still awaits its own write.
 */

// One HGET per key: KEYS[i] field ARGV[i]. All keys share a slot (one partition).
const HGET_EACH = `
local out = {}
for i = 1, #KEYS do out[i] = redis.call('HGET', KEYS[i], ARGV[i]) end
return out
`;

// Writes to several hashes of one partition at once: KEYS[i] with (op, field, value) at ARGV[3i-2..3i]; op 's'
// sets the field, 'd' deletes it.
const HASH_OPS = `
for i = 1, #KEYS do
  local op, field = ARGV[3 * i - 2], ARGV[3 * i - 1]
  if op == 's' then redis.call('HSET', KEYS[i], field, ARGV[3 * i]) else redis.call('HDEL', KEYS[i], field) end
end
return #KEYS
`;

// Counts a batch's writes in its run, each record once per run however often a crash made it be written again,
// and clears their retry marks, noting when each failed record was resolved. KEYS: run, run's written marks, sync's
// failed records, sync's resolved records (one slot: the sync's).
// ARGV: the number of pairs, (target:sourceId, counter) pairs, then the source ids to clear.
// A finished run counts nothing more (all its batches were closed, so a write now is a re-delivered job's repeat),
// and its marks are deleted when it finishes (ledger.ts FINALIZE): they live only as long as the run.
const COUNT_WRITES = `
local pairs = tonumber(ARGV[1])
if redis.call('HGET', KEYS[1], 'status') == 'PENDING' then
  for i = 2, 2 * pairs, 2 do
    if redis.call('HSETNX', KEYS[2], ARGV[i], ARGV[i + 1]) == 1 then redis.call('HINCRBY', KEYS[1], ARGV[i + 1], 1) end
  end
  redis.call('EXPIRE', KEYS[2], 7 * 24 * 3600)
end
local t = redis.call('TIME')
local now = tostring(t[1] * 1000 + math.floor(t[2] / 1000))
for j = 2 * pairs + 2, #ARGV do
  if redis.call('HDEL', KEYS[3], ARGV[j]) == 1 then
    redis.call('HSET', KEYS[4], ARGV[j], now)
    redis.call('EXPIRE', KEYS[4], 7 * 24 * 3600)
  end
end
return 1
`;

// Claims creates. Record i: KEYS[2i-1] its intent hash, KEYS[2i] its crosswalk hash (all of one partition);
// ARGV[3i-2..3i] its id, the intent its claimer read ('' for none), the intent to write. The intent is written only
// if the record has no link and its intent is still the one read; the answer is 1 (claimed) or 0 per record.
const CLAIM_EACH = `
local out = {}
for i = 1, #KEYS / 2 do
  local field, seen = ARGV[3 * i - 2], ARGV[3 * i - 1]
  if redis.call('HEXISTS', KEYS[2 * i], field) == 0 and (redis.call('HGET', KEYS[2 * i - 1], field) or '') == seen then
    redis.call('HSET', KEYS[2 * i - 1], field, ARGV[3 * i])
    out[i] = 1
  else
    out[i] = 0
  end
end
return out
`;

/**
 * A claim written over an intent of the same run carries a suffix (`<run>~<nonce>`), so that two executions that both
 * read that intent cannot both claim. Readers see the run only.
 */
const CLAIM_SUFFIX = '~';
/**
 * A linked record's intent until it is marked sent: `linked:<run>`, the run that learned the record exists. That
 * run counts the create only with the record's "sent" (which deletes the intent), so a `linked:` intent still
 * there means no run counted the create yet (but see markSent: a process killed between its count and its link
 * step, whose job then failed for good, leaves it counted and linked).
 */
export const LINKED_PREFIX = 'linked:';
/** A linked record's intent naming an update given up on while PENDING: `unsettled:<write job id>`. */
export const UNSETTLED_PREFIX = 'unsettled:';
/** Appended when that update completed a create no run has counted yet: the run that sends the record counts it. */
export const UNCOUNTED_CREATE_SUFFIX = ':created';
/**
 * An unlinked record's intent once the provider no longer knows its accepted async create (Propexo's write-status
 * answered 400): `forgotten:<run>:<write job id>`. Whether the create happened can no longer be read: the record is
 * held for a human, whose retry lifts it (liftHolds) and creates the record.
 */
export const FORGOTTEN_PREFIX = 'forgotten:';
function intentRun(stored: string | null): string | null {
  if (stored === null) return null;
  const cut = stored.indexOf(CLAIM_SUFFIX);
  return cut < 0 ? stored : stored.slice(0, cut);
}

/** A script and its SHA1, sent as EVALSHA (and as EVAL once when Redis does not hold it yet). */
interface Script {
  lua: string;
  sha: string;
}
const script = (lua: string): Script => ({ lua, sha: createHash('sha1').update(lua).digest('hex') });
const SCRIPTS = { hgetEach: script(HGET_EACH), hashOps: script(HASH_OPS), countWrites: script(COUNT_WRITES), claimEach: script(CLAIM_EACH) };

/** A call for one partition: the script, its keys (one slot) and its arguments. */
interface SlotCall {
  script: keyof typeof SCRIPTS;
  keys: string[];
  args: string[];
}

/** One record's create claim (see CLAIM_EACH). */
interface Claim {
  tag: string;
  intentKey: string;
  crosswalkKey: string;
  sourceId: string;
  /** The intent as the claimer read it (stored form), null for none. */
  seen: string | null;
  value: string;
}

/** One hash write: set (`value` given) or delete a field. */
interface HashOp {
  key: string;
  field: string;
  value: string | null;
}

export interface PushScope {
  sync: string;
  targetKey: string;
  sourceConnection: string;
  targetConnection: string;
  /** Decides whether the target's records can come back (echo state and the reverse link are kept only then). */
  targetProvider: ProviderName;
}

/** The scope of a sync's target: which state it reads and writes. */
export function pushScope(sync: SyncDefinition, target: SyncTarget): PushScope {
  return { sync: sync.name, targetKey: target.key, sourceConnection: sync.source.connection, targetConnection: target.connection, targetProvider: target.provider };
}

/** A record the target now holds, as written. */
export interface SentRecord {
  sourceId: string;
  targetId: string;
  /** The sent state of the body (sent-state.ts): what the diff compares next time. */
  fingerprint: string;
  /** The body written: its echo state is kept for a sync reading the target back. */
  body: Record<string, unknown>;
  /** The run counter to increment, if the write counts (a skip does not). */
  counter: 'created' | 'updated' | null;
}

/** What Redis knows of a record on a target before it is pushed. */
export interface PushState {
  /** The sent state of the body last written. */
  sent: string | null;
  targetId: string | null;
  /** The run that started a create whose outcome is not recorded. */
  intent: string | null;
  /** The intent as stored (a claim may carry a suffix, see CLAIM_SUFFIX): what a new claim must still find. */
  storedIntent?: string | null;
}

/** What the page processor reads per record: the last sent state, and what a sync from the target wrote into it. */
export interface PageState {
  sent: string | null;
  echo: string | null;
}

export class RecordLinks {
  readonly #redis: RedisClient;
  readonly #keys: SyncKeys;
  readonly #writes: DataLoader<{ tag: string; ops: Array<HashOp & { tag: string }> }, true>;
  readonly #claims: DataLoader<Claim, boolean>;

  constructor(redis: RedisClient, keys: SyncKeys) {
    this.#redis = redis;
    this.#keys = keys;
    this.#writes = new DataLoader((writes) => this.#flushWrites(writes), { cache: false, batchScheduleFn: (run) => setImmediate(run) });
    this.#claims = new DataLoader((claims) => this.#flushClaims(claims), { cache: false, batchScheduleFn: (run) => setImmediate(run) });
  }

  /** The partition of `own`'s record `id` paired with `other`, and its bucket. */
  #place(own: string, other: string, id: string): { keys: PartitionKeys; bucket: number } {
    const { partition, bucket } = placeOf(id);
    return { keys: this.#keys.records(own, other, partition), bucket };
  }

  /** sent, crosswalk and intent of each record: one script call per partition touched. */
  async pushStates(scope: PushScope, ids: readonly string[]): Promise<PushState[]> {
    const values = await this.#read(ids, scope.sourceConnection, scope.targetConnection, (keys, bucket) => [
      keys.sent(scope.sync, scope.targetKey, bucket),
      keys.crosswalk(bucket),
      keys.intent(bucket),
    ]);
    return values.map(([sent, targetId, intent]) => ({ sent: sent ?? null, targetId: targetId ?? null, intent: intentRun(intent ?? null), storedIntent: intent ?? null }));
  }

  /** The sent state and the echo state (what a sync from the target wrote into the record) of each record. */
  async pageStates(scope: PushScope, ids: readonly string[]): Promise<PageState[]> {
    if (!canBeSource(scope.targetProvider)) {
      // No sync reads from the target, so none ever wrote echo state into these records: only `sent` is read.
      const sent = await this.#read(ids, scope.sourceConnection, scope.targetConnection, (keys, bucket) => [keys.sent(scope.sync, scope.targetKey, bucket)]);
      return sent.map(([value]) => ({ sent: value ?? null, echo: null }));
    }
    const values = await this.#read(ids, scope.sourceConnection, scope.targetConnection, (keys, bucket) => [keys.sent(scope.sync, scope.targetKey, bucket), keys.echo(bucket)]);
    return values.map(([sent, echo]) => ({ sent: sent ?? null, echo: echo ?? null }));
  }

  async targetIdOf(scope: PushScope, sourceId: string): Promise<string | null> {
    const { keys, bucket } = this.#place(scope.sourceConnection, scope.targetConnection, sourceId);
    return this.#redis.hget(keys.crosswalk(bucket), sourceId);
  }

  /**
   * The target holds these records' bodies now: count the writes in the run, clear any retry mark, link each both
   * ways (a sync in the other direction then updates the record instead of creating another) with what was
   * written (its echo), then remember what was sent (the diff) and clear the create intent.
   *
   * These live in different slots, so they are written in that order, each step retried until Redis answers
   * (`durably`): `sent` last, because it is what makes a retried job skip a record. A crash part way leaves the
   * record unsent, so the retry writes it again (an update: the record was linked when its create answered) and
   * writes every step again: counts come first so that a write is never left uncounted, and each record counts
   * once per run (a mark per record, kept while the run lasts), so the repeat is not counted again; the reverse
   * link comes before `sent` so that no record is ever "done" without it (a reverse sync would create a duplicate).
   * The forward link is written again with `sent` (one script), even for a record linked when its create answered:
   * a failover to a replica can lose an acknowledged write, and a record sent but unlinked is created again at its
   * next change (test: lost-link).
   */
  async markSent(scope: PushScope, runId: string, records: readonly SentRecord[]): Promise<void> {
    if (records.length === 0) return;
    const counted = records.filter((r) => r.counter !== null).flatMap((r) => [`${scope.targetKey}:${r.sourceId}`, r.counter ?? '']);
    await durably(async () => {
      const keys = [this.#keys.run(scope.sync, runId), this.#keys.runWritten(scope.sync, runId), this.#keys.failed(scope.sync), this.#keys.resolved(scope.sync)];
      const [reply] = await this.#send([{ script: 'countWrites', keys, args: [String(counted.length / 2), ...counted, ...records.map((r) => r.sourceId)] }]);
      if (reply instanceof Error) throw reply;
    });
    if (canEcho(scope.targetProvider)) {
      const reverse = records.flatMap((r) => {
        const { keys, bucket } = this.#place(scope.targetConnection, scope.sourceConnection, r.targetId);
        return [
          { tag: keys.tag, key: keys.crosswalk(bucket), field: r.targetId, value: r.sourceId },
          { tag: keys.tag, key: keys.echo(bucket), field: r.targetId, value: echoState(scope.targetProvider, r.body) },
        ];
      });
      await durably(() => this.#apply(reverse));
    }
    const forward = records.flatMap((r) => {
      const { keys, bucket } = this.#place(scope.sourceConnection, scope.targetConnection, r.sourceId);
      // The link in the same script as `sent`: never one without the other.
      return [
        { tag: keys.tag, key: keys.crosswalk(bucket), field: r.sourceId, value: r.targetId },
        { tag: keys.tag, key: keys.sent(scope.sync, scope.targetKey, bucket), field: r.sourceId, value: r.fingerprint },
        { tag: keys.tag, key: keys.intent(bucket), field: r.sourceId, value: null },
      ];
    });
    await durably(() => this.#apply(forward));
  }

  /**
   * The record exists on the target (a follow-up call may still fail): a retry updates it from now on. The intent
   * stays until the record is marked sent, as `linked:<run>` (or `counted:<run>` when the run already counted the
   * create), so that a retry completing it after a crash still counts the create of that run, not an update.
   */
  async linkCreated(scope: PushScope, sourceId: string, targetId: string, runId: string, counted = false): Promise<void> {
    const { keys, bucket } = this.#place(scope.sourceConnection, scope.targetConnection, sourceId);
    await this.#writes.load({
      tag: keys.tag,
      ops: [
        { tag: keys.tag, key: keys.crosswalk(bucket), field: sourceId, value: targetId },
        { tag: keys.tag, key: keys.intent(bucket), field: sourceId, value: `${counted ? 'counted:' : LINKED_PREFIX}${runId}` },
      ],
    });
  }

  /**
   * An async create (Propexo) was accepted as the provider's write job `writeJobId`: the intent names it, so a
   * retry after a crash, or the next run after the confirmation gave up, asks the write's status instead of
   * holding the record for review.
   */
  async recordPendingCreate(scope: PushScope, sourceId: string, runId: string, writeJobId: string): Promise<void> {
    const { keys, bucket } = this.#place(scope.sourceConnection, scope.targetConnection, sourceId);
    await this.#writes.load({ tag: keys.tag, ops: [{ tag: keys.tag, key: keys.intent(bucket), field: sourceId, value: `pending:${runId}:${writeJobId}` }] });
  }

  /**
   * The provider no longer knows the async create `writeJobId` (see FORGOTTEN_PREFIX): the record is held, naming
   * it, until a human retries it, instead of asking that write's status on every run.
   */
  async recordForgottenCreate(scope: PushScope, sourceId: string, runId: string, writeJobId: string): Promise<void> {
    const { keys, bucket } = this.#place(scope.sourceConnection, scope.targetConnection, sourceId);
    await this.#writes.load({ tag: keys.tag, ops: [{ tag: keys.tag, key: keys.intent(bucket), field: sourceId, value: `${FORGOTTEN_PREFIX}${runId}:${writeJobId}` }] });
  }

  /**
   * Updates given up on while still PENDING at the provider: kept in the record's intent (unused once a record is
   * linked) until the record is next marked sent, which happens only after that write settled (push-processor).
   */
  async recordUnsettledUpdates(scope: PushScope, updates: ReadonlyArray<{ sourceId: string; writeJobId: string; uncountedCreate?: boolean }>): Promise<void> {
    if (updates.length === 0) return;
    await this.#apply(
      updates.map(({ sourceId, writeJobId, uncountedCreate }) => {
        const { keys, bucket } = this.#place(scope.sourceConnection, scope.targetConnection, sourceId);
        return { tag: keys.tag, key: keys.intent(bucket), field: sourceId, value: `${UNSETTLED_PREFIX}${writeJobId}${uncountedCreate ? UNCOUNTED_CREATE_SUFFIX : ''}` };
      }),
    );
  }

  /**
   * A create of this record is about to be sent by `runId`: durable before the call, so a crash can be told. It is
   * also a claim: written only if the record is still unlinked and its intent is still `seen` (what this execution
   * read, in stored form). False: another execution of the same push got there first (a job taken over after its
   * lock lapsed, while its first worker still ran it), and this one must not create.
   */
  async recordIntent(scope: PushScope, sourceId: string, runId: string, seen: string | null = null): Promise<boolean> {
    const { keys, bucket } = this.#place(scope.sourceConnection, scope.targetConnection, sourceId);
    // Over an intent of the same run, a claim must differ from what both executions read.
    const value = intentRun(seen) === runId ? `${runId}${CLAIM_SUFFIX}${randomBytes(4).toString('hex')}` : runId;
    return this.#claims.load({ tag: keys.tag, intentKey: keys.intent(bucket), crosswalkKey: keys.crosswalk(bucket), sourceId, seen, value });
  }

  /** The provider answered that these creates did not happen, or a human lifted the hold: no intent is left. */
  async clearIntents(scope: Pick<PushScope, 'sourceConnection' | 'targetConnection'>, sourceIds: readonly string[]): Promise<void> {
    await this.#apply(
      sourceIds.map((id) => {
        const { keys, bucket } = this.#place(scope.sourceConnection, scope.targetConnection, id);
        return { tag: keys.tag, key: keys.intent(bucket), field: id, value: null };
      }),
    );
  }

  /**
   * A human asked to retry these records, having checked the target: their "outcome unknown" holds are lifted, so a
   * record whose interrupted create did not happen is created. A hold that names an async write job is kept: its
   * status, asked on the retry, tells for sure. So is a linked record's `linked:` (no hold: its create is uncounted).
   * A create whose write the provider forgot (`forgotten:`) is lifted: no status can tell any more.
   */
  async liftHolds(scope: Pick<PushScope, 'sourceConnection' | 'targetConnection'>, sourceIds: readonly string[]): Promise<void> {
    const intents = await this.#read(sourceIds, scope.sourceConnection, scope.targetConnection, (keys, bucket) => [keys.intent(bucket)]);
    const kept = ['pending:', UNSETTLED_PREFIX, LINKED_PREFIX];
    const lift = sourceIds.filter((_, i) => !kept.some((prefix) => (intents[i]?.[0] ?? '').startsWith(prefix)));
    if (lift.length > 0) await this.clearIntents(scope, lift);
  }

  /**
   * Every record's state of one kind for a pair (`sent` also names the sync and target): a full read of up to
   * STATE_PARTITIONS × STATE_BUCKETS hashes, for checks and operators, never on a sync's path.
   */
  async entries(kind: RecordStateKind, own: string, other: string, sent?: { sync: string; target: string }): Promise<Map<string, string>> {
    const names: string[] = [];
    for (let p = 0; p < STATE_PARTITIONS; p++) {
      const keys = this.#keys.records(own, other, p);
      for (let b = 0; b < STATE_BUCKETS; b++) {
        names.push(kind === 'sent' ? keys.sent(sent?.sync ?? '', sent?.target ?? '', b) : keys[kind](b));
      }
    }
    const out = new Map<string, string>();
    for (let i = 0; i < names.length; i += 1_024) {
      const chunk = names.slice(i, i + 1_024);
      const hashes = await this.#inSlots(chunk.map((key) => (c: RedisClient) => c.hgetall(key)));
      for (const hash of hashes) {
        if (hash instanceof Error) throw hash;
        for (const [field, value] of Object.entries(hash)) out.set(field, value);
      }
    }
    return out;
  }

  /** Reads fields of each record (`keysOf` names them per record): one HGET_EACH per partition. */
  async #read(ids: readonly string[], own: string, other: string, keysOf: (keys: PartitionKeys, bucket: number) => string[]): Promise<Array<Array<string | null>>> {
    const groups = new Map<string, { call: SlotCall; members: number[] }>();
    let width = 0;
    ids.forEach((id, i) => {
      const { keys, bucket } = this.#place(own, other, id);
      const names = keysOf(keys, bucket);
      width = names.length;
      let group = groups.get(keys.tag);
      if (!group) groups.set(keys.tag, (group = { call: { script: 'hgetEach', keys: [], args: [] }, members: [] }));
      for (const name of names) {
        group.call.keys.push(name);
        group.call.args.push(id);
      }
      group.members.push(i);
    });
    const out: Array<Array<string | null>> = ids.map(() => []);
    const groupList = [...groups.values()];
    const replies = await this.#send(groupList.map((g) => g.call));
    groupList.forEach((group, g) => {
      const reply = replies[g];
      if (reply instanceof Error) throw reply;
      const values = (reply ?? []) as Array<string | null>;
      group.members.forEach((member, j) => (out[member] = values.slice(j * width, (j + 1) * width)));
    });
    return out;
  }

  /** Applies hash writes: one HASH_OPS per partition, all sent together; throws if any partition's call failed. */
  async #apply(ops: ReadonlyArray<HashOp & { tag: string }>): Promise<void> {
    const [error] = (await this.#applyEach(ops)).values();
    if (error) throw error;
  }

  /** Applies hash writes, one HASH_OPS per partition, all sent together; answers the partitions that failed. */
  async #applyEach(ops: ReadonlyArray<HashOp & { tag: string }>): Promise<Map<string, Error>> {
    const groups = new Map<string, SlotCall>();
    for (const op of ops) {
      let call = groups.get(op.tag);
      if (!call) groups.set(op.tag, (call = { script: 'hashOps', keys: [], args: [] }));
      call.keys.push(op.key);
      call.args.push(op.value === null ? 'd' : 's', op.field, op.value ?? '');
    }
    const tags = [...groups.keys()];
    const replies = await this.#send([...groups.values()]);
    return new Map(tags.flatMap((tag, i) => (replies[i] instanceof Error ? [[tag, replies[i]] as const] : [])));
  }

  /** One burst of coalesced create claims: one CLAIM_EACH per partition, all sent together; each caller gets its own answer. */
  async #flushClaims(claims: readonly Claim[]): Promise<Array<boolean | Error>> {
    const groups = new Map<string, { call: SlotCall; members: number[] }>();
    claims.forEach((c, i) => {
      let group = groups.get(c.tag);
      if (!group) groups.set(c.tag, (group = { call: { script: 'claimEach', keys: [], args: [] }, members: [] }));
      group.call.keys.push(c.intentKey, c.crosswalkKey);
      group.call.args.push(c.sourceId, c.seen ?? '', c.value);
      group.members.push(i);
    });
    const groupList = [...groups.values()];
    const replies = await this.#send(groupList.map((g) => g.call)).catch((error: unknown) => groupList.map(() => toError(error)));
    const out: Array<boolean | Error> = claims.map(() => false);
    groupList.forEach((group, g) => {
      const reply = replies[g];
      group.members.forEach((member, j) => (out[member] = reply instanceof Error ? reply : Number((reply as unknown[])[j]) === 1));
    });
    return out;
  }

  /** One burst of coalesced intent and link writes: one pipeline, one call per partition; each caller gets its partition's outcome. */
  async #flushWrites(writes: ReadonlyArray<{ tag: string; ops: Array<HashOp & { tag: string }> }>): Promise<Array<true | Error>> {
    const failed = await this.#applyEach(writes.length === 1 ? writes[0]!.ops : writes.flatMap((w) => w.ops)).catch((error: unknown) => toError(error));
    return writes.map((w) => (failed instanceof Error ? failed : (failed.get(w.tag) ?? true)));
  }

  /**
   * Sends script calls of different slots together, as EVALSHA: ioredis's own script commands send the whole
   * script (EVAL) in every pipeline, and that text was most of a worker's socket writes in the benchmark's
   * profile. A node that does not hold a script yet (a restart, a failover) answers NOSCRIPT: those calls, which did
   * not run, are sent again once as EVAL, which also makes the node keep the script.
   */
  async #send(calls: readonly SlotCall[]): Promise<Array<unknown | Error>> {
    // Keys and arguments go as one array (ioredis flattens it): not spread into the call, a batch's hundreds of strings.
    const argv = calls.map((call) => call.keys.concat(call.args));
    const first = await this.#inSlots(calls.map((call, i) => (c: RedisClient) => c.evalsha(SCRIPTS[call.script].sha, call.keys.length, argv[i]!)));
    return Promise.all(
      first.map((reply, i) => {
        if (!(reply instanceof Error) || !reply.message.includes('NOSCRIPT')) return reply;
        const call = calls[i]!;
        return this.#redis.eval(SCRIPTS[call.script].lua, call.keys.length, argv[i]!).catch(toError);
      }),
    );
  }

  /**
   * Runs commands that may address different slots, answering each one's reply or error: on a single Redis as one
   * pipeline (one socket write); on a cluster side by side, each routed to its slot's node. (ioredis's cluster
   * auto-pipelining would group them per node, but ioredis 6.0.0 fails in it: "results[i] is not iterable".)
   */
  async #inSlots<T>(calls: ReadonlyArray<(c: RedisClient) => Promise<T>>): Promise<Array<T | Error>> {
    if (calls.length === 0) return [];
    // One call (a coalesced link of a single partition, the usual case mid-batch) needs no pipeline object.
    if (this.#redis.isCluster || calls.length === 1) return Promise.all(calls.map((call) => call(this.#redis).catch(toError)));
    const pipeline = this.#redis.pipeline();
    for (const call of calls) void call(pipeline as unknown as RedisClient);
    const replies = (await pipeline.exec()) ?? [];
    return calls.map((_, i) => {
      const [error, value] = replies[i] ?? [new Error('no reply'), null];
      return error ? toError(error) : (value as T);
    });
  }
}

function toError(reason: unknown): Error {
  return reason instanceof Error ? reason : new Error(String(reason));
}
