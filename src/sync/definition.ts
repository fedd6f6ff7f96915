import { readdir, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import { FileInvalidError, type FileIssue } from '../errors.ts';
import type { Mapping } from '../mapping/index.ts';
import { formatFilePath, type PathSegment } from '../mapping/paths.ts';
import { locateYaml } from '../mapping/yaml-locate.ts';
import { providers } from '../providers/registry.ts';
import { PROVIDER_NAMES } from '../providers/types.ts';
import { parseDuration } from './duration.ts';

const Duration = z.string().refine((text) => parseDuration(text) !== null, 'a duration like "90s", "5m" or "1h"');

const Provider = z.enum(PROVIDER_NAMES);

/** One sync, as written in `jobs/<name>.yaml`. */
export const SyncFile = z.strictObject({
  /** Unique name; also the file name. Lower-case words with dashes. */
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes'),
  /** A disabled sync keeps its file but has no schedule. @default true */
  enabled: z.boolean().default(true),
  description: z.string().optional(),
  source: z.strictObject({
    provider: Provider,
    /** The connection to read from: a file in `connections/` (without `.yaml`). @default the provider's name (the environment's connection) */
    connection: z.string().min(1).optional(),
  }),
  targets: z
    .array(
      z.strictObject({
        provider: Provider,
        /** The connection to write to: a file in `connections/` (without `.yaml`). @default the provider's name (the environment's connection) */
        connection: z.string().min(1).optional(),
        /** Name of a file in `mappings/` (without `.yaml`). */
        mapping: z.string().min(1),
        /** `upsert` creates unknown records and updates known ones; `create` never updates; `update` never creates. */
        mode: z.enum(['create', 'update', 'upsert']).default('upsert'),
      }),
    )
    .min(1),
  schedule: z
    .union([
      z.strictObject({ every: Duration }),
      z.strictObject({ cron: z.string().min(1), tz: z.string().default('UTC') }),
    ])
    .optional(),
  pull: z
    .strictObject({
      /** Records per page. */
      pageSize: z.number().int().min(1).max(1000).optional(),
      /** How far an incremental pull steps back from the last high-water mark. */
      lookback: Duration.optional(),
    })
    .optional(),
});
export type SyncFile = z.infer<typeof SyncFile>;

export interface SyncTarget {
  /** Index in the file's `targets`, stable across runs: keys in Redis use it. */
  key: string;
  provider: SyncFile['targets'][number]['provider'];
  connection: string;
  mapping: Mapping;
  mode: 'create' | 'update' | 'upsert';
}

export interface SyncDefinition {
  name: string;
  file: string;
  enabled: boolean;
  source: { provider: SyncFile['source']['provider']; connection: string };
  targets: SyncTarget[];
  schedule: { every: number } | { cron: string; tz: string } | null;
  pageSize: number | null;
  lookbackMs: number | null;
}

/** The longest `every` a schedule may have: a leap year. */
const MAX_EVERY_MS = 366 * 86_400_000;

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** What a job file's connection names are checked against: the connections of `connections/*.yaml`. */
export type KnownConnections = ReadonlyMap<string, { provider: string; file: string }>;

/**
 * Checks one job file against the schema, the mappings, the providers and (when given) the connection files; every
 * problem is reported. A connection name is a file-defined connection of the same provider, or the provider's own
 * name (the connection the environment describes).
 */
export function parseSyncFile(text: string, file: string, mappings: ReadonlyMap<string, Mapping>, connections?: KnownConnections): SyncDefinition {
  const located = locateYaml(text);
  if (located.syntaxErrors.length > 0) {
    throw new FileInvalidError(located.syntaxErrors.map((e) => ({ file, line: e.line, path: '', message: `YAML: ${e.message}` })));
  }
  const issues: FileIssue[] = [];
  const issue = (path: readonly PathSegment[], message: string, atKey = false) =>
    issues.push({ file, line: located.lineOf(path, atKey), path: formatFilePath(path), message });

  const parsed = SyncFile.safeParse(located.value);
  if (!parsed.success) {
    for (const zodIssue of parsed.error.issues) {
      const path = zodIssue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
      if (zodIssue.code === 'unrecognized_keys') for (const key of zodIssue.keys) issue([...path, key], `unknown key ${JSON.stringify(key)}`, true);
      else issue(path, zodIssue.message);
    }
    throw new FileInvalidError(issues);
  }
  const sync = parsed.data;
  const checkConnection = (path: PathSegment[], provider: string, name: string | undefined) => {
    if (connections === undefined || name === undefined || (name === provider && !connections.has(name))) return;
    const defined = connections.get(name);
    if (defined && defined.provider !== provider) issue(path, `connection "${name}" is a ${defined.provider} connection (${defined.file}), but this side is ${provider}`);
    if (!defined) issue(path, `no connection named "${name}" (connection files: ${[...connections.keys()].join(', ') || 'none'}; or "${provider}", the environment's ${provider} connection)`);
  };
  checkConnection(['source', 'connection'], sync.source.provider, sync.source.connection);
  sync.targets.forEach((target, index) => checkConnection(['targets', index, 'connection'], target.provider, target.connection));
  const expectedName = basename(file).replace(/\.ya?ml$/, '');
  if (sync.name !== expectedName) issue(['name'], `must match the file name ("${expectedName}")`);
  if (!providers[sync.source.provider].capabilities.list) {
    issue(['source', 'provider'], `${sync.source.provider} cannot be a source: it offers no way to list records`);
  }
  const targets: SyncTarget[] = [];
  sync.targets.forEach((target, index) => {
    const mapping = mappings.get(target.mapping);
    if (!mapping) {
      issue(['targets', index, 'mapping'], `no mapping named "${target.mapping}" in mappings/ (known: ${[...mappings.keys()].join(', ') || 'none'})`);
      return;
    }
    if (mapping.source !== sync.source.provider) {
      issue(['targets', index, 'mapping'], `mapping "${target.mapping}" reads from ${mapping.source}, but this sync's source is ${sync.source.provider}`);
    }
    if (mapping.target !== target.provider) {
      issue(['targets', index, 'mapping'], `mapping "${target.mapping}" writes to ${mapping.target}, but this target is ${target.provider}`);
    }
    const capabilities = providers[target.provider].capabilities;
    if (target.mode !== 'update' && !capabilities.create) issue(['targets', index, 'mode'], `${target.provider} cannot create records`);
    if (target.mode !== 'create' && !capabilities.update) issue(['targets', index, 'mode'], `${target.provider} cannot update records`);
    targets.push({ key: String(index), provider: target.provider, connection: target.connection ?? target.provider, mapping, mode: target.mode });
  });
  let schedule: SyncDefinition['schedule'] = null;
  if (sync.schedule && 'every' in sync.schedule) {
    schedule = { every: parseDuration(sync.schedule.every) ?? 0 };
    if (schedule.every < 1_000) issue(['schedule', 'every'], 'must be at least 1s');
    // Past this the next run's date overflows (a schedule shown "next at 1970"); a cron suits rarer runs.
    if (schedule.every > MAX_EVERY_MS) issue(['schedule', 'every'], 'must be at most 366d (use a cron schedule for rarer runs)');
  } else if (sync.schedule) {
    // cron-parser accepts an unknown zone and fails only when asked for a date: what `start` does. Ask now.
    if (!isTimeZone(sync.schedule.tz)) {
      issue(['schedule', 'tz'], `unknown time zone ${JSON.stringify(sync.schedule.tz)} (an IANA name such as "UTC" or "Europe/Berlin")`);
    } else {
      try {
        CronExpressionParser.parse(sync.schedule.cron, { tz: sync.schedule.tz }).next();
        schedule = { cron: sync.schedule.cron, tz: sync.schedule.tz };
      } catch (error) {
        issue(['schedule', 'cron'], `not a valid cron expression in time zone ${sync.schedule.tz}: ${(error as Error).message}`);
      }
    }
  }
  if (issues.length > 0) throw new FileInvalidError(issues);
  return {
    name: sync.name,
    file,
    enabled: sync.enabled,
    source: { provider: sync.source.provider, connection: sync.source.connection ?? sync.source.provider },
    targets,
    schedule,
    pageSize: sync.pull?.pageSize ?? null,
    lookbackMs: sync.pull?.lookback ? parseDuration(sync.pull.lookback) : null,
  };
}

/** Loads every `*.yaml` in a folder; problems are collected, not thrown, so `check` can list them all. */
export async function loadSyncsDir(dir: string, mappings: ReadonlyMap<string, Mapping>, connections?: KnownConnections): Promise<{ syncs: Map<string, SyncDefinition>; issues: FileIssue[] }> {
  const syncs = new Map<string, SyncDefinition>();
  const issues: FileIssue[] = [];
  const files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  for (const name of files) {
    const file = join(dir, name);
    try {
      const sync = parseSyncFile(await readFile(file, 'utf8'), file, mappings, connections);
      // x.yaml beside x.yml, or two files giving one name: the second would silently replace the first.
      const other = syncs.get(sync.name);
      if (other) issues.push({ file, line: null, path: 'name', message: `sync "${sync.name}" is also defined by ${other.file}: keep one` });
      else syncs.set(sync.name, sync);
    } catch (error) {
      if (error instanceof FileInvalidError) issues.push(...error.issues);
      else throw error;
    }
  }
  return { syncs, issues };
}
