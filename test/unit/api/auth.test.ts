import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TokenChecker, cookieAllowed, readCookie } from '../../../src/api/auth.ts';

describe('TokenChecker', () => {
  const checker = new TokenChecker(['alpha-token', 'beta-token-longer']);

  it('accepts each configured token and nothing else, whatever the length', () => {
    expect(checker.check('alpha-token')).toBe(true);
    expect(checker.check('beta-token-longer')).toBe(true);
    for (const wrong of ['', 'alpha', 'alpha-token ', 'ALPHA-TOKEN', 'x'.repeat(10_000)]) expect(checker.check(wrong)).toBe(false);
  });

  it("recognises a configured token's digest (what a session keeps) and nothing else", () => {
    const hex = (s: string) => createHash('sha256').update(s).digest('hex');
    expect(checker.checkDigest(hex('alpha-token'))).toBe(true);
    expect(checker.checkDigest(hex('not-a-token'))).toBe(false);
    expect(checker.checkDigest('alpha-token')).toBe(false);
  });

  it('reads a bearer header and nothing looser', () => {
    expect(checker.checkHeader('Bearer alpha-token')).toBe(true);
    expect(checker.checkHeader('bearer   alpha-token ')).toBe(true);
    for (const bad of ['alpha-token', 'Basic alpha-token', 'Bearer', 'Bearer alpha-token extra']) expect(checker.checkHeader(bad)).toBe(false);
  });

  it('refuses to exist without tokens', () => {
    expect(() => new TokenChecker([])).toThrow(/at least one token/);
  });
});

describe('readCookie / cookieAllowed', () => {
  it('reads one cookie among several', () => {
    expect(readCookie('a=1; crm_bridge_session=abc%20d; b=2', 'crm_bridge_session')).toBe('abc d');
    expect(readCookie('a=1', 'crm_bridge_session')).toBeNull();
    expect(readCookie(undefined, 'x')).toBeNull();
    expect(readCookie('crm_bridge_session=%E0%A4%A', 'crm_bridge_session')).toBeNull();
  });

  it('lets the cookie open the dashboard and docs only', () => {
    expect(cookieAllowed('/admin/queues/api/queues')).toBe(true);
    expect(cookieAllowed('/docs/static/index.html')).toBe(true);
    expect(cookieAllowed('/v1/syncs')).toBe(false);
    expect(cookieAllowed('/metrics')).toBe(false);
  });
});
