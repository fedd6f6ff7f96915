import { z } from 'zod';
import { ConfigError, FileInvalidError, type FileIssue } from '../errors.ts';
import { getProvider, providers } from '../providers/registry.ts';
import { PROVIDER_NAMES, type ConnectionConfig, type ConnectionSettings, type ProviderName } from '../providers/types.ts';
import { registerSecrets } from '../secrets.ts';
import { fileLayoutOf, type ConnectionDefinition } from './connection-file.ts';
import { formatFilePath } from '../mapping/paths.ts';
import { loadConnectionsDir, resolveConnectionFiles } from './connection-files.ts';
import type { Env } from './env.ts';

/** The request budget configured for a provider, if any. */
function rateLimitOf(env: Env, provider: ProviderName): ConnectionConfig['rateLimit'] {
  const prefix = provider.toUpperCase() as Uppercase<ProviderName>;
  const limit = env[`${prefix}_RATE_LIMIT`];
  return limit === undefined ? undefined : { limit, windowMs: env[`${prefix}_RATE_WINDOW_MS`] };
}

/** Records a process writes at once to a provider (its push jobs share one limiter). */
export function pushConcurrencyOf(env: Env, provider: ProviderName): number {
  return env[`${provider.toUpperCase() as Uppercase<ProviderName>}_PUSH_CONCURRENCY`] ?? env.PUSH_CONCURRENCY;
}

/**
 * The connections configured in the environment: one per provider whose variables name a credential, named after
 * the provider (`trata`, `overplane`, `propexo`, `powerchord`). Each provider reads its own variables (its
 * `fromEnv`); every provider's refusals are gathered into one ConfigError. Job files name connections; tokens never
 * leave this object.
 */
export function connectionsFromEnv(env: Env): Map<string, ConnectionConfig> {
  const connections = new Map<string, ConnectionConfig>();
  const issues: string[] = [];
  for (const provider of PROVIDER_NAMES) {
    let settings: ConnectionSettings | null;
    try {
      settings = getProvider(provider).fromEnv(env);
    } catch (error) {
      if (!(error instanceof ConfigError)) throw error;
      issues.push(...error.issues);
      continue;
    }
    if (settings === null) continue;
    const rateLimit = rateLimitOf(env, provider);
    const pushConcurrency = env[`${provider.toUpperCase() as Uppercase<ProviderName>}_PUSH_CONCURRENCY`];
    connections.set(provider, {
      ...connectionOf(provider, settings, env.PROVIDER_TIMEOUT_MS),
      ...(rateLimit ? { rateLimit } : {}),
      ...(pushConcurrency === undefined ? {} : { pushConcurrency }),
      definedIn: 'environment',
    });
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return connections;
}

/**
 * Every configured connection: the environment's (one per provider, named after it) and the named ones of
 * `connections/*.yaml` (`definitions`, else read from CONNECTIONS_DIR), whose secrets are read now from
 * `variables` or their files and registered with the scrubber before anything can log them. A name defined twice,
 * a reference that cannot be read or a setting the provider refuses stops here, naming the file and the path.
 */
export async function configuredConnections(
  env: Env,
  variables: Readonly<Record<string, string | undefined>>,
  definitions?: ReadonlyMap<string, ConnectionDefinition>,
): Promise<Map<string, ConnectionConfig>> {
  const connections = connectionsFromEnv(env);
  let defined = definitions;
  if (defined === undefined) {
    const loaded = await loadConnectionsDir(env.CONNECTIONS_DIR);
    if (loaded.issues.length > 0) throw new FileInvalidError(loaded.issues);
    defined = loaded.connections;
  }
  const files = await resolveConnectionFiles(defined, variables, env.PROVIDER_TIMEOUT_MS);
  registerSecrets(files.secrets);
  const issues: FileIssue[] = [...files.issues];
  for (const [name, connection] of files.connections) {
    const other = connections.get(name);
    if (other) issues.push({ file: connection.definedIn ?? name, line: null, path: 'name', message: `the environment defines a connection "${name}" too (${envVariableOf(other.provider, 'token')}): rename the file's connection or unset the variables` });
    else connections.set(name, connection);
  }
  if (issues.length > 0) throw new FileInvalidError(issues);
  return connections;
}

/** A connection named after its provider, from what the environment or a sandbox decided (unset options left out). */
export function connectionOf(provider: ProviderName, settings: ConnectionSettings, timeoutMs: number): ConnectionConfig {
  const options = Object.fromEntries(Object.entries(settings.options).filter((e): e is [string, string] => e[1] !== undefined));
  return { name: provider, provider, baseUrl: settings.baseUrl, token: settings.token, timeoutMs, options };
}

/**
 * The environment variable behind each connection setting (`token`, `baseUrl`, then the keys of `options`), from
 * each provider's `envVariables`, so a setting a provider refuses is reported under the name the operator sets. A
 * key missing here falls back to `<PROVIDER>_<KEY_IN_SNAKE_CASE>`; test/unit/config/connections-check.test.ts checks
 * that every key has its entry.
 */
export const CONNECTION_ENV: Readonly<Record<ProviderName, Readonly<Record<string, string>>>> = Object.freeze(
  Object.fromEntries(PROVIDER_NAMES.map((name) => [name, providers[name].envVariables])) as Record<ProviderName, Readonly<Record<string, string>>>,
);

export function envVariableOf(provider: ProviderName, setting: string): string {
  return CONNECTION_ENV[provider][setting] ?? `${provider.toUpperCase()}_${setting.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
}

/**
 * The environment that describes a connection (the inverse of `fromEnv`): `crm-bridge simulate` prints it and tests
 * give it to worker processes. Empty settings are left out: a connection that logs in has no static token, and
 * PowerChord refuses two ways to authenticate.
 */
export function connectionEnv(provider: ProviderName, settings: ConnectionSettings): Record<string, string> {
  const env: Record<string, string> = {};
  const set = (setting: string, value: string | undefined) => {
    if (value !== undefined && value !== '') env[envVariableOf(provider, setting)] = value;
  };
  set('baseUrl', settings.baseUrl);
  set('token', settings.token);
  for (const [setting, value] of Object.entries(settings.options)) set(setting, value);
  return env;
}

/**
 * Builds every configured connection the way the workers will, before anything starts, so a setting the provider
 * needs and lacks (a token without POWERCHORD_TRUNK_ID) stops the process at once with the variable's name,
 * instead of failing every job that reaches it. Values are never echoed: they may be secrets.
 */
export function checkConnections(connections: ReadonlyMap<string, ConnectionConfig>): void {
  const issues: string[] = [];
  for (const connection of connections.values()) {
    try {
      providers[connection.provider].connect(connection);
    } catch (error) {
      issues.push(...refusalOf(connection, error));
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
}

/** Whether a connection comes from a file of `connections/` (its settings are then named by their path there). */
export function isFileDefined(connection: ConnectionConfig): boolean {
  return connection.definedIn !== undefined && connection.definedIn !== 'environment' && connection.definedIn !== 'sandbox';
}

/**
 * Where the operator sets connection settings: their variables (`POWERCHORD_EMAIL/POWERCHORD_PASSWORD`), or for a
 * file-defined connection the file and the paths (`connections/acme.yaml: settings.email, credentials.password`).
 */
export function settingOf(connection: ConnectionConfig, ...settings: string[]): string {
  const variables = settings.map((setting) => envVariableOf(connection.provider, setting));
  if (!isFileDefined(connection)) return variables.join('/');
  const layout = fileLayoutOf(connection.provider);
  const paths = variables.map((variable, i) => {
    const field = layout.find((f) => f.variable === variable);
    return field ? formatFilePath(field.path) : settings[i];
  });
  return `${connection.definedIn}: ${paths.join(', ')}`;
}

function refusalOf(connection: ConnectionConfig, error: unknown): string[] {
  const { provider } = connection;
  if (isFileDefined(connection)) return fileRefusalOf(connection, error);
  const tokenVariable = envVariableOf(provider, 'token');
  if (error instanceof ConfigError) return [...error.issues]; // the provider named its settings already
  if (!(error instanceof z.ZodError)) {
    // Not a settings schema: say which connection, without the error's text (it may quote a setting).
    return [`${tokenVariable}: the ${provider} connection could not be set up (${error instanceof Error ? error.name : 'error'}); check its ${provider.toUpperCase()}_* settings`];
  }
  return error.issues.map((issue) => {
    const setting = String(issue.path[0] ?? '');
    const variable = setting ? envVariableOf(provider, setting) : tokenVariable;
    const unset = issue.code === 'invalid_type' && connection.options[setting] === undefined;
    return unset ? `${variable}: required by the ${provider} connection (${tokenVariable} is set)` : `${variable}: ${issue.message}`;
  });
}

/** As refusalOf, for a connection of `connections/`: each setting named by the file and its path. */
function fileRefusalOf(connection: ConnectionConfig, error: unknown): string[] {
  const where = `${connection.definedIn}: connection ${connection.name}`;
  if (error instanceof z.ZodError) return error.issues.map((issue) => `${settingOf(connection, String(issue.path[0] ?? 'token'))}: ${issue.message}`);
  if (error instanceof ConfigError) return error.issues.map((issue) => `${connection.definedIn}: ${issue}`);
  // Not a settings schema: its text may quote a setting.
  return [`${where} could not be set up (${error instanceof Error ? error.name : 'error'}); check its settings and credentials`];
}
