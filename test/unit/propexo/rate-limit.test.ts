import { describe, expect, it } from 'vitest';
import { PropexoRateLimitTracker } from '../../../src/providers/propexo/rate-limit.ts';
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
