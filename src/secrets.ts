/**
 * One scrubber for every configured secret (API tokens, provider tokens, the webhook secret, the Redis password),
 * applied where text leaves the process: log lines, record errors written to Redis, job failure reasons, API and
 * dashboard answers. Key-based redaction (pino `redact`, `redactSecrets`) catches secrets under known names; this
 * catches them anywhere else, e.g. a provider that echoes our `Authorization` header into its error body.
 *
 * The set is process-wide because the secrets are: they are read once from the environment at start.
 */
import type { Env } from './config/env.ts';

export const REDACTED = '[redacted]';

/**
 * Shorter values are not scrubbed: blanking every "abc" in every log line would hide more than it protects, and
 * the API refuses tokens under 32 characters anyway.
 */
export const MIN_SECRET_LENGTH = 6;

let known: string[] = [];
let plainPattern: RegExp | null = null;
let jsonPattern: RegExp | null = null;

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** How a string looks inside JSON text (quotes, backslashes and control characters escaped). */
const jsonEscaped = (text: string) => JSON.stringify(text).slice(1, -1);

/** Adds secrets to scrub from now on. Values that are unset or shorter than MIN_SECRET_LENGTH are skipped. */
export function registerSecrets(values: Iterable<string | null | undefined>): void {
  const set = new Set(known);
  for (const value of values) {
    if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) continue;
    set.add(value);
    // A password also travels percent-encoded (in a URL) and a token form-encoded (the sign-in form).
    set.add(encodeURIComponent(value));
  }
  if (set.size === known.length) return;
  // Longest first, so a secret that contains another is replaced whole.
  known = [...set].sort((a, b) => b.length - a.length);
  plainPattern = new RegExp(known.map(escapeRegExp).join('|'), 'g');
  jsonPattern = new RegExp([...new Set(known.map(jsonEscaped))].map(escapeRegExp).join('|'), 'g');
}

/** Forgets every registered secret (tests). */
export function clearSecrets(): void {
  known = [];
  plainPattern = null;
  jsonPattern = null;
}

/** Variables whose value is a credential, by name: every `*_TOKEN(S)`, `*_SECRET` and `*_PASSWORD`. */
const SECRET_VARIABLE = /(^|_)(TOKENS?|SECRET|PASSWORD)$/;

/** Whether a variable holds a credential by its name (connection files then accept it only as a reference). */
export function isSecretVariable(name: string): boolean {
  return SECRET_VARIABLE.test(name);
}

/**
 * The secrets crm-bridge's environment configures: each credential variable (API tokens, provider tokens,
 * passwords and client secrets, the webhook secret; a variable added later is covered by its name) and the
 * password inside REDIS_URL.
 */
export function secretsOfEnv(env: Env): string[] {
  const values: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!SECRET_VARIABLE.test(name)) continue;
    if (typeof value === 'string') values.push(value);
    else if (Array.isArray(value)) values.push(...value.filter((v): v is string => typeof v === 'string'));
  }
  const redis = env.REDIS_URL === undefined ? null : redisPassword(env.REDIS_URL);
  if (redis !== null) values.push(redis);
  return values;
}

/** The password in a `redis://user:password@host` URL, decoded; null when it has none. */
export function redisPassword(url: string): string | null {
  try {
    const password = new URL(url).password;
    return password === '' ? null : decodeURIComponent(password);
  } catch {
    return null;
  }
}

/** Replaces every registered secret in `text`. */
export function scrubText(text: string): string {
  return plainPattern === null || text.length < MIN_SECRET_LENGTH ? text : text.replace(plainPattern, REDACTED);
}

/** Replaces every registered secret in JSON text, where a secret with quotes or backslashes appears escaped. */
export function scrubJsonText(text: string): string {
  return jsonPattern === null ? text : text.replace(jsonPattern, REDACTED);
}

/**
 * A copy of a JSON-like value with every string (keys included) scrubbed, at any depth. Class instances other
 * than plain objects and arrays are kept as they are, except Errors, whose message and stack are scrubbed.
 */
export function scrubDeep<T>(value: T): T {
  if (plainPattern === null) return value;
  return scrubValue(value, new WeakSet()) as T;
}

function scrubValue(value: unknown, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return scrubText(value);
  if (value === null || typeof value !== 'object') return value;
  if (seen.has(value)) return value;
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => scrubValue(v, seen));
  if (value instanceof Error) return scrubError(value);
  const proto = Object.getPrototypeOf(value) as unknown;
  if (proto !== Object.prototype && proto !== null) return value;
  const out: Record<string, unknown> = {};
  // defineProperty: a `__proto__` key stays a plain key instead of replacing the copy's prototype.
  for (const [k, v] of Object.entries(value)) Object.defineProperty(out, scrubText(k), { value: scrubValue(v, seen), enumerable: true, writable: true, configurable: true });
  return out;
}

/** Scrubs an error's message and stack in place (BullMQ stores both as the job's failedReason and stacktrace). */
export function scrubError<E>(error: E): E {
  if (plainPattern === null || !(error instanceof Error)) return error;
  error.message = scrubText(error.message);
  if (typeof error.stack === 'string') error.stack = scrubText(error.stack);
  return error;
}
