/**
 * The benchmark's provider side, in its own process so that the simulators' CPU and memory are not charged to
 * the worker: a Trata simulator (the source) and a PowerChord simulator (the target). The orchestrator seeds and
 * inspects them over IPC, never through routes a worker could also see.
 */
import { startPowerChordSimulator } from '../src/simulators/powerchord/server.ts';
import { startTrataSimulator } from '../src/simulators/trata/server.ts';
import { serve } from './ipc.ts';

export interface SimulatorsInfo {
  trata: { url: string; token: string };
  /** `url`: the US API host (updates); `leadsUrl`: the US leads host (creates): the simulator serves them apart. */
  powerchord: { url: string; leadsUrl: string; token: string; trunkId: string };
}

const trata = await startTrataSimulator();
const powerchord = await startPowerChordSimulator();

const WRITE_ROUTES = ['POST /v1/:trunkID', 'PATCH /v3/lead/:leadID'];

serve({
  info: (): SimulatorsInfo => ({
    trata: { url: trata.url, token: trata.token },
    powerchord: { url: powerchord.url, leadsUrl: powerchord.leadsUrl, token: powerchord.token, trunkId: powerchord.trunkId },
  }),
  /** Seeds in slices, so the event loop (and IPC) is never held for long. */
  seed: async ({ records }: { records: number }) => {
    for (let left = records; left > 0; left -= 10_000) {
      trata.store.seed(Math.min(left, 10_000));
      await new Promise((resolve) => setImmediate(resolve));
    }
    return { size: trata.store.size };
  },
  /** Renames every `every`-th prospect, as a Trata user would: its updatedAt moves and its mapped body changes. */
  modifyEvery: ({ every }: { every: number }) => {
    let modified = 0;
    trata.store.all().forEach((prospect, i) => {
      if (i % every !== 0) return;
      trata.store.modify(prospect.id, { name: `${prospect.name ?? ''} (renamed)` });
      modified++;
    });
    return { modified };
  },
  sizes: () => ({ trata: trata.store.size, powerchord: powerchord.store.size }),
  /** PowerChord calls by route since the last reset, and the writes among them. */
  powerchordCalls: () => {
    const all = powerchord.calls.all();
    const writes = WRITE_ROUTES.reduce((sum, route) => sum + (all[route] ?? 0), 0);
    return { all, writes };
  },
  trataCalls: () => trata.calls.all(),
  resetCalls: () => {
    trata.calls.reset();
    powerchord.calls.reset();
    return true;
  },
  /** Drops the naive baseline's leads, so the product starts from an empty target. */
  clearPowerChord: () => {
    powerchord.store.clear();
    powerchord.calls.reset();
    return true;
  },
  rssMb: () => process.memoryUsage.rss() / (1024 * 1024),
  /** CPU time (user + system) this process has used, ms: the provider side's share of a phase. */
  cpuMs: () => {
    const cpu = process.cpuUsage();
    return (cpu.user + cpu.system) / 1000;
  },
});
