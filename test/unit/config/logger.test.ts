import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/logger.ts';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({ write: (chunk: Buffer, _enc, done) => (lines.push(chunk.toString()), done()) });
  return { logger: createLogger('debug', stream), lines };
}

describe('logger', () => {
  it('never writes an authorization header, a token or got\'s request headers', () => {
    const { logger, lines } = capture();
    logger.info({ headers: { authorization: 'Bearer s3cret-1' }, token: 's3cret-2' }, 'request');
    logger.child({ jobId: 'j1', provider: 'trata' }).error({ err: Object.assign(new Error('boom'), { options: { headers: { authorization: 'Bearer s3cret-3' } } }) }, 'failed');
    const out = lines.join('');
    expect(out).not.toMatch(/s3cret/);
    expect(out).toContain('[redacted]');
    expect(out).toContain('"jobId":"j1"');
  });

  it('blanks the secret keys at any depth and in any case, and leaves lines without them as pino wrote them', () => {
    const { logger, lines } = capture();
    logger.info({ a: { b: { c: { Password: 's3cret-4', kept: 1 } } }, list: [{ SECRET: 's3cret-5' }], options: { headers: { 'x-api-key': 's3cret-6' } } }, 'deep');
    logger.info({ note: 'a value with "token": "inside" it', n: 1.25 }, 'plain');
    const [deep, plain] = lines;
    expect(deep).not.toMatch(/s3cret/);
    expect(JSON.parse(deep!)).toMatchObject({ a: { b: { c: { Password: '[redacted]', kept: 1 } } }, list: [{ SECRET: '[redacted]' }], options: { headers: '[redacted]' }, msg: 'deep' });
    expect(JSON.parse(plain!)).toMatchObject({ note: 'a value with "token": "inside" it', n: 1.25, msg: 'plain' });
  });
});
