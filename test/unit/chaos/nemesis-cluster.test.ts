import { describe, expect, it } from 'vitest';
import { FAULT_KINDS, planSchedule } from '../../../chaos/nemesis.ts';

const plan = (seed: number, redisNodes?: number, kinds: readonly (typeof FAULT_KINDS)[number][] = FAULT_KINDS) =>
  planSchedule({ seed, kinds, durationMs: 60_000, once: false, workers: 2, ...(redisNodes ? { redisNodes } : {}) });

describe('the nemesis on a Redis Cluster', () => {
  it('names the node each Redis fault hits, drawn from the seed (the same seed, the same nodes)', () => {
    const faults = plan(7, 3, ['redis-kill', 'redis-pause']);
    expect(faults.length).toBeGreaterThan(5);
    for (const fault of faults) expect([0, 1, 2]).toContain(fault.node);
    expect(new Set(faults.map((f) => f.node)).size).toBeGreaterThan(1);
    expect(plan(7, 3, ['redis-kill', 'redis-pause'])).toEqual(faults);
  });

  it('leaves a single server’s schedule as it was: no node, no extra draw', () => {
    const single = plan(505);
    expect(single.every((f) => f.node === undefined)).toBe(true);
    // Faults other than Redis's draw nothing new on a cluster either, so they are what the seed gave before.
    const onCluster = plan(505, 3);
    expect(onCluster.map((f) => f.kind).slice(0, FAULT_KINDS.length).sort()).toEqual([...FAULT_KINDS].sort());
  });

  it('--faults <kind>: only that kind, for the whole schedule', () => {
    const faults = plan(1301, 3, ['redis-kill']);
    expect(new Set(faults.map((f) => f.kind))).toEqual(new Set(['redis-kill']));
  });
});
