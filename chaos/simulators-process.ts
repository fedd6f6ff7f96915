/**
 * The chaos harness's provider side, in its own process: the four simulators (Trata, PowerChord, Propexo,
 * Overplane), started as the tests and the sandbox start them. The orchestrator seeds them, edits their records,
 * sets their faults and reads their stores (the truth the checker compares the ledger with) over IPC, never through
 * routes a worker could also see.
 *
 * Every write that reached a store is journaled (time, operation, the ids and emails it carried), so a duplicate
 * can be traced back to the calls that made it.
 */
import { serve } from '../bench/ipc.ts';
import { seededRandom, type FaultConfig } from '../src/simulators/faults.ts';
import { startOverplaneSimulator } from '../src/simulators/overplane/server.ts';
import { startPowerChordSimulator } from '../src/simulators/powerchord/server.ts';
import { startPropexoSimulator } from '../src/simulators/propexo/index.ts';
import type { RunningSimulator } from '../src/simulators/server.ts';
import { startTrataSimulator } from '../src/simulators/trata/server.ts';
import { SIMULATED, type JournalEntry, type Simulated, type SimulatorsInfo, type Truth } from './simulated.ts';

const journal: JournalEntry[] = [];
const note = (sim: Simulated, op: string, ...keys: Array<string | null | undefined>) => {
  journal.push({ at: Date.now(), sim, op, keys: keys.filter((k): k is string => typeof k === 'string' && k.length > 0) });
};
const text = (value: unknown) => (typeof value === 'string' ? value : null);

const trata = await startTrataSimulator();
const powerchord = await startPowerChordSimulator({ trunkId: 'trunk-chaos' });
// Propexo's documented budget (150 a minute) would make a 20,000-record run take hours: the harness tests faults,
// not the rate limit, so the budget is out of reach (the workers' PROPEXO_RATE_LIMIT is raised to match).
const propexo = await startPropexoSimulator({ rateLimit: { budget: 1_000_000_000 }, writeDelayMs: 100 });
const overplane = await startOverplaneSimulator();
const running: Record<Simulated, RunningSimulator> = { trata, powerchord, propexo, overplane };

// The journal: each store's write methods, wrapped. The stores are the simulators' own; nothing else changes.
{
  const create = trata.store.create.bind(trata.store);
  trata.store.create = (input, actor) => {
    const record = create(input, actor);
    if (record.createdBy !== 'trata-system') note('trata', 'create', record.id, record.email, ...record.externalReference.map((r) => text(r['id'])));
    return record;
  };
  const replace = trata.store.replace.bind(trata.store);
  trata.store.replace = (id, input, actor) => {
    const record = replace(id, input, actor);
    note('trata', record ? 'replace' : 'replace (not found)', id, record?.email);
    return record;
  };
  const createLead = powerchord.store.create.bind(powerchord.store);
  powerchord.store.create = (input) => {
    const lead = createLead(input);
    note('powerchord', 'create', lead.ID, text(lead.Content['email']));
    return lead;
  };
  const patch = powerchord.store.patch.bind(powerchord.store);
  powerchord.store.patch = (id, changes) => {
    const lead = patch(id, changes);
    note('powerchord', `patch${changes.ExternalID === undefined ? '' : ` ExternalID=${changes.ExternalID}`}`, id, changes.ExternalID, text(lead?.Content['email']));
    return lead;
  };
  const submit = propexo.store.submit.bind(propexo.store);
  propexo.store.submit = (write) => {
    const job = submit(write);
    note('propexo', `${write.kind} job ${job.id}${propexo.store.holdWrites ? ' (held PENDING)' : ''}`, job.id, write.prospectId, text((write.body as Record<string, unknown>)['email_1']));
    return job;
  };
}

const yieldLoop = () => new Promise((resolve) => setImmediate(resolve));

serve({
  info: (): SimulatorsInfo => ({
    trata: { url: trata.url, token: trata.token },
    powerchord: { url: powerchord.url, leadsUrl: powerchord.leadsUrl, token: powerchord.token, trunkId: powerchord.trunkId },
    propexo: { url: propexo.url, token: propexo.token },
    overplane: { url: overplane.baseUrl, token: overplane.token },
  }),

  /** Trata prospects (the source of two syncs) and Overplane prospects with one prospect-lead each. */
  seed: async ({ trata: trataCount, overplane: overplaneCount }: { trata: number; overplane: number }) => {
    for (let left = trataCount; left > 0; left -= 5_000) {
      trata.store.seed(Math.min(left, 5_000));
      await yieldLoop();
    }
    for (let done = 0; done < overplaneCount; done += 1_000) {
      const n = Math.min(1_000, overplaneCount - done);
      overplane.store.seed(
        Array.from({ length: n }, (_, i) => {
          const k = String(done + i + 1).padStart(6, '0');
          return {
            company: `Chaos Company ${k}`,
            company_name: `Chaos Company ${k} Ltd`,
            industry: 'Software',
            leads: [{ lead_name: `Chaos Person ${k}`, email: `person${k}@chaos.example.com`, mobile_no: `+1415555${k.slice(-4)}`, status: 'Open' }],
          };
        }),
      );
      await yieldLoop();
    }
    return { trata: trata.store.size, overplane: overplane.store.all().length };
  },

  /**
   * Edits `count` seeded source records (picked by `seed`) as their users would: the name gets the marker
   * ` rev<rev>`, which the checker later expects on every target copy (a lost update shows as a stale copy).
   */
  modify: ({ source, count, rev, seed }: { source: 'trata' | 'overplane'; count: number; rev: number; seed: number }) => {
    const random = seededRandom(seed);
    const renamed = (name: string | null) => `${(name ?? '').replace(/ rev\d+$/, '')} rev${rev}`;
    let modified = 0;
    if (source === 'trata') {
      const seeded = trata.store.all().filter((p) => p.createdBy === 'trata-system');
      for (let i = 0; i < count && seeded.length > 0; i++) {
        const current = trata.store.get(seeded[Math.floor(random() * seeded.length)]!.id);
        if (current && trata.store.modify(current.id, { name: renamed(current.name) })) modified++;
      }
    } else {
      const all = overplane.store.all();
      for (let i = 0; i < count && all.length > 0; i++) {
        const row = overplane.store.lines('prospect-lead', all[Math.floor(random() * all.length)]!.id)[0];
        if (!row) continue;
        overplane.store.updateLine('prospect-lead', row.id, { lead_name: renamed(text(row['lead_name'])) });
        modified++;
      }
    }
    return modified;
  },

  /** Replaces one simulator's fault settings (the rest back to none). */
  setFaults: ({ sim, config, seed }: { sim: Simulated; config: Partial<FaultConfig>; seed: number }) => {
    running[sim].faults.reset();
    running[sim].faults.set(config, seed);
    return true;
  },
  clearFaults: ({ sim }: { sim: Simulated }) => {
    running[sim].faults.reset();
    return true;
  },
  /** Propexo write-status stuck at PENDING: new writes are held until released. */
  holdPropexo: ({ on }: { on: boolean }) => {
    propexo.store.holdWrites = on;
    return true;
  },
  releasePropexo: () => propexo.store.releaseHeld(),

  truth: (): Truth => {
    const propexoJobs: Record<string, number> = {};
    for (const job of propexo.store.jobs()) propexoJobs[job.status] = (propexoJobs[job.status] ?? 0) + 1;
    return {
      trata: trata.store.all().map((p) => {
        const ref = p.externalReference.find((r) => r['providerName'] === 'overplane');
        return { id: p.id, email: p.email, name: p.name, overplaneId: text(ref?.['id']) };
      }),
      powerchord: powerchord.store.all().map((l) => ({ id: l.ID, externalId: l.ExternalID, email: text(l.Content['email']), name: text(l.Content['name']) })),
      propexo: propexo.store.all().map((p) => ({ id: p.id, email: text(p['email_1']), name: [text(p['first_name']), text(p['last_name'])].filter(Boolean).join(' ') || null })),
      propexoJobs,
      overplane: overplane.store.all().map((p) => ({ id: p.id, name: text(overplane.store.lines('prospect-lead', p.id)[0]?.['lead_name']) })),
    };
  },

  /** Journal entries naming any of `keys`, oldest first. */
  journal: ({ keys }: { keys: string[] }) => {
    const wanted = new Set(keys);
    return journal.filter((entry) => entry.keys.some((k) => wanted.has(k)));
  },

  /** The whole journal (written next to the logs when a check fails). */
  journalAll: () => journal,

  /** Write calls (POST, PUT, PATCH, DELETE) per simulator since the last reset: a converged re-sync makes none. */
  writeCalls: () =>
    Object.fromEntries(
      SIMULATED.map((sim) => [sim, Object.entries(running[sim].calls.all()).reduce((sum, [route, n]) => sum + (/^(POST|PUT|PATCH|DELETE) /.test(route) ? n : 0), 0)]),
    ),
  resetCalls: () => {
    for (const sim of SIMULATED) running[sim].calls.reset();
    return true;
  },
});
