/**
 * Live definitions: the job and mapping files are re-read while the process runs (a file watch, SIGHUP, or
 * `POST /v1/definitions/reload`), checked as `crm-bridge check` checks them, and switched in at once when valid.
 * An invalid edit keeps the definitions in use and is reported (log, `GET /v1/syncs`, the runs page); runs in
 * progress finish on the definitions they started with (src/sync/definition-versions.ts).
 */
import { createHash } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FileInvalidError, formatFileIssue, type FileIssue } from '../errors.ts';
import type { Logger } from '../logger.ts';
import type { SyncDefinition } from '../sync/definition.ts';
import type { SyncEngine } from '../sync/engine.ts';
import { loadDefinitions, type Definitions } from './definitions.ts';

export interface DefinitionDirs {
  mappingsDir: string;
  jobsDir: string;
  /** Read to check the job files' connection names; connection changes themselves need a restart. */
  connectionsDir?: string | undefined;
}

/** Definitions as loaded, with what they were loaded from. */
export interface LoadedDefinitions {
  definitions: Definitions;
  /** Short hash of every job and mapping file's name and content. */
  hash: string;
  /** Each file's text by path (as the loaders name files: `join(dir, name)`). */
  texts: ReadonlyMap<string, string>;
}

/** What `GET /v1/syncs` and the runs page show of the definitions. */
export interface DefinitionsStatus {
  /** Hash of the files in use. */
  hash: string;
  /** When the definitions in use were loaded (ISO time). */
  loadedAt: string;
  /** The last reload's problems: non-empty while the files on disk are invalid (the previous definitions stay). */
  issues: FileIssue[];
}

export type ReloadResult =
  | { status: 'reloaded'; hash: string; previousHash: string; added: string[]; changed: string[]; removed: string[] }
  | { status: 'unchanged'; hash: string }
  | { status: 'invalid'; hash: string; issues: FileIssue[] };

/** What a reload needs of the engine (an interface, so the pure parts test without Redis). */
export type DefinitionsEngine = Pick<SyncEngine, 'switchDefinitions' | 'syncSchedules' | 'runnable'>;

/** Reads the job and mapping files (for the hash), then loads and checks every definition. */
export async function loadHashedDefinitions(dirs: DefinitionDirs): Promise<LoadedDefinitions> {
  const texts = new Map<string, string>();
  // Named by folder kind, not path: the same files give the same hash wherever they are.
  const named = new Map<string, string>();
  for (const [kind, dir] of [['jobs', dirs.jobsDir], ['mappings', dirs.mappingsDir]] as const) {
    const names = await readdir(dir).catch(() => [] as string[]);
    for (const name of names.filter((n) => /\.ya?ml$/.test(n)).sort()) {
      const text = await readFile(join(dir, name), 'utf8').catch(() => null);
      if (text === null) continue;
      texts.set(join(dir, name), text);
      named.set(`${kind}/${name}`, text);
    }
  }
  let definitions: Definitions;
  try {
    definitions = await loadDefinitions(dirs);
  } catch (error) {
    // A folder gone or unreadable mid-edit is a problem to report, not a crash.
    const issues = error instanceof FileInvalidError ? [...error.issues] : [{ file: dirs.jobsDir, line: null, path: '', message: `cannot load the definitions (${(error as Error).message})` }];
    definitions = { mappings: new Map(), syncs: new Map(), connections: new Map(), issues };
  }
  return { definitions, hash: hashTexts(named), texts };
}

/** A short, stable hash of files' names and contents (in name order, whatever order they were read in). */
export function hashTexts(files: ReadonlyMap<string, string>): string {
  const hash = createHash('sha256');
  for (const [name, text] of [...files].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) hash.update(name).update('\0').update(text).update('\0');
  return hash.digest('hex').slice(0, 16);
}

/** A sync's own fingerprint: its job file and the mapping files it uses. */
function syncDigest(sync: SyncDefinition, texts: ReadonlyMap<string, string>): string {
  const hash = createHash('sha256');
  for (const file of [sync.file, ...sync.targets.map((t) => t.mapping.file)]) hash.update(file).update('\0').update(texts.get(file) ?? '').update('\0');
  return hash.digest('hex');
}

const scheduleOf = (sync: SyncDefinition | undefined) => (sync ? JSON.stringify([sync.enabled, sync.schedule]) : 'none');

/** Which syncs a reload adds, changes (their job file or a mapping they use) or removes, and whose schedule moves. */
export function diffSyncs(before: LoadedDefinitions, after: LoadedDefinitions): { added: string[]; changed: string[]; removed: string[]; schedules: Set<string> } {
  const old = before.definitions.syncs;
  const now = after.definitions.syncs;
  const added = [...now.keys()].filter((name) => !old.has(name)).sort();
  const removed = [...old.keys()].filter((name) => !now.has(name)).sort();
  const changed = [...now.values()].filter((s) => old.has(s.name) && syncDigest(s, after.texts) !== syncDigest(old.get(s.name)!, before.texts)).map((s) => s.name).sort();
  const schedules = new Set([...new Set([...old.keys(), ...now.keys()])].filter((name) => scheduleOf(old.get(name)) !== scheduleOf(now.get(name))));
  return { added, changed, removed, schedules };
}

export interface LiveDefinitionsOptions {
  dirs: DefinitionDirs;
  engine: DefinitionsEngine;
  /** What the process started with. */
  initial: LoadedDefinitions;
  logger: Logger;
  /** This process keeps the job schedulers (`syncSchedules`): a reload moves them too. */
  schedule: boolean;
  /** Changes closer together than this make one reload. @default 200 */
  debounceMs?: number;
}

/** The definitions a process runs on, kept in step with the files. */
export class LiveDefinitions {
  readonly #options: LiveDefinitionsOptions;
  #loaded: LoadedDefinitions;
  #loadedAt = new Date();
  #issues: FileIssue[] = [];
  #queue: Promise<unknown> = Promise.resolve();
  #watchers: FSWatcher[] = [];
  #timer: NodeJS.Timeout | undefined;
  /** Schedules a reload switched to but could not write (Redis down): tried again at the next reload. */
  #unscheduled = new Set<string>();

  constructor(options: LiveDefinitionsOptions) {
    this.#options = options;
    this.#loaded = options.initial;
  }

  status(): DefinitionsStatus {
    return { hash: this.#loaded.hash, loadedAt: this.#loadedAt.toISOString(), issues: this.#issues };
  }

  /** Re-reads the files and switches to them when valid; one reload at a time (a second waits for the first). */
  reload(reason: string): Promise<ReloadResult> {
    const next = this.#queue.then(() => this.#reload(reason));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async #reload(reason: string): Promise<ReloadResult> {
    const { logger, dirs, engine } = this.#options;
    const candidate = await loadHashedDefinitions(dirs);
    const { issues } = candidate.definitions;
    if (issues.length > 0) {
      this.#issues = issues;
      logger.error(
        { reason, issues: issues.map(formatFileIssue), kept: this.#loaded.hash },
        `definitions not reloaded (${issues.length} issue${issues.length === 1 ? '' : 's'}): the previous ones stay in use\n  ${issues.map(formatFileIssue).join('\n  ')}`,
      );
      return { status: 'invalid', hash: this.#loaded.hash, issues };
    }
    this.#issues = [];
    if (candidate.hash === this.#loaded.hash) {
      if (this.#options.schedule) await this.#followSchedules(new Set(this.#unscheduled));
      return { status: 'unchanged', hash: candidate.hash };
    }

    const diff = diffSyncs(this.#loaded, candidate);
    const previousHash = this.#loaded.hash;
    engine.switchDefinitions({ hash: candidate.hash, syncs: candidate.definitions.syncs });
    this.#loaded = candidate;
    this.#loadedAt = new Date();
    for (const name of [...diff.added, ...diff.changed]) {
      const sync = candidate.definitions.syncs.get(name);
      if (sync && !engine.runnable(sync)) logger.warn({ sync: name }, `sync ${name} names a connection this process has not configured (a new connection file needs a restart): it will not run`);
    }
    if (this.#options.schedule) await this.#followSchedules(new Set([...this.#unscheduled, ...diff.schedules]));
    logger.info({ reason, hash: candidate.hash, previousHash, added: diff.added, changed: diff.changed, removed: diff.removed }, 'definitions reloaded: new runs use them, runs in progress finish on the previous ones');
    return { status: 'reloaded', hash: candidate.hash, previousHash, added: diff.added, changed: diff.changed, removed: diff.removed };
  }

  /** The definitions are switched already: a scheduler Redis refused now is written at the next reload. */
  async #followSchedules(names: Set<string>): Promise<void> {
    if (names.size === 0) return;
    try {
      const { scheduled, removed } = await this.#options.engine.syncSchedules(names);
      this.#unscheduled.clear();
      this.#options.logger.info({ scheduled, removed }, 'schedules follow the reloaded definitions');
    } catch (error) {
      this.#unscheduled = names;
      this.#options.logger.error({ err: error, syncs: [...names] }, 'the reloaded definitions are in use, but their schedules could not be written: tried again at the next reload (or SIGHUP)');
    }
  }

  /** Reloads when a file in `jobs/` or `mappings/` changes (events closer than the debounce make one reload). */
  watch(): void {
    const debounceMs = this.#options.debounceMs ?? 200;
    for (const dir of [this.#options.dirs.jobsDir, this.#options.dirs.mappingsDir]) {
      try {
        const watcher = watch(dir, { persistent: false }, () => {
          clearTimeout(this.#timer);
          this.#timer = setTimeout(() => void this.reload('file change').catch((e: unknown) => this.#options.logger.error({ err: e }, 'reloading the definitions failed')), debounceMs);
        });
        watcher.on('error', (error) => this.#options.logger.warn({ dir, err: error }, 'watching the definitions folder stopped (SIGHUP or POST /v1/definitions/reload still reload)'));
        this.#watchers.push(watcher);
      } catch (error) {
        this.#options.logger.warn({ dir, err: error }, 'cannot watch the definitions folder (SIGHUP or POST /v1/definitions/reload still reload)');
      }
    }
  }

  /** Stops watching; a reload under way finishes. */
  async close(): Promise<void> {
    clearTimeout(this.#timer);
    for (const watcher of this.#watchers.splice(0)) watcher.close();
    await this.#queue;
  }
}
