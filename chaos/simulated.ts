/**
 * What the harness and its simulators process share: the simulated providers, their write routes, and the shapes
 * that cross the IPC channel. Kept apart from simulators-process.ts, which starts servers when imported.
 */
export const SIMULATED = ['trata', 'powerchord', 'propexo', 'overplane'] as const;
export type Simulated = (typeof SIMULATED)[number];

export interface SimulatorsInfo {
  trata: { url: string; token: string };
  /** `url` is the API host, `leadsUrl` the leads host. */
  powerchord: { url: string; leadsUrl: string; token: string; trunkId: string };
  propexo: { url: string; token: string };
  overplane: { url: string; token: string };
}

/** One write that reached a simulator's store. */
export interface JournalEntry {
  at: number;
  sim: Simulated;
  /** What the store did (`create`, `patch ExternalID=...`, `create job <id>`...). */
  op: string;
  /** Ids and emails the write carried or made: what the evidence looks records up by. */
  keys: string[];
}

/** The simulators' stores, reduced to what the checker matches on. */
export interface Truth {
  /** `name` carries the harness's edit marker (` revN`): the checker compares it between source and target. */
  trata: Array<{ id: string; email: string | null; name: string | null; overplaneId: string | null }>;
  powerchord: Array<{ id: string; externalId: string; email: string | null; name: string | null }>;
  propexo: Array<{ id: string; email: string | null; name: string | null }>;
  propexoJobs: Record<string, number>;
  overplane: Array<{ id: string; name: string | null }>;
}
