import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { ProviderRateLimitedError } from '../../../src/providers/errors.ts';
import { PropexoConnector } from '../../../src/providers/propexo/index.ts';
import { dataConnection } from '../../../src/redis/connection.ts';
import { RedisRequestGate } from '../../../src/sync/request-gate.ts';
import { startPropexoSimulator, type PropexoSimulator } from '../../../src/simulators/propexo/index.ts';
import { connectTo } from './connect.ts';

// A small budget and short window/slowdown so the documented 150/min, 80 % → 2 s, 100 % → 429 runs in a second.
const WINDOW_MS = 1_500;
const SLOWDOWN_MS = 300;
let sim: PropexoSimulator;

beforeAll(async () => {
  sim = await startPropexoSimulator({ writeDelayMs: 10, rateLimit: { budget: 5, windowMs: WINDOW_MS, slowdownMs: SLOWDOWN_MS } });
});
afterAll(async () => {
  await sim.close();
});
beforeEach(() => {
  sim.limiter.reset();
});

const connect = () => connectTo(sim, { rateLimitWindowMs: String(WINDOW_MS) });

async function timed<T>(call: () => Promise<T>): Promise<number> {
  const start = performance.now();
  await call();
  return performance.now() - start;
}

describe('propexo rate limit', () => {
  it('exposes x-ratelimit-limit / x-ratelimit-remaining from every response', async () => {
    const connector = connect();
    expect(connector.rateLimitState()).toBeNull();
    await connector.listPage(null);
    expect(connector.rateLimitState()).toMatchObject({ limit: 5, remaining: 4 });
    await connector.get('cmissing');
    expect(connector.rateLimitState()).toMatchObject({ limit: 5, remaining: 3 });
  });

  it('slows each response past 80 % of the budget, then answers 429 with the time to the reset', async () => {
    const connector = connect();
    for (let i = 0; i < 4; i++) await connector.listPage(null);
    expect(connector.rateLimitState()?.remaining).toBe(1);
    // The 5th request is past 80 % of 5: delayed by the slowdown.
    expect(await timed(() => connector.listPage(null))).toBeGreaterThanOrEqual(SLOWDOWN_MS - 5);
    expect(connector.rateLimitState()?.remaining).toBe(0);

    const error = await connector.listPage(null).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProviderRateLimitedError);
    const limited = error as ProviderRateLimitedError;
    expect(limited.status).toBe(429);
    expect(limited.body).toMatchObject({ error: { code: 'rate_limited' } });
    expect(limited.retryAfterMs).toBeGreaterThan(0);
    expect(limited.retryAfterMs).toBeLessThanOrEqual(WINDOW_MS);

    // Waiting what the error says is enough: the estimate is never earlier than the real reset.
    await new Promise((resolve) => setTimeout(resolve, limited.retryAfterMs!));
    await expect(connector.listPage(null)).resolves.toHaveProperty('records');
    expect(connector.rateLimitState()?.remaining).toBe(4);
  });

  it('write-status polling spends the same budget', async () => {
    const connector = connect();
    const job = (await connector.create({ first_name: 'Poll' })) as { jobId: string };
    for (let i = 0; i < 3; i++) await connector.writeStatus(job.jobId);
    expect(connector.rateLimitState()?.remaining).toBe(1);
  });
});

describe('a 429 that does carry Retry-After', () => {
  it('keeps the header’s value rather than the estimate', async () => {
    sim.faults.set({ rateLimitBurst: 1, rateLimitRetryAfterSeconds: 1 });
    const error = await connect().listPage(null).catch((e: unknown) => e);
    expect((error as ProviderRateLimitedError).retryAfterMs).toBe(1_000);
    sim.faults.reset();
  });
});

describe('the shared request budget, sized from x-ratelimit-limit', () => {
  const WINDOW = 2_000;

  async function budgetRun(simBudget: number, configured: number) {
    const redis = dataConnection(inject('redisUrl'));
    const propexo = await startPropexoSimulator({ writeDelayMs: 10, rateLimit: { budget: simBudget, windowMs: WINDOW, slowdownMs: 0 } });
    try {
      const rateLimit = { limit: configured, windowMs: WINDOW };
      const gate = new RedisRequestGate(redis, `{cbt-gate-${randomUUID()}}:budget`, rateLimit, 100);
      const connector = new PropexoConnector({ name: 'p', provider: 'propexo', baseUrl: propexo.url, token: propexo.token, timeoutMs: 5_000, options: { rateLimitWindowMs: String(WINDOW) }, rateLimit, gate });
      let sent = 0;
      let refusedByGate = 0;
      for (let i = 0; i < 3 * Math.max(simBudget, configured); i++) {
        const outcome = await connector.listPage(null).then(
          () => 'sent',
          (e: unknown) => (e instanceof ProviderRateLimitedError && e.status === null ? 'gate' : 'other'),
        );
        if (outcome === 'sent') sent++;
        else if (outcome === 'gate') refusedByGate++;
      }
      return { sent, refusedByGate, answered429: propexo.calls.status(429) };
    } finally {
      await propexo.close();
      await redis.quit();
    }
  }

  it('a higher limit than configured (300 vs 150 scaled to 12 vs 6) is used in full, without a 429', async () => {
    const { sent, answered429 } = await budgetRun(12, 6);
    expect(answered429).toBe(0);
    // One call at the configured cost (before the first header), then 12 a window's worth at half a unit each.
    expect(sent).toBeGreaterThanOrEqual(11);
    expect(sent).toBeLessThanOrEqual(12);
  });

  it('a lower limit than configured holds the calls back at our gate, not at Propexo’s 429', async () => {
    const { sent, refusedByGate, answered429 } = await budgetRun(4, 8);
    expect(answered429).toBe(0);
    expect(sent).toBeLessThanOrEqual(4);
    expect(refusedByGate).toBeGreaterThan(0);
  });
});
