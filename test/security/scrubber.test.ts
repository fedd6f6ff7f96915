/** Issue #12 item 8 at the unit level: the secrets scrubber, and the logger that applies it to every line. */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.ts';
import { clearSecrets, redisPassword, registerSecrets, scrubDeep, scrubError, scrubJsonText, scrubText, secretsOfEnv } from '../../src/secrets.ts';
import { parseEnv } from '../../src/config/env.ts';

const TOKEN = 'canary-token-7f3a9c1e2b4d6f8a0c2e4a6b8d0f1a3c';
const QUOTED = 'pa"ss\\word-canary';

function capture(level = 'debug') {
  const lines: string[] = [];
  const stream = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
  return { logger: createLogger(level, stream), text: () => lines.join('') };
}

afterEach(() => clearSecrets());

describe('the scrubber', () => {
  it('replaces a registered secret in text, JSON text, any depth of a value, keys included, and an error', () => {
    registerSecrets([TOKEN, QUOTED, 'short', undefined]);
    expect(scrubText(`Authorization: Bearer ${TOKEN}.`)).toBe('Authorization: Bearer [redacted].');
    expect(scrubText('a short word stays')).toBe('a short word stays');
    expect(scrubJsonText(JSON.stringify({ m: `x ${QUOTED} y` }))).toBe('{"m":"x [redacted] y"}');
    const deep = scrubDeep({ a: [{ b: { c: `echo ${TOKEN}` } }], [TOKEN]: 1, n: 2, __proto__: null } as Record<string, unknown>);
    expect(JSON.stringify(deep)).not.toContain(TOKEN);
    expect(deep['n']).toBe(2);
    const error = scrubError(new Error(`provider said ${encodeURIComponent(QUOTED)}`));
    expect(error.message).toBe('provider said [redacted]');
    expect(error.stack).not.toContain(encodeURIComponent(QUOTED));
  });

  it('takes every secret the environment configures, the Redis password decoded from its URL', () => {
    const env = parseEnv({
      API_TOKENS: `${'a'.repeat(32)},${'b'.repeat(32)}`,
      TRATA_TOKEN: 'trata-secret',
      PROPEXO_WEBHOOK_SECRET: 'whsec-secret',
      REDIS_URL: `redis://:${encodeURIComponent('p@ss/word')}@127.0.0.1:6379`,
    });
    expect(secretsOfEnv(env).sort()).toEqual(['a'.repeat(32), 'b'.repeat(32), 'p@ss/word', 'trata-secret', 'whsec-secret'].sort());
    expect(redisPassword('redis://127.0.0.1:6379')).toBeNull();
  });
});

describe('the logger', () => {
  it('scrubs a configured secret from the message and from any depth of the line (pino redact reaches one level)', () => {
    registerSecrets([TOKEN]);
    const { logger, text } = capture();
    const providerBody = { error: { details: { echoed: { headers: { Authorization: `Bearer ${TOKEN}` } } } } };
    logger.child({ jobId: 'j1' }).warn({ err: Object.assign(new Error(`422 from provider: Bearer ${TOKEN}`), { body: providerBody }) }, `push failed: ${TOKEN}`);
    expect(text()).not.toContain(TOKEN);
    expect(text()).toContain('[redacted]');
    expect(text()).toContain('"jobId":"j1"');
  });

  it("never prints the password of a failed Redis AUTH (ioredis's err.command.args), even when it is not registered", () => {
    const { logger, text } = capture();
    const replyError = Object.assign(new Error('WRONGPASS invalid username-password pair or user is disabled.'), {
      name: 'ReplyError',
      command: { name: 'auth', args: ['wrong-redis-password-canary'] },
    });
    logger.error({ queue: 'sync', err: replyError }, 'worker error');
    logger.error({ err: new Error('wrapped', { cause: replyError }) }, 'worker error');
    expect(text()).not.toContain('wrong-redis-password-canary');
    expect(text()).toContain('WRONGPASS');
  });
});
