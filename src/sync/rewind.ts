/**
 * Rewind: move a sync's saved cursor back, so its next run re-reads the source from a time (or from the start).
 * Nothing is written because of it: the re-read records go through the diff, and only those whose mapped body
 * differs from what the target last got are pushed. Where the cursor lives and who moves it: src/sync/keys.ts
 * (`cursor`), set by the last page of a normal run (page-processor.ts), read by the next run's start (run-processor.ts).
 *
 * A rewind while a run of the sync is in progress is refused (RunInProgressError), not queued: that run checkpoints
 * its own cursor when its last page is read, which would silently overwrite the rewind. Refusing says so at once;
 * the caller rewinds again once the run ended. The check and the write are one script, so a run that starts in
 * between cannot read the old cursor and then overwrite the new one.
 */
import { providers } from '../providers/registry.ts';
import type { Connector, Cursor } from '../providers/types.ts';
import type { SyncContext } from './context.ts';
import type { SyncDefinition } from './definition.ts';

/** Where a sync's next normal run starts reading. */
export interface CursorState {
  sync: string;
  /** The source can be read from a time on; when false (Overplane), every run reads all of it and the diff sorts it. */
  incremental: boolean;
  /** The next normal run reads the records updated at or after this instant (ISO 8601); null: from the start. */
  readsFrom: string | null;
}

export interface RewindResult extends CursorState {
  /** Where the next run would have started before the rewind. */
  previousReadsFrom: string | null;
}

/** Another run of the sync holds it: its end would overwrite the rewound cursor. */
export class RunInProgressError extends Error {
  readonly code = 'ERR_RUN_IN_PROGRESS';
  readonly runId: string;
  constructor(sync: string, runId: string) {
    super(`run ${runId} of ${sync} is in progress and would overwrite the cursor when it ends: rewind once it has finished (crm-bridge status ${runId})`);
    this.name = 'RunInProgressError';
    this.runId = runId;
  }
}

/** The time asked for is not one a rewind can go to. */
export class RewindTimeError extends Error {
  readonly code = 'ERR_REWIND_TIME';
  constructor(message: string) {
    super(message);
    this.name = 'RewindTimeError';
  }
}

/** The source's connection is not configured in this process, so its cursor cannot be built here. */
export class RewindSourceError extends Error {
  readonly code = 'ERR_REWIND_SOURCE';
  constructor(message: string) {
    super(message);
    this.name = 'RewindSourceError';
  }
}

/**
 * A run that ended this recently may still be writing its checkpoint (its last page sets the cursor right after the
 * ledger says finished); past it, a lock still held by a finished run is a leftover of a crash, not a run.
 */
const SETTLE_MS = 10_000;

// KEYS: the sync's active-run key, its cursor key. ARGV: the lock holder seen ('' for none), the cursor JSON ('' deletes).
const SET_IF_HOLDER = `
if (redis.call('GET', KEYS[1]) or '') ~= ARGV[1] then return 0 end
if ARGV[2] == '' then redis.call('DEL', KEYS[2]) else redis.call('SET', KEYS[2], ARGV[2]) end
return 1
`;

function sourceOf(ctx: SyncContext, sync: SyncDefinition): Connector | null {
  return ctx.connectors.has(sync.source.connection) ? ctx.connectors.get(sync.source.connection) : null;
}

/** The instant a stored cursor reads from, as an ISO string in milliseconds (Trata's microseconds rounded down). */
function sinceOf(connector: Connector | null, json: string | null): string | null {
  if (json === null || !connector?.cursorSince) return null;
  try {
    const since = connector.cursorSince(JSON.parse(json) as Cursor);
    return since === null ? null : new Date(Date.parse(since)).toISOString();
  } catch {
    return null; // an unreadable cursor makes the next run start over (run-processor.ts): from the start
  }
}

/** Where the sync's next normal (incremental) run starts reading. */
export async function cursorState(ctx: SyncContext, sync: SyncDefinition): Promise<CursorState> {
  const connector = sourceOf(ctx, sync);
  // Unconfigured here (an API process without that connection), the provider says what its listing can do.
  const incremental = (connector ?? providers[sync.source.provider]).capabilities.incremental;
  const json = incremental ? await ctx.redis.get(ctx.keys.cursor(sync.name)) : null;
  return { sync: sync.name, incremental, readsFrom: sinceOf(connector, json) };
}

/**
 * Moves the sync's cursor to `to` (an ISO 8601 time with a zone, not in the future) or to the start. `now` is this
 * server's clock.
 */
export async function rewindCursor(ctx: SyncContext, sync: SyncDefinition, to: string | 'start', now = Date.now()): Promise<RewindResult> {
  let since: string | null = null;
  if (to !== 'start') {
    const ms = Date.parse(to);
    if (Number.isNaN(ms)) throw new RewindTimeError(`"${to}" is not a time: give an ISO 8601 time with a zone (2026-11-30T22:00:00Z) or "start"`);
    if (ms > now) throw new RewindTimeError(`${to} is in the future (the server's time is ${new Date(now).toISOString()}): a rewind goes back`);
    since = new Date(ms).toISOString();
  }
  const connector = sourceOf(ctx, sync);
  // Unconfigured here (an API process without that connection), the provider says what its listing can do.
  const incremental = (connector ?? providers[sync.source.provider]).capabilities.incremental;
  let cursor: Cursor = null;
  if (since !== null && incremental) {
    if (connector === null) {
      throw new RewindSourceError(`the source connection "${sync.source.connection}" of ${sync.name} is not configured in this process: a rewind to a time needs it (a rewind to "start" does not)`);
    }
    if (!connector.cursorAt) throw new RewindSourceError(`${sync.source.provider} cannot be read from a time`);
    cursor = connector.cursorAt(since);
  }

  const active = ctx.keys.activeRun(sync.name);
  const cursorKey = ctx.keys.cursor(sync.name);
  // Twice at most: a run that takes the lock between our read and the script is then seen holding it.
  for (let attempt = 0; attempt < 2; attempt++) {
    const [holder, previous] = await Promise.all([ctx.redis.get(active), ctx.redis.get(cursorKey)]);
    if (holder) {
      const run = await ctx.ledger.get(holder);
      const settling = run?.finishedAt ? now - Date.parse(run.finishedAt) < SETTLE_MS : false;
      if (run && (run.status === 'PENDING' || settling)) throw new RunInProgressError(sync.name, holder);
    }
    const written = await ctx.redis.eval(SET_IF_HOLDER, 2, active, cursorKey, holder ?? '', cursor === null ? '' : JSON.stringify(cursor));
    if (written === 1) {
      const result = { sync: sync.name, incremental, readsFrom: incremental ? since : null, previousReadsFrom: sinceOf(connector, previous) };
      ctx.logger.info({ sync: sync.name, from: result.previousReadsFrom, to: result.readsFrom ?? 'start' }, 'cursor rewound: the next run re-reads from there');
      return result;
    }
  }
  throw new RunInProgressError(sync.name, (await ctx.redis.get(active)) ?? 'just started');
}
