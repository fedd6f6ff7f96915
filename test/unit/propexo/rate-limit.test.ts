import { describe, expect, it } from 'vitest';
import { PropexoRateLimitTracker, SizedRequestGate } from '../../../src/providers/propexo/rate-limit.ts';
import { FixedWindowLimiter } from '../../../src/simulators/propexo/rate-limit.ts';

describe('propexo rate-limit tracker (client side)', () => {
  it('reads the headers and bounds the 429 wait by the window’s first sighting', () => {
    let now = 1_000;
    const tracker = new PropexoRateLimitTracker(60_000, () => now);
    expect(tracker.state()).toBeNull();
    expect(tracker.retryAfterMs()).toBe(60_000);
    tracker.observe({ 'x-ratelimit-limit': '150', 'x-ratelimit-remaining': '149' });
    now = 21_000;
    tracker.observe({ 'x-ratelimit-limit': '150', 'x-ratelimit-remaining': '0' });
    expect(tracker.state()).toEqual({ limit: 150, remaining: 0, observedAt: 21_000 });
    expect(tracker.retryAfterMs()).toBe(40_000);
    // A rise in remaining is a new window.
    now = 70_000;
    tracker.observe({ 'x-ratelimit-limit': '150', 'x-ratelimit-remaining': '149' });
    expect(tracker.retryAfterMs()).toBe(60_000);
    tracker.observe({ 'x-ratelimit-limit': 'nope' });
    expect(tracker.state()?.remaining).toBe(149);
  });

  it('falls back to the whole window once its estimate is stale', () => {
    let now = 0;
    const tracker = new PropexoRateLimitTracker(10_000, () => now);
    tracker.observe({ 'x-ratelimit-limit': '5', 'x-ratelimit-remaining': '4' });
    now = 15_000;
    expect(tracker.retryAfterMs()).toBe(10_000);
  });
});

describe('simulator fixed-window limiter', () => {
  it('is ok up to 80 %, slow past it, limited past 100 %, and resets with the window', () => {
    let now = 0;
    const limiter = new FixedWindowLimiter({ budget: 10, windowMs: 1_000, slowdownMs: 5 }, () => now);
    const verdicts = Array.from({ length: 12 }, () => limiter.take());
    expect(verdicts.map((v) => v.verdict)).toEqual([...Array(8).fill('ok'), 'slow', 'slow', 'limited', 'limited']);
    expect(verdicts.map((v) => v.remaining)).toEqual([9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 0, 0]);
    now = 1_000;
    expect(limiter.take()).toMatchObject({ verdict: 'ok', remaining: 9, resetInMs: 1_000 });
  });
});

describe('the request budget sized from x-ratelimit-limit', () => {
  /** A fixed-window gate like the shared Redis one: `limit` units, then the time left. */
  function windowGate(limit: number) {
    let used = 0;
    return { acquire: async () => (++used <= limit ? 0 : 1_000), used: () => used, reset: () => (used = 0) };
  }
  async function admitted(gate: { acquire(): Promise<number> }, tries: number): Promise<number> {
    let ok = 0;
    for (let i = 0; i < tries; i++) if ((await gate.acquire()) === 0) ok++;
    return ok;
  }

  it('before any answer a call costs one unit of the configured budget', async () => {
    const shared = windowGate(150);
    expect(await admitted(new SizedRequestGate(shared, 150, () => null), 400)).toBe(150);
  });

  it('a higher limit lets that many calls through the same shared gate', async () => {
    const shared = windowGate(150);
    expect(await admitted(new SizedRequestGate(shared, 150, () => 300), 400)).toBe(300);
  });

  it('a lower limit lets only that many through', async () => {
    const shared = windowGate(150);
    const gate = new SizedRequestGate(shared, 150, () => 60);
    expect(gate.cost()).toBe(2.5);
    expect(await admitted(gate, 400)).toBe(60);
  });

  it('follows the tracker’s header', async () => {
    const tracker = new PropexoRateLimitTracker(60_000);
    const gate = new SizedRequestGate(windowGate(150), 150, () => tracker.state()?.limit ?? null);
    expect(gate.cost()).toBe(1);
    tracker.observe({ 'x-ratelimit-limit': '75', 'x-ratelimit-remaining': '74' });
    expect(gate.cost()).toBe(2);
  });
});
