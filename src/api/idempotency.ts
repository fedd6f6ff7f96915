import { createHash, randomUUID } from 'node:crypto';
import type { RedisClient } from '../redis/connection.ts';
import { z } from 'zod';
import { canonicalJson } from '../sync/canonical-json.ts';
import { ApiError, ApiErrorCode } from './errors.ts';

/** A key is honoured this long after its first use. */
export const IDEMPOTENCY_TTL_S = 24 * 3600;

/** What a key remembers: which request it was first used for, and the job id it was given. */
const Entry = z.object({ hash: z.string(), jobId: z.string(), state: z.enum(['reserved', 'enqueued']) });
type Entry = z.infer<typeof Entry>;

export interface IdempotentStart {
  jobId: string;
  /** False when the key was seen before with the same request: nothing new was started. */
  created: boolean;
}

/**
 * Starts work at most once per `Idempotency-Key`. The key is reserved with SET NX together with the job id the
 * work will get, and only then is the job enqueued under that id; a crash between the two leaves a reservation
 * that the next request with the key completes, under the same id, so BullMQ's duplicate-id check makes it a
 * no-op when the job got in. The id is derived from the key and the request (`jobIdFor`), so even a retry that
 * finds no reservation (released by an attempt that gave up) names the same job. A key reused for a different
 * request (another route or body) is a 409.
 */
export class IdempotencyStore {
  readonly #redis: RedisClient;
  readonly #keyOf: (key: string) => string;

  constructor(redis: RedisClient, keyOf: (key: string) => string) {
    this.#redis = redis;
    this.#keyOf = keyOf;
  }

  /** Fingerprint of a request: the route it hit and its canonical body. */
  static fingerprint(route: string, body: unknown): string {
    return createHash('sha256').update(route).update('\n').update(canonicalJson(body ?? null)).digest('hex');
  }

  /** The job id of the work a key starts for a request (BullMQ custom ids may not contain ':'). */
  static jobIdFor(kind: JobKind, key: string, fingerprint: string): string {
    return `${kind}-${createHash('sha256').update(key).update('\n').update(fingerprint).digest('hex').slice(0, 32)}`;
  }

  /**
   * `start(jobId)` enqueues and answers the id it used (null: nothing to do, and the key is released).
   * `jobId` is the id stored in a new reservation; an existing one keeps its own.
   */
  async run(key: string, fingerprint: string, jobId: string, start: (jobId: string) => Promise<string | null>): Promise<IdempotentStart | null> {
    const redisKey = this.#keyOf(createHash('sha256').update(key).digest('hex'));
    const reserved: Entry = { hash: fingerprint, jobId, state: 'reserved' };
    let won = (await this.#redis.set(redisKey, JSON.stringify(reserved), 'EX', IDEMPOTENCY_TTL_S, 'NX')) === 'OK';
    const raw = won ? null : await this.#redis.get(redisKey);
    if (!won && raw === null) return this.run(key, fingerprint, jobId, start); // expired between SET and GET: try again
    let entry = won ? reserved : parseEntry(raw);
    if (!entry) {
      // Unreadable (damaged, or not an entry): taken over. Retrying would loop on SET NX / GET for as long as it is
      // kept; the job id comes from the key and the request, so a job the old entry started is not started twice.
      await this.#redis.set(redisKey, JSON.stringify(reserved), 'EX', IDEMPOTENCY_TTL_S);
      [entry, won] = [reserved, true];
    }
    if (entry.hash !== fingerprint) {
      throw new ApiError(409, ApiErrorCode.IDEMPOTENCY_CONFLICT, 'this Idempotency-Key was already used with a different request', [
        { field: 'headers.idempotency-key', message: 'reused with a different body or route' },
      ]);
    }
    if (!won && entry.state === 'enqueued') return { jobId: entry.jobId, created: false };
    let used: string | null;
    try {
      used = await start(entry.jobId);
    } catch (error) {
      // Let the client retry with the key; if the job did get in, the retry names the same id and adds nothing.
      if (won) await this.#redis.del(redisKey).catch(() => undefined);
      throw error;
    }
    if (used === null) {
      await this.#redis.del(redisKey);
      return null;
    }
    await this.#redis.set(redisKey, JSON.stringify({ ...entry, state: 'enqueued' } satisfies Entry), 'EX', IDEMPOTENCY_TTL_S, 'XX');
    return { jobId: used, created: won };
  }
}

function parseEntry(raw: string | null): Entry | null {
  if (!raw) return null;
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return null;
  }
  const parsed = Entry.safeParse(value);
  return parsed.success ? parsed.data : null;
}

export type JobKind = 'run' | 'records' | 'retry' | 'webhook';

/** A job id for new work of one kind (a request without an Idempotency-Key); BullMQ custom ids may not contain ':'. */
export const newJobId = (kind: JobKind) => `${kind}-${randomUUID()}`;
