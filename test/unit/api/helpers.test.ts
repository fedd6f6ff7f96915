import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { UnavailableError, isRedisDown, withDeadline } from '../../../src/api/errors.ts';
import { IdempotencyStore } from '../../../src/api/idempotency.ts';
import { ProgressRenderer, progressLine } from '../../../src/api/progress.ts';
import { redactSecrets } from '../../../src/api/redact.ts';
import { resolveApiTokens } from '../../../src/api/server.ts';
import { ConfigError } from '../../../src/errors.ts';
import type { JobView } from '../../../src/api/schemas.ts';

const job = (over: Partial<JobView> = {}): JobView => ({
  job_id: 'run-1',
  kind: 'sync-run',
  sync: 's',
  status: 'PENDING',
  progress: { done: 5, pulled: 10, pull_done: false, percent: 50 },
  counts: { pulled: 10, unchanged: 1, created: 3, updated: 1, pushed: 4, rejected: 0, failed: 1 },
  reason: null,
  errors: { total: 0, offset: 0, limit: 20, items: [] },
  created_at: '',
  finished_at: null,
  ...over,
});

describe('withDeadline / isRedisDown', () => {
  it('answers an UnavailableError when the work outlives the deadline', async () => {
    await expect(withDeadline(new Promise(() => {}), 20)).rejects.toBeInstanceOf(UnavailableError);
    await expect(withDeadline(Promise.resolve(7), 20)).resolves.toBe(7);
  });

  it('turns Redis connection failures into UnavailableError and leaves other errors alone', async () => {
    await expect(withDeadline(Promise.reject(new Error("Stream isn't writeable and enableOfflineQueue options is false")))).rejects.toBeInstanceOf(UnavailableError);
    await expect(withDeadline(Promise.reject(new TypeError('bug')))).rejects.toBeInstanceOf(TypeError);
    expect(isRedisDown(new Error('connect ECONNREFUSED 127.0.0.1:6379'))).toBe(true);
    expect(isRedisDown('nope')).toBe(false);
  });
});

describe('IdempotencyStore.fingerprint', () => {
  it('ignores key order but not values or routes', () => {
    const a = IdempotencyStore.fingerprint('POST /x', { a: 1, b: [1, 2] });
    expect(IdempotencyStore.fingerprint('POST /x', { b: [1, 2], a: 1 })).toBe(a);
    expect(IdempotencyStore.fingerprint('POST /x', { a: 2, b: [1, 2] })).not.toBe(a);
    expect(IdempotencyStore.fingerprint('POST /y', { a: 1, b: [1, 2] })).not.toBe(a);
  });
});

describe('redactSecrets', () => {
  it('blanks secret-looking keys at any depth and keeps the rest', () => {
    expect(redactSecrets({ sync: 's', token: 't', nested: [{ apiKey: 'k', Authorization: 'Bearer x', keep: 1 }] })).toEqual({
      sync: 's',
      token: '[redacted]',
      nested: [{ apiKey: '[redacted]', Authorization: '[redacted]', keep: 1 }],
    });
  });
});

describe('resolveApiTokens', () => {
  it('uses configured tokens, generates one for the sandbox, refuses otherwise', () => {
    expect(resolveApiTokens(['a', 'b'], false)).toEqual({ tokens: ['a', 'b'], generated: null });
    const made = resolveApiTokens([], true);
    expect(made.generated).toMatch(/^[\w-]{32}$/);
    expect(made.tokens).toEqual([made.generated]);
    expect(() => resolveApiTokens([], false)).toThrow(ConfigError);
  });
});

describe('progress rendering', () => {
  it('shows the bar, percent and the counts the CLI promises', () => {
    expect(progressLine(job(), 10)).toBe('[#####-----]  50%  pulled 10  pushed 4  unchanged 1  rejected 0  failed 1  PENDING');
  });

  it('redraws in place on a TTY and prints plain lines elsewhere', () => {
    const chunks: string[] = [];
    const stream = Object.assign(new PassThrough(), { isTTY: true }) as unknown as NodeJS.WriteStream;
    stream.on('data', (c: Buffer) => chunks.push(c.toString()));
    const tty = new ProgressRenderer(stream);
    tty.update(job());
    tty.done(job({ status: 'SUCCESS' }));
    expect(chunks.join('')).toContain('\r\x1b[2K');
    const plain: string[] = [];
    const pipe = new PassThrough() as unknown as NodeJS.WriteStream;
    (pipe as unknown as PassThrough).on('data', (c: Buffer) => plain.push(c.toString()));
    const renderer = new ProgressRenderer(pipe, { plainEveryMs: 60_000 });
    renderer.update(job());
    renderer.update(job({ progress: { done: 6, pulled: 10, pull_done: false, percent: 60 } }));
    renderer.done(job({ status: 'SUCCESS' }));
    expect(plain.join('')).not.toContain('\r');
    expect(plain.join('').trim().split('\n')).toHaveLength(2);
  });
});
