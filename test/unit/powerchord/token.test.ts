import { describe, expect, it } from 'vitest';
import { RenewingToken, StaticToken, type AccessToken } from '../../../src/providers/powerchord/token.ts';

/** A fetch that hands out `t1`, `t2`, ... each living `lifetimeMs` on a fake clock, resolved when the test says so. */
function fakeGrant(clock: { now: number }, lifetimeMs: number | null) {
  let issued = 0;
  const pending: Array<{ resolve: (token: AccessToken) => void; reject: (error: unknown) => void }> = [];
  return {
    fetch: () =>
      new Promise<AccessToken>((resolve, reject) => {
        pending.push({ resolve, reject });
      }),
    issue() {
      issued++;
      pending.shift()!.resolve({ value: `t${issued}`, expiresAt: lifetimeMs === null ? null : clock.now + lifetimeMs });
    },
    fail(error: unknown) {
      pending.shift()!.reject(error);
    },
    get waiting() {
      return pending.length;
    },
  };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('PowerChord token renewal', () => {
  it('makes one fetch however many calls need a token at once, and shares its token', async () => {
    const clock = { now: 0 };
    const grant = fakeGrant(clock, 60_000);
    const tokens = new RenewingToken(grant.fetch, { now: () => clock.now });
    const calls = Array.from({ length: 20 }, () => tokens.get());
    await tick();
    expect(grant.waiting).toBe(1);
    grant.issue();
    expect(new Set(await Promise.all(calls))).toEqual(new Set(['t1']));
    expect(tokens.fetches).toBe(1);
  });

  it('renews a fifth of the lifetime before expiry (at most a minute early), not before', async () => {
    const clock = { now: 0 };
    const grant = fakeGrant(clock, 10_000);
    const tokens = new RenewingToken(grant.fetch, { now: () => clock.now });
    const first = tokens.get();
    await tick();
    grant.issue();
    expect(await first).toBe('t1');
    clock.now = 7_999; // renews at 10 000 - 2 000
    expect(await tokens.get()).toBe('t1');
    clock.now = 8_000;
    const renewed = tokens.get();
    await tick();
    grant.issue();
    expect(await renewed).toBe('t2');

    const long = fakeGrant(clock, 3_600_000);
    const hourly = new RenewingToken(long.fetch, { now: () => clock.now });
    clock.now = 0;
    const a = hourly.get();
    await tick();
    long.issue();
    await a;
    clock.now = 3_539_999;
    expect(await hourly.get()).toBe('t1');
    expect(hourly.fetches).toBe(1);
    clock.now = 3_540_000; // one minute before the hour
    void hourly.get();
    expect(hourly.fetches).toBe(2);
  });

  it('drops a refused token once: later refusals of the same token do not fetch again', async () => {
    const clock = { now: 0 };
    const grant = fakeGrant(clock, null);
    const tokens = new RenewingToken(grant.fetch, { now: () => clock.now });
    const first = tokens.get();
    await tick();
    grant.issue();
    expect(await first).toBe('t1');
    expect(await tokens.get()).toBe('t1'); // no expiry known: kept until refused
    expect(tokens.refused('t1')).toBe(true);
    const renewed = tokens.get();
    await tick();
    grant.issue();
    expect(await renewed).toBe('t2');
    // A call that was in flight with t1 is refused after the renewal: t2 stays.
    expect(tokens.refused('t1')).toBe(true);
    expect(await tokens.get()).toBe('t2');
    expect(tokens.fetches).toBe(2);
  });

  it('gives calls within a second of a failed fetch the same error, then tries again', async () => {
    const clock = { now: 0 };
    const grant = fakeGrant(clock, 60_000);
    const tokens = new RenewingToken(grant.fetch, { now: () => clock.now });
    const failing = tokens.get();
    await tick();
    const refusal = new Error('refused');
    grant.fail(refusal);
    await expect(failing).rejects.toBe(refusal);
    clock.now = 999;
    await expect(tokens.get()).rejects.toBe(refusal);
    expect(tokens.fetches).toBe(1);
    clock.now = 1_000;
    const retried = tokens.get();
    await tick();
    grant.issue();
    expect(await retried).toBe('t1');
  });

  it('a static token is never renewed', async () => {
    const tokens = new StaticToken('static');
    expect(await tokens.get()).toBe('static');
    expect(tokens.refused('static')).toBe(false);
  });
});
