import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { FixedWindowLimiter } from '../../../src/simulators/propexo/rate-limit.ts';
import { RedisRequestGate } from '../../../src/sync/request-gate.ts';
import { testRedis } from '../../helpers/test-redis.ts';

const redis = testRedis();
afterAll(() => redis.quit());

/**
 * Two senders share one gate in front of a provider's fixed window (the Propexo simulator's own limiter, which
 * opens its window on the first request it sees). First a trickle that has not spent the budget when the provider's
 * window ends, then as fast as the gate allows: the trickle's late requests open the provider's next window early.
 */
async function trickleThenBurst(gate: RedisRequestGate, provider: FixedWindowLimiter, options: { windowMs: number; arrivalMs: number }) {
  const start = Date.now();
  const trickleUntil = start + options.windowMs * 1.08;
  const end = start + options.windowMs * 4.5;
  let sent = 0;
  let limited = 0;
  const sender = async () => {
    while (Date.now() < end) {
      const wait = await gate.acquire();
      if (wait > 0) {
        await sleep(wait);
        continue;
      }
      sent++;
      await sleep(options.arrivalMs);
      if (provider.take().verdict === 'limited') limited++;
      if (Date.now() < trickleUntil) await sleep(options.windowMs / 10);
    }
  };
  await Promise.all([sender(), sender()]);
  return { sent, limited };
}

describe('the shared request gate against a provider fixed window', () => {
  it('never lets a provider window receive more than the budget, however the windows fall', { timeout: 20_000 }, async () => {
    const windowMs = 1_000;
    const budget = 20;
    const provider = new FixedWindowLimiter({ budget, windowMs, slowdownMs: 0 });
    const gate = new RedisRequestGate(redis, `cbt:gate:${randomUUID()}`, { limit: budget, windowMs }, 100);
    const { sent, limited } = await trickleThenBurst(gate, provider, { windowMs, arrivalMs: 5 });
    // The gate before: its window merely ran the margin longer than the provider's, and 2 calls were refused here.
    expect(limited).toBe(0);
    // And the budget is used: 4.5 windows of up to 20, less the closing spans.
    expect(sent).toBeGreaterThanOrEqual(3 * budget);
  });
});
