import { createHash, randomBytes } from 'node:crypto';
import type { RedisClient } from '../redis/connection.ts';
import { z } from 'zod';
import { withDeadline } from './errors.ts';

/** How long a dashboard sign-in lasts. */
export const SESSION_TTL_S = 12 * 3600;

const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

/** What Redis keeps per session: which token opened it (as a digest), so rotating that token out ends it. */
const Session = z.object({ token: z.string(), at: z.string() });

/**
 * Dashboard sessions, kept server-side: the cookie holds a random 256-bit id and nothing else; Redis holds the
 * session under the id's SHA-256 (a reader of Redis cannot lift a live cookie from it) with a TTL. Sign-out
 * deletes it, so a copied cookie stops working at once.
 */
export class SessionStore {
  readonly #redis: RedisClient;
  readonly #keyOf: (idDigest: string) => string;
  readonly #deadlineMs: number;

  constructor(redis: RedisClient, keyOf: (idDigest: string) => string, deadlineMs: number) {
    this.#redis = redis;
    this.#keyOf = keyOf;
    this.#deadlineMs = deadlineMs;
  }

  /** Opens a session for a (valid) token and answers the cookie value. */
  async open(token: string): Promise<string> {
    const id = randomBytes(32).toString('base64url');
    const value = JSON.stringify({ token: sha256(token), at: new Date().toISOString() } satisfies z.infer<typeof Session>);
    await withDeadline(this.#redis.set(this.#keyOf(sha256(id)), value, 'EX', SESSION_TTL_S), this.#deadlineMs);
    return id;
  }

  /** The SHA-256 of the token that opened the session, or null when it is unknown, expired or signed out. */
  async tokenDigest(id: string): Promise<string | null> {
    if (!/^[\w-]{43}$/.test(id)) return null;
    const raw = await withDeadline(this.#redis.get(this.#keyOf(sha256(id))), this.#deadlineMs);
    if (raw === null) return null;
    try {
      const parsed = Session.safeParse(JSON.parse(raw));
      return parsed.success ? parsed.data.token : null;
    } catch {
      return null;
    }
  }

  async close(id: string): Promise<void> {
    if (!/^[\w-]{43}$/.test(id)) return;
    await withDeadline(this.#redis.del(this.#keyOf(sha256(id))), this.#deadlineMs);
  }
}
