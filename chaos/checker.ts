/**
 * The checker: what the targets hold (the simulators' own stores) against what the ledger says. Pure functions:
 * the harness gathers the truth and the reports, this decides duplicates, losses and unknown outcomes.
 *
 * Records are matched by what the shipped mappings write: PowerChord's `ExternalID` (the Trata id; by the email in
 * `Content` for a lead whose ExternalID was never set), Propexo's `email_1` (the Trata email: Propexo keeps no
 * external id), and Trata's `externalReference[0]` (the Overplane id).
 */
import type { Simulated, Truth } from './simulated.ts';

export const CHAOS_SYNCS = ['trata-to-powerchord', 'trata-to-propexo', 'overplane-to-trata'] as const;
export type ChaosSync = (typeof CHAOS_SYNCS)[number];

export const TARGET_OF: Record<ChaosSync, Simulated> = {
  'trata-to-powerchord': 'powerchord',
  'trata-to-propexo': 'propexo',
  'overplane-to-trata': 'trata',
};

/** Where each source record of a sync ended up on its target. */
export interface Matched {
  /** source id → ids of the target records that carry it (more than one is a duplicate). */
  copies: Map<string, string[]>;
  /** Target records that carry no known source record. */
  orphans: string[];
  /** target id → the name it holds (for the edit marker). */
  names: Map<string, string | null>;
  /** Every record the target holds for this sync. */
  held: number;
}

function emailIndex(trata: Truth['trata']): Map<string, string[]> {
  const index = new Map<string, string[]>();
  for (const p of trata) {
    if (!p.email) continue;
    const key = p.email.toLowerCase();
    index.set(key, [...(index.get(key) ?? []), p.id]);
  }
  return index;
}

function add(copies: Map<string, string[]>, sourceId: string, targetId: string): void {
  const list = copies.get(sourceId);
  if (list) list.push(targetId);
  else copies.set(sourceId, [targetId]);
}

export function matchTarget(sync: ChaosSync, truth: Truth): Matched {
  const copies = new Map<string, string[]>();
  const orphans: string[] = [];
  if (sync === 'overplane-to-trata') {
    const names = new Map<string, string | null>();
    for (const p of truth.trata) {
      if (p.overplaneId === null) continue;
      names.set(p.id, p.name);
      add(copies, p.overplaneId, p.id);
    }
    return { copies, orphans, names, held: names.size };
  }
  const byEmail = emailIndex(truth.trata);
  const ids = new Set(truth.trata.map((p) => p.id));
  if (sync === 'trata-to-powerchord') {
    for (const lead of truth.powerchord) {
      if (lead.externalId !== '' && ids.has(lead.externalId)) add(copies, lead.externalId, lead.id);
      else {
        // A lead whose ExternalID PATCH never landed: its email still says whose it is.
        const owners = lead.email ? (byEmail.get(lead.email.toLowerCase()) ?? []) : [];
        if (owners.length === 1) add(copies, owners[0]!, lead.id);
        else orphans.push(lead.id);
      }
    }
    return { copies, orphans, names: new Map(truth.powerchord.map((l) => [l.id, l.name])), held: truth.powerchord.length };
  }
  // Propexo: by email. Two Trata records sharing an email (itself a duplicate elsewhere) share its copies.
  const perEmail = new Map<string, string[]>();
  for (const prospect of truth.propexo) {
    const key = prospect.email?.toLowerCase();
    if (!key || !byEmail.has(key)) {
      orphans.push(prospect.id);
      continue;
    }
    perEmail.set(key, [...(perEmail.get(key) ?? []), prospect.id]);
  }
  for (const [email, prospects] of perEmail) {
    const owners = byEmail.get(email)!;
    prospects.forEach((id, i) => add(copies, owners[i % owners.length]!, id));
  }
  return { copies, orphans, names: new Map(truth.propexo.map((p) => [p.id, p.name])), held: truth.propexo.length };
}

/** A record-level report the ledger holds for a source record (run errors, or the sync's failed records). */
export interface Report {
  code: string;
  reason: string;
  runId?: string | undefined;
}

export interface Verdict {
  /** Source records with more than one copy on the target, with the copies. */
  duplicates: Array<{ sourceId: string; targetIds: string[] }>;
  /** Extra copies in all (a record held three times counts two). */
  extraCopies: number;
  /** Absent and not reported at all. */
  lost: string[];
  /** Reported OUTCOME_UNKNOWN (present or not: a human decides). */
  unknown: string[];
  /** Absent, reported with another reason (a failure the next run retries). */
  reportedAbsent: string[];
  present: number;
  orphans: string[];
  /** Present, but a copy does not hold the source's latest edit (a lost update). */
  stale: Array<{ sourceId: string; source: string | null; target: string | null }>;
}

/** The harness's edit marker in a name (` rev3` → 3; none → 0). */
export function editMarker(name: string | null | undefined): number {
  const match = / rev(\d+)$/.exec(name ?? '');
  return match ? Number(match[1]) : 0;
}

/**
 * `sources`: the source records the run(s) had to carry. `covered(id)`: the record's absence is explained without a
 * record-level report (its run failed reading the source, or is still running).
 */
export function judge(
  sources: readonly string[],
  matched: Matched,
  reports: ReadonlyMap<string, Report[]>,
  options: { covered?: (sourceId: string) => boolean; sourceNames?: ReadonlyMap<string, string | null> } = {},
): Verdict {
  const covered = options.covered ?? (() => false);
  const verdict: Verdict = { duplicates: [], extraCopies: 0, lost: [], unknown: [], reportedAbsent: [], present: 0, orphans: matched.orphans, stale: [] };
  for (const id of sources) {
    const copies = matched.copies.get(id) ?? [];
    const reported = reports.get(id) ?? [];
    if (reported.some((r) => r.code === 'OUTCOME_UNKNOWN')) verdict.unknown.push(id);
    if (copies.length > 1) {
      verdict.duplicates.push({ sourceId: id, targetIds: copies });
      verdict.extraCopies += copies.length - 1;
    }
    if (copies.length > 0) {
      verdict.present++;
      const wanted = options.sourceNames?.get(id);
      // A record held for review is not written again, so its copy may rightly be behind.
      const held = reported.some((r) => r.code === 'OUTCOME_UNKNOWN');
      if (wanted !== undefined && !held) {
        const behind = copies.map((c) => matched.names.get(c) ?? null).find((name) => editMarker(name) !== editMarker(wanted));
        if (behind !== undefined) verdict.stale.push({ sourceId: id, source: wanted, target: behind });
      }
      continue;
    }
    if (reported.some((r) => r.code === 'OUTCOME_UNKNOWN')) continue;
    if (reported.length > 0) verdict.reportedAbsent.push(id);
    else if (!covered(id)) verdict.lost.push(id);
  }
  return verdict;
}

/**
 * The ledger against what the target holds, record by record and in total. Every target record must be the one
 * the crosswalk links its source to, or belong to a source held for review (OUTCOME_UNKNOWN): anything else is a
 * record the product made without knowing. And the runs' `created` counts must add up to the records held, less
 * those held for review (whose create the product could not confirm).
 */
export function ledgerBalance(
  matched: Matched,
  crosswalk: ReadonlyMap<string, string>,
  unknownSources: ReadonlySet<string>,
  createdCounted: number,
): { unlinked: string[]; unknownHeld: number; countGap: number } {
  const unlinked: string[] = [];
  let unknownHeld = 0;
  for (const [sourceId, targetIds] of matched.copies) {
    const unknown = unknownSources.has(sourceId);
    if (unknown) unknownHeld += targetIds.length;
    for (const targetId of targetIds) if (!unknown && crosswalk.get(sourceId) !== targetId) unlinked.push(targetId);
  }
  unlinked.push(...matched.orphans);
  return { unlinked, unknownHeld, countGap: matched.held - unknownHeld - createdCounted };
}
