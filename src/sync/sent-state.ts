import type { Mapping } from '../mapping/index.ts';
import { getPath, setPath, type PathSegment } from '../mapping/paths.ts';
import { FINGERPRINT_LENGTH, fingerprint } from './canonical-json.ts';

/**
 * What Redis remembers of the body last sent for a record to a target (the `sent` state): its fingerprint, for the
 * diff, followed by what a rule of the mapping reads from the previous body, and nothing else. Today that is the
 * value of each ranked status field (a ranked status never moves backwards from the one last sent); a mapping
 * without ranked fields stores the 22-character fingerprint alone.
 *
 * Layout: `<fingerprint>` or `<fingerprint>["<value of ranked field 1>", ...]` (a JSON array, in mapping order;
 * null where the body had no value). Equal bodies give equal strings, so the diff compares the strings.
 */
export interface SentState {
  /** The state to store once `body` is written, and to compare with the stored one. */
  of(body: Record<string, unknown>): string;
  /** The previous body as far as the mapping's rules read it (ranked fields only); null when nothing was sent. */
  previous(stored: string | null | undefined): Record<string, unknown> | null;
}

const states = new WeakMap<Mapping, SentState>();

export function sentState(mapping: Mapping): SentState {
  let state = states.get(mapping);
  if (!state) {
    state = build(mapping.fields.filter((f) => f.statusMap?.rank).map((f) => f.targetPath));
    states.set(mapping, state);
  }
  return state;
}

function build(ranked: ReadonlyArray<readonly PathSegment[]>): SentState {
  return {
    of(body) {
      if (ranked.length === 0) return fingerprint(body);
      const values = ranked.map((path) => {
        const value = getPath(body, path);
        return typeof value === 'string' ? value : null;
      });
      return fingerprint(body) + JSON.stringify(values);
    },
    previous(stored) {
      if (!stored) return null;
      const previous: Record<string, unknown> = {};
      const values = parseValues(stored.slice(FINGERPRINT_LENGTH));
      ranked.forEach((path, i) => {
        const value = values[i];
        if (typeof value === 'string') setPath(previous, path, value);
      });
      return previous;
    },
  };
}

/** The ranked values after the fingerprint; anything unreadable (an older layout, a half write) reads as none. */
function parseValues(text: string): unknown[] {
  if (text.length === 0) return [];
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed : [];
  } catch {
    return [];
  }
}
