/**
 * The nemesis: a schedule of faults drawn from a seed (the same seed, the same schedule), applied one at a time,
 * each healed before the next begins, because the product promises its semantics under any single fault.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { ChildHandle } from '../bench/ipc.ts';
import { seededRandom, type FaultConfig } from '../src/simulators/faults.ts';
import type { ProductProcess } from './processes.ts';
import type { RedisUnderTest } from './redis-server.ts';
import { SIMULATED, type Simulated } from './simulated.ts';

export const FAULT_KINDS = [
  'redis-kill',
  'redis-pause',
  'worker-kill',
  'http-5xx',
  'http-429',
  'http-hang',
  'http-reset',
  'answer-lost',
  'propexo-pending',
  'auth-revoked',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

export interface PlannedFault {
  /** ms after the nemesis starts, if every earlier fault healed on time (a slow restart pushes the rest later). */
  at: number;
  kind: FaultKind;
  /** How long the fault lasts (for kills: how long the process stays down). */
  durationMs: number;
  /** Pause after healing, before the next fault. */
  gapMs: number;
  sim?: Simulated;
  worker?: number;
  /** The Redis node a Redis fault hits (on a cluster; absent on a single server). */
  node?: number;
  /** Share of requests faulted (5xx, hang, reset, answer lost). */
  rate?: number;
  /** 429s in the burst. */
  burst?: number;
  /** Seed of the simulator's fault draws. */
  drawSeed?: number;
}

export interface AppliedFault extends PlannedFault {
  /** ms after the harness's t0 when the fault began and when it was healed. */
  startedAt: number;
  healedAt: number;
  note?: string;
}

export interface PlanOptions {
  seed: number;
  kinds: readonly FaultKind[];
  /** Faults keep being drawn until this much time is planned (ignored with `once`). */
  durationMs: number;
  /** Every kind exactly once, in a seeded order, with short faults (the test suite's short run). */
  once: boolean;
  workers: number;
  /** Redis nodes a Redis fault can hit (3 on a cluster). The node is drawn only when there are several, so a seed's
   * schedule on a single server stays what it was. @default 1 */
  redisNodes?: number;
}

const between = (random: () => number, low: number, high: number) => Math.round(low + random() * (high - low));
const pick = <T>(random: () => number, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** The whole schedule, before anything runs: printed first, so a failing seed can be read and replayed. */
export function planSchedule(options: PlanOptions): PlannedFault[] {
  const random = seededRandom(options.seed);
  const kinds = [...options.kinds];
  // Fisher-Yates: every enabled kind appears once before any repeats, so even a short schedule covers them all.
  for (let i = kinds.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [kinds[i], kinds[j]] = [kinds[j]!, kinds[i]!];
  }
  const short = options.once;
  const redisNodes = options.redisNodes ?? 1;
  const schedule: PlannedFault[] = [];
  let at = 1_000;
  for (let i = 0; short ? i < kinds.length : at < options.durationMs; i++) {
    const kind = i < kinds.length ? kinds[i]! : pick(random, options.kinds);
    const fault: PlannedFault = {
      at,
      kind,
      durationMs: short ? between(random, 800, 1_200) : between(random, 1_000, 3_000),
      gapMs: short ? between(random, 300, 600) : between(random, 500, 2_500),
    };
    switch (kind) {
      case 'redis-kill':
        // Down about 2 s, as an operator's restart (or a supervisor's) would take.
        fault.durationMs = between(random, 1_800, 2_400);
        if (redisNodes > 1) fault.node = Math.floor(random() * redisNodes);
        break;
      case 'redis-pause':
        fault.durationMs = short ? between(random, 1_200, 1_800) : between(random, 1_500, 3_000);
        if (redisNodes > 1) fault.node = Math.floor(random() * redisNodes);
        break;
      case 'worker-kill':
        fault.worker = Math.floor(random() * options.workers);
        fault.durationMs = short ? between(random, 200, 500) : between(random, 300, 1_500);
        break;
      case 'http-5xx':
      case 'http-hang':
      case 'http-reset':
        fault.sim = pick(random, SIMULATED);
        fault.rate = between(random, 20, 50) / 100;
        break;
      case 'http-429':
        fault.sim = pick(random, SIMULATED);
        fault.burst = between(random, 20, 100);
        break;
      case 'answer-lost':
        // Only targets take writes: Trata (from Overplane), PowerChord and Propexo.
        fault.sim = pick(random, ['trata', 'powerchord', 'propexo'] as const);
        fault.rate = between(random, 20, 50) / 100;
        break;
      case 'propexo-pending':
        fault.sim = 'propexo';
        break;
      case 'auth-revoked':
        fault.sim = pick(random, SIMULATED);
        break;
    }
    if (fault.sim) fault.drawSeed = Math.floor(random() * 2 ** 31);
    schedule.push(fault);
    at += fault.durationMs + fault.gapMs;
  }
  return schedule;
}

export function describeFault(fault: PlannedFault): string {
  const parts: string[] = [fault.kind];
  if (fault.sim) parts.push(`on ${fault.sim}`);
  if (fault.worker !== undefined) parts.push(`worker-${fault.worker + 1}`);
  if (fault.node !== undefined) parts.push(`redis node ${fault.node + 1}`);
  if (fault.rate !== undefined) parts.push(`${Math.round(fault.rate * 100)} % of calls`);
  if (fault.burst !== undefined) parts.push(`${fault.burst} calls`);
  parts.push(`for ${(fault.durationMs / 1000).toFixed(1)} s`);
  return parts.join(' ');
}

export interface NemesisDeps {
  redis: RedisUnderTest;
  workers: ProductProcess[];
  simulators: ChildHandle;
  /** ms since the harness's t0. */
  clock: () => number;
  log: (message: string) => void;
}

function simulatorFaults(fault: PlannedFault): Partial<FaultConfig> {
  switch (fault.kind) {
    case 'http-5xx':
      // 504 included: a gateway timeout tells the client nothing about whether the write happened.
      return { errorRate: fault.rate ?? 0.3, errorStatuses: [500, 502, 503, 504] };
    case 'http-429':
      return { rateLimitBurst: fault.burst ?? 50, rateLimitRetryAfterSeconds: 1 };
    case 'http-hang':
      return { hangRate: fault.rate ?? 0.3 };
    case 'http-reset':
      return { resetRate: fault.rate ?? 0.3 };
    case 'answer-lost':
      return { resetAfterProcessingRate: fault.rate ?? 0.3, methods: ['POST', 'PUT', 'PATCH'] };
    case 'auth-revoked':
      return { authRevoked: true };
    default:
      return {};
  }
}

/** Applies the schedule in order; resolves once the last fault is healed. */
export async function runNemesis(schedule: readonly PlannedFault[], deps: NemesisDeps): Promise<AppliedFault[]> {
  const applied: AppliedFault[] = [];
  const start = deps.clock();
  for (const fault of schedule) {
    const wait = start + fault.at - deps.clock();
    if (wait > 0) await sleep(wait);
    const startedAt = deps.clock();
    deps.log(`fault: ${describeFault(fault)}`);
    let note: string | undefined;
    switch (fault.kind) {
      case 'redis-kill':
        await deps.redis.kill(fault.node ?? 0);
        await sleep(fault.durationMs);
        await deps.redis.restart(fault.node ?? 0);
        break;
      case 'redis-pause':
        deps.redis.pause(fault.node ?? 0);
        await sleep(fault.durationMs);
        deps.redis.resume(fault.node ?? 0);
        break;
      case 'worker-kill': {
        const worker = deps.workers[fault.worker ?? 0]!;
        await worker.kill();
        await sleep(fault.durationMs);
        await worker.start();
        break;
      }
      case 'propexo-pending':
        await deps.simulators.call('holdPropexo', { on: true });
        await sleep(fault.durationMs);
        await deps.simulators.call('holdPropexo', { on: false });
        note = 'writes accepted meanwhile stay PENDING until the chaos runs have settled';
        break;
      default:
        await deps.simulators.call('setFaults', { sim: fault.sim, config: simulatorFaults(fault), seed: fault.drawSeed ?? 1 });
        await sleep(fault.durationMs);
        await deps.simulators.call('clearFaults', { sim: fault.sim });
    }
    const healedAt = deps.clock();
    applied.push({ ...fault, startedAt, healedAt, ...(note ? { note } : {}) });
    await sleep(fault.gapMs);
  }
  return applied;
}
