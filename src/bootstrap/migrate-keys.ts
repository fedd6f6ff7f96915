/**
 * `crm-bridge migrate-keys`: carries the state an earlier release kept under one hash tag (every key
 * `<prefix>:cb:…`, `{crm-bridge}` by default) into today's layout (per-sync and per-record-partition tags, fixed-size
 * fingerprints, see src/sync/keys.ts), so that an upgraded deployment updates the records it already created
 * instead of creating them again.
 *
 * What is carried, per old key:
 * - `xw:<A>:<B>` (source id → target id): the crosswalk of A's records paired with B, both directions as they were;
 * - `intent:<A>:<B>` (create intents): as they were, so an interrupted create stays held for review;
 * - `sent:<sync>:<target>` (the canonical JSON body last sent): the sent state of that body under the sync's mapping
 *   today (fingerprint and ranked status values), so an unchanged record is not written again;
 * - `echo:<written>:<from>` (the body a sync from `from` wrote into a record of `written`): its echo state;
 * - `sync:<sync>:cursor` and `sync:<sync>:failed`: where the sync reads from next, and its records to retry.
 * Run history (runs, their counts and errors) is not carried: it describes runs of the old release.
 *
 * Nothing is overwritten: the new layout's value wins where both exist (HSETNX, SET NX), so running it twice, or
 * after the new release already ran, is safe. Old keys are left in place unless `deleteOld`.
 * The old release's queues must be empty (its workers stopped after finishing their jobs): a job still waiting
 * there would never run under the new queue names, so the migration refuses and names the queues.
 */
import type { Cluster, Redis } from 'ioredis';
import type { Definitions } from './definitions.ts';
import { providers } from '../providers/registry.ts';
import type { ProviderName } from '../providers/types.ts';
import { canEcho, echoState } from '../sync/echo.ts';
import { placeOf, syncKeys } from '../sync/keys.ts';
import { sentState } from '../sync/sent-state.ts';

export interface MigrationReport {
  /** Fields (or keys) written into the new layout, per kind; with `apply: false`, what would be written. */
  carried: { crosswalk: number; intent: number; sent: number; echo: number; cursor: number; failed: number };
  /** Old keys nothing could be done with, and why (a sync or connection no file defines any more, …). */
  skipped: { key: string; reason: string }[];
  /** Old BullMQ queues that still hold jobs: the migration refused to run. */
  busyQueues: string[];
  oldKeys: number;
  deletedOldKeys: number;
}

export interface MigrateOptions {
  /** The queue prefix the old release ran with (QUEUE_PREFIX). */
  prefix: string;
  definitions: Pick<Definitions, 'syncs' | 'connections'>;
  /** false: report what would be carried, write nothing. */
  apply: boolean;
  /** Delete the old keys once carried (only with `apply`). */
  deleteOld: boolean;
}

const BATCH = 500;
/** BullMQ lists and sets that hold jobs not yet finished. */
const UNFINISHED = ['wait', 'active', 'delayed', 'prioritized', 'paused', 'waiting-children'];

export async function migrateKeys(redis: Redis | Cluster, options: MigrateOptions): Promise<MigrationReport> {
  const report: MigrationReport = { carried: { crosswalk: 0, intent: 0, sent: 0, echo: 0, cursor: 0, failed: 0 }, skipped: [], busyQueues: [], oldKeys: 0, deletedOldKeys: 0 };
  const { prefix } = options;
  const keys = syncKeys(prefix);
  const old = await scanAll(redis, `${escapeGlob(prefix)}:*`);

  report.busyQueues = await busyQueues(redis, old, prefix);
  if (report.busyQueues.length > 0) return report;

  const providerOf = connectionProviders(options.definitions);
  const migrated: string[] = [];
  for (const key of old) {
    if (!key.startsWith(`${prefix}:cb:`)) continue;
    const parts = key.slice(prefix.length + 4).split(':');
    const [kind, a, b] = parts;
    report.oldKeys += 1;
    const skip = (reason: string) => void report.skipped.push({ key, reason });
    if ((kind === 'xw' || kind === 'intent') && parts.length === 3 && a && b) {
      const field = kind === 'xw' ? 'crosswalk' : 'intent';
      report.carried[field] += await carryHash(redis, key, options.apply, (id, value) => {
        const { partition, bucket } = placeOf(id);
        const to = keys.records(a, b, partition);
        return { key: kind === 'xw' ? to.crosswalk(bucket) : to.intent(bucket), value };
      });
    } else if (kind === 'sent' && parts.length === 3 && a && b) {
      const sync = options.definitions.syncs.get(a);
      const target = sync?.targets.find((t) => t.key === b);
      if (!sync || !target) {
        skip(sync ? `sync "${a}" has no target ${b} any more` : `no job file defines sync "${a}" any more`);
        continue;
      }
      const state = sentState(target.mapping);
      report.carried.sent += await carryHash(redis, key, options.apply, (id, json) => {
        const body = parseObject(json);
        if (!body) return null;
        const { partition, bucket } = placeOf(id);
        return { key: keys.records(sync.source.connection, target.connection, partition).sent(sync.name, target.key, bucket), value: state.of(body) };
      });
    } else if (kind === 'echo' && parts.length === 3 && a && b) {
      const provider = providerOf.get(a);
      if (!provider || !canEcho(provider)) {
        skip(provider ? `${provider} records are never read back` : `no job or connection file names connection "${a}" any more`);
        continue;
      }
      report.carried.echo += await carryHash(redis, key, options.apply, (id, json) => {
        const body = parseObject(json);
        const value = body && echoState(provider, body);
        if (!value) return null;
        const { partition, bucket } = placeOf(id);
        return { key: keys.records(a, b, partition).echo(bucket), value };
      });
    } else if (kind === 'sync' && parts.length === 3 && a && b === 'cursor') {
      const value = await redis.get(key);
      if (value !== null && options.apply) await redis.set(keys.cursor(a), value, 'NX');
      if (value !== null) report.carried.cursor += 1;
    } else if (kind === 'sync' && parts.length === 3 && a && b === 'failed') {
      report.carried.failed += await carryHash(redis, key, options.apply, (_id, value) => ({ key: keys.failed(a), value }));
    } else {
      // Run ledgers, run → errors lists, idempotency keys, budgets: history or short-lived, not carried.
      continue;
    }
    migrated.push(key);
  }
  if (options.apply && options.deleteOld) {
    for (const key of migrated) report.deletedOldKeys += await redis.del(key);
  }
  return report;
}

/**
 * Copies every field of an old hash through `place` (the new key, and the value to store there; null skips the
 * field), HSETNX so a value the new release wrote wins. Answers how many fields were (or would be) carried.
 */
async function carryHash(
  redis: Redis | Cluster,
  key: string,
  apply: boolean,
  place: (field: string, value: string) => { key: string; value: string } | null,
): Promise<number> {
  let carried = 0;
  let cursor = '0';
  do {
    const [next, flat] = await redis.hscan(key, cursor, 'COUNT', BATCH);
    cursor = next;
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) {
      const field = flat[i] as string;
      const to = place(field, flat[i + 1] as string);
      if (!to) continue;
      carried += 1;
      if (apply) writes.push(redis.hsetnx(to.key, field, to.value));
    }
    await Promise.all(writes);
  } while (cursor !== '0');
  return carried;
}

/** Every key matching `pattern`, on every master of a cluster. */
async function scanAll(redis: Redis | Cluster, pattern: string): Promise<string[]> {
  const nodes = 'nodes' in redis && typeof redis.nodes === 'function' && redis.isCluster ? redis.nodes('master') : [redis as Redis];
  const found: string[] = [];
  for (const node of nodes) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      found.push(...keys);
    } while (cursor !== '0');
  }
  return found.sort();
}

/** Old queues (`<prefix>:<queue>:wait` …) that still hold a job. */
async function busyQueues(redis: Redis | Cluster, keys: readonly string[], prefix: string): Promise<string[]> {
  const busy = new Set<string>();
  for (const key of keys) {
    if (key.startsWith(`${prefix}:cb:`)) continue;
    const rest = key.slice(prefix.length + 1);
    const at = rest.lastIndexOf(':');
    if (at <= 0 || !UNFINISHED.includes(rest.slice(at + 1))) continue;
    const type = await redis.type(key);
    const size = type === 'list' ? await redis.llen(key) : type === 'zset' ? await redis.zcard(key) : type === 'set' ? await redis.scard(key) : 0;
    if (size > 0) busy.add(rest.slice(0, at));
  }
  return [...busy].sort();
}

/** connection name → provider: the connection files', and every job's (a connection named after its provider). */
function connectionProviders(definitions: MigrateOptions['definitions']): Map<string, ProviderName> {
  const out = new Map<string, ProviderName>();
  for (const name of Object.keys(providers) as ProviderName[]) out.set(name, name);
  for (const [name, connection] of definitions.connections) out.set(name, connection.provider as ProviderName);
  for (const sync of definitions.syncs.values()) {
    out.set(sync.source.connection, sync.source.provider);
    for (const target of sync.targets) out.set(target.connection, target.provider);
  }
  return out;
}

function parseObject(json: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(json);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** SCAN patterns treat `*?[]\` specially; a prefix is matched literally. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, '\\$&');
}
