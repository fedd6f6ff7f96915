/**
 * A named connection written in `connections/<name>.yaml`: which provider, where (region, hosts), its credentials as
 * references (never inline), its request budget and push concurrency. The layout of each provider's file is read
 * off the provider's own env piece (`src/providers/<name>/env.ts`): a file is turned into the variables that piece
 * declares and checked by the provider's `envSchema` and `fromEnv`, so a connection from a file and one from the
 * environment are refused for the same reasons, and a provider added to the registry gets its file format with it.
 */
import { z } from 'zod';
import { ConfigError, type FileIssue } from '../errors.ts';
import { formatFilePath, type PathSegment } from '../mapping/paths.ts';
import { getProvider, providers } from '../providers/registry.ts';
import { PROVIDER_NAMES, type ConnectionConfig, type ConnectionSettings, type ProviderName } from '../providers/types.ts';
import { isSecretVariable } from '../secrets.ts';
import { parseDuration } from '../sync/duration.ts';
import { httpUrl } from './env-fields.ts';
import { SecretRef } from './secret-ref.ts';

/** Connection names: as sync names (they name queues and Redis keys). */
export const ConnectionName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes');

const Duration = z.string().refine((text) => parseDuration(text) !== null, 'a duration like "90s", "5m" or "1h"');
/** A non-secret setting: text, or a number YAML read as one (an id like 12345). */
const SettingValue = z.union([z.string().trim().min(1), z.number()]);

/** Where one of the provider's variables is written in its connection file. */
export interface FileField {
  variable: string;
  path: readonly PathSegment[];
  kind: 'secret' | 'setting' | 'host' | 'place' | 'rateLimit' | 'rateWindow' | 'pushConcurrency';
}

const camel = (snake: string) => snake.toLowerCase().replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/**
 * The file layout of a provider, from its variables (`<P>_*`): `<P>_REGION` / `<P>_ENVIRONMENT` at the top,
 * `*_BASE_URL` under `hosts`, secrets (by the scrubber's rule: tokens, passwords, secrets) under `credentials`,
 * the other connection settings (the provider's `envVariables`) under `settings`, and the budget and concurrency
 * under `rateLimit` and `pushConcurrency`. Variables that are not a connection's (Propexo's webhook secret, one per
 * deployment) have no place in the file.
 */
export function fileLayoutOf(provider: ProviderName): FileField[] {
  const definition = getProvider(provider);
  const prefix = `${provider.toUpperCase()}_`;
  const settingOf = new Map(Object.entries(definition.envVariables).map(([setting, variable]) => [variable, setting]));
  const fields: FileField[] = [];
  for (const variable of Object.keys(definition.envSchema.shape)) {
    const suffix = variable.slice(prefix.length);
    const name = settingOf.get(variable) ?? camel(suffix);
    if (suffix === 'RATE_LIMIT') fields.push({ variable, path: ['rateLimit', 'limit'], kind: 'rateLimit' });
    else if (suffix === 'RATE_WINDOW_MS') fields.push({ variable, path: ['rateLimit', 'window'], kind: 'rateWindow' });
    else if (suffix === 'PUSH_CONCURRENCY') fields.push({ variable, path: ['pushConcurrency'], kind: 'pushConcurrency' });
    else if (suffix === 'REGION' || suffix === 'ENVIRONMENT') fields.push({ variable, path: [camel(suffix)], kind: 'place' });
    else if (suffix.endsWith('BASE_URL')) fields.push({ variable, path: ['hosts', name], kind: 'host' });
    else if (!settingOf.has(variable)) continue;
    else if (isSecretVariable(variable)) fields.push({ variable, path: ['credentials', name], kind: 'secret' });
    else fields.push({ variable, path: ['settings', name], kind: 'setting' });
  }
  return fields;
}

function sectionOf(fields: FileField[], section: string, value: z.ZodType) {
  const keys = fields.filter((f) => f.path[0] === section).map((f) => String(f.path[1]));
  return keys.length === 0 ? null : z.strictObject(Object.fromEntries(keys.map((k) => [k, value.optional()]))).optional();
}

/** One provider's connection file. */
function fileSchemaOf(provider: ProviderName) {
  const fields = fileLayoutOf(provider);
  const { envSchema } = getProvider(provider);
  const shape: Record<string, z.ZodType> = {
    /** Unique name; also the file name. Job files name it in `source.connection` / `targets[].connection`. */
    name: ConnectionName,
    provider: z.literal(provider),
    description: z.string().optional(),
  };
  // Region / environment: the provider's own piece (its enum and default).
  for (const field of fields.filter((f) => f.kind === 'place')) shape[String(field.path[0])] = (envSchema.shape[field.variable] as z.ZodType).optional();
  const hosts = sectionOf(fields, 'hosts', httpUrl);
  if (hosts) shape['hosts'] = hosts.describe('Overrides of the provider\'s documented hosts (checked as the environment\'s are).');
  const credentials = sectionOf(fields, 'credentials', SecretRef);
  if (credentials) shape['credentials'] = credentials.describe('Each {env: VARIABLE} or {file: /path}; never the secret itself.');
  const settings = sectionOf(fields, 'settings', SettingValue);
  if (settings) shape['settings'] = settings;
  shape['rateLimit'] = z
    .strictObject({ limit: z.number().int().min(1), window: Duration.default('60s') })
    .optional()
    .describe('The provider\'s request budget for this connection, shared by every worker (counted in Redis).');
  shape['pushConcurrency'] = z.number().int().min(1).max(500).optional().describe('Records each process writes to this connection at once. @default PUSH_CONCURRENCY');
  return z.strictObject(shape);
}

/** Every provider's connection file, told apart by `provider` (the JSON Schema editors use). */
export const ConnectionFile = z.discriminatedUnion(
  'provider',
  PROVIDER_NAMES.map(fileSchemaOf) as unknown as [ReturnType<typeof fileSchemaOf>, ...ReturnType<typeof fileSchemaOf>[]],
);

/** A connection as its file describes it: secrets still references, read only when the process starts. */
export interface ConnectionDefinition {
  name: string;
  provider: ProviderName;
  file: string;
  description: string | null;
  /** Each variable of the provider the file sets: a value, or a reference to the secret. */
  values: ReadonlyArray<{ field: FileField; value: string | SecretRef }>;
  pushConcurrency: number | null;
}

/** An issue against one place in the file (a path, and whether the key's line is meant rather than the value's). */
export interface PathIssue {
  path: readonly PathSegment[];
  message: string;
  atKey?: boolean;
}

/** The definition a parsed file describes (values in the provider's variables; secrets left as references). */
export function definitionOf(parsed: Record<string, unknown>, file: string): ConnectionDefinition {
  const provider = parsed['provider'] as ProviderName;
  const values: Array<{ field: FileField; value: string | SecretRef }> = [];
  for (const field of fileLayoutOf(provider)) {
    if (field.kind === 'pushConcurrency') continue;
    let value: unknown = parsed;
    for (const segment of field.path) value = value === undefined || value === null ? undefined : (value as Record<string, unknown>)[String(segment)];
    if (value === undefined) continue;
    if (field.kind === 'rateWindow') value = String(parseDuration(String(value)));
    values.push({ field, value: typeof value === 'object' ? (value as SecretRef) : String(value) });
  }
  return {
    name: String(parsed['name']),
    provider,
    file,
    description: typeof parsed['description'] === 'string' ? parsed['description'] : null,
    values,
    pushConcurrency: typeof parsed['pushConcurrency'] === 'number' ? parsed['pushConcurrency'] : null,
  };
}

/**
 * Builds the connection from a definition and its secrets' values, through the provider's `envSchema` and
 * `fromEnv`: what they refuse comes back as issues at the file's paths (their messages name variables; those names
 * are replaced by the paths the operator writes). `secrets` answers each reference's value (at load, a placeholder:
 * only which credentials are given matters then).
 */
export function buildConnection(
  definition: ConnectionDefinition,
  secrets: (ref: SecretRef) => string,
  timeoutMs: number,
): { config: ConnectionConfig | null; issues: PathIssue[] } {
  const { envSchema, fromEnv } = providers[definition.provider];
  const variables: Record<string, string> = {};
  for (const { field, value } of definition.values) variables[field.variable] = typeof value === 'string' ? value : secrets(value);
  const layout = fileLayoutOf(definition.provider);
  const pathOf = new Map(layout.map((f) => [f.variable, f.path]));
  const parsed = envSchema.safeParse(variables);
  if (!parsed.success) {
    return { config: null, issues: parsed.error.issues.map((issue) => ({ path: pathOf.get(String(issue.path[0])) ?? [], message: renamed(issue.message, layout) })) };
  }
  let settings: ConnectionSettings | null;
  try {
    settings = fromEnv(parsed.data);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return { config: null, issues: error.issues.map((text) => located(text, layout)) };
  }
  if (settings === null) {
    const credentials = layout.filter((f) => f.kind === 'secret').map((f) => formatFilePath(f.path));
    return { config: null, issues: [{ path: ['credentials'], message: `names no credential: a connection needs one (${credentials.join(', ')})`, atKey: true }] };
  }
  const env = parsed.data as Record<string, unknown>;
  const prefix = definition.provider.toUpperCase();
  const limit = env[`${prefix}_RATE_LIMIT`];
  const windowMs = env[`${prefix}_RATE_WINDOW_MS`];
  const options = Object.fromEntries(Object.entries(settings.options).filter((e): e is [string, string] => e[1] !== undefined));
  return {
    config: {
      name: definition.name,
      provider: definition.provider,
      baseUrl: settings.baseUrl,
      token: settings.token,
      timeoutMs,
      options,
      ...(typeof limit === 'number' ? { rateLimit: { limit, windowMs: typeof windowMs === 'number' ? windowMs : 60_000 } } : {}),
      ...(definition.pushConcurrency === null ? {} : { pushConcurrency: definition.pushConcurrency }),
      definedIn: definition.file,
    },
    issues: [],
  };
}

/** Longest first, so that no variable's name is replaced inside a longer one. */
function byLength(layout: FileField[]): FileField[] {
  return [...layout].sort((a, b) => b.variable.length - a.variable.length);
}

/** A provider's message with every variable it names replaced by that variable's path in the file. */
function renamed(message: string, layout: FileField[]): string {
  let out = message;
  for (const field of byLength(layout)) out = out.replace(new RegExp(`\\b${field.variable}\\b`, 'g'), formatFilePath(field.path));
  return out;
}

/** `VARIABLE: message` (the providers' form) → an issue at that variable's path, the rest renamed. */
function located(text: string, layout: FileField[]): PathIssue {
  const lead = byLength(layout).find((f) => text.startsWith(f.variable));
  if (!lead) return { path: [], message: renamed(text, layout) };
  const rest = text.slice(lead.variable.length);
  // `VARIABLE: why` says why at the path; `A, B: why` keeps the names of the others.
  return rest.startsWith(': ') ? { path: lead.path, message: renamed(rest.slice(2), layout) } : { path: lead.path, message: renamed(text, layout) };
}

/** Issues from a file's connection, located (file, line, path) by the caller's YAML positions. */
export function toFileIssues(file: string, issues: readonly PathIssue[], lineOf: (path: readonly PathSegment[], atKey?: boolean) => number | null): FileIssue[] {
  return issues.map((issue) => ({ file, line: lineOf(issue.path, issue.atKey ?? false), path: formatFilePath(issue.path), message: issue.message }));
}
