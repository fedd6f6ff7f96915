import type { SyncDefinition } from './definition.ts';

/** One loaded set of sync definitions, named by the hash of the files it came from. */
export interface DefinitionsVersion {
  /** Hash of the job, mapping and connection files loaded (see src/bootstrap/live-definitions.ts). */
  hash: string;
  syncs: ReadonlyMap<string, SyncDefinition>;
}

/** Versions kept for runs still in progress: a run outliving this many reloads goes on with the current one. */
const KEPT_VERSIONS = 8;

/**
 * The engine's sync definitions: the current version, switched by one reference swap when the files are reloaded,
 * and the few versions before it, so that a run started on one finishes on it (its page and push jobs carry the
 * version's hash). A process that never loaded a run's version (started after the reload) uses its current one.
 */
export class DefinitionVersions {
  #current: DefinitionsVersion;
  readonly #kept = new Map<string, ReadonlyMap<string, SyncDefinition>>();

  constructor(initial: DefinitionsVersion) {
    this.#current = initial;
    this.#keep(initial);
  }

  get current(): DefinitionsVersion {
    return this.#current;
  }

  /** Makes `next` the version new runs start on; runs in progress keep theirs. */
  switchTo(next: DefinitionsVersion): void {
    this.#keep(next);
    this.#current = next;
  }

  /** The sync as the version `hash` defined it, or as the current version does when that one is not kept. */
  sync(name: string, hash?: string): SyncDefinition | undefined {
    const kept = hash === undefined ? undefined : this.#kept.get(hash);
    return kept ? kept.get(name) : this.#current.syncs.get(name);
  }

  /**
   * Syncs a reload removed that a kept version still defines (its newest definition of each): runs of them may still
   * be in progress, on the version they started on.
   */
  removedSyncs(): SyncDefinition[] {
    const removed = new Map<string, SyncDefinition>();
    for (const syncs of [...this.#kept.values()].reverse()) {
      for (const [name, sync] of syncs) if (!this.#current.syncs.has(name) && !removed.has(name)) removed.set(name, sync);
    }
    return [...removed.values()];
  }

  #keep(version: DefinitionsVersion): void {
    // Re-inserted so the map's order is the order of use: the oldest is dropped first.
    this.#kept.delete(version.hash);
    this.#kept.set(version.hash, version.syncs);
    while (this.#kept.size > KEPT_VERSIONS) this.#kept.delete(this.#kept.keys().next().value ?? '');
  }
}
