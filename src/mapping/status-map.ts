/** Enum (status) tables: source value → target value, with an explicit default or reject, optionally ranked. */
import type { StatusMap } from './format.ts';

export interface CompiledStatusMap {
  table: Readonly<Record<string, string>>;
  default: string | null;
  reject: boolean;
  /** Target value → rank (higher is later). Null when the map is not ranked. */
  rank: ReadonlyMap<string, number> | null;
}

export function compileStatusMap(spec: StatusMap): CompiledStatusMap {
  let rank: Map<string, number> | null = null;
  if (spec.rank) {
    rank = new Map();
    for (const [i, entry] of spec.rank.entries()) {
      for (const value of typeof entry === 'string' ? [entry] : entry) rank.set(value, i);
    }
  }
  return { table: spec.table, default: spec.default ?? null, reject: spec.reject === true, rank };
}

export type StatusOutcome =
  | { ok: true; value: string; row: string }
  | { ok: false; reason: string };

/**
 * Maps one value. With a rank and a previously sent value, a value of an earlier rank keeps the previous one:
 * a PowerChord `closedWon` lead is never reopened as `contacted` because the source moved back.
 */
export function applyStatusMap(map: CompiledStatusMap, value: unknown, previous: unknown): StatusOutcome {
  if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') {
    return { ok: false, reason: `status value must be text, got ${value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value}` };
  }
  const key = String(value);
  let mapped: string;
  let row: string;
  if (Object.hasOwn(map.table, key)) {
    mapped = map.table[key] as string;
    row = `${key} → ${mapped}`;
  } else if (map.default !== null) {
    mapped = map.default;
    row = `default → ${mapped} (${JSON.stringify(key.slice(0, 80))} is not in the table)`;
  } else {
    return { ok: false, reason: `no status mapping for ${JSON.stringify(key.slice(0, 80))}` };
  }
  if (map.rank !== null && typeof previous === 'string') {
    const before = map.rank.get(previous);
    const now = map.rank.get(mapped);
    if (before !== undefined && now !== undefined && now < before) {
      return { ok: true, value: previous, row: `${row}, kept ${previous} (ranked: never moves backwards)` };
    }
  }
  return { ok: true, value: mapped, row };
}
