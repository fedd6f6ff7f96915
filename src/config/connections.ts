import { z } from 'zod';
import { ConfigError } from '../errors.ts';
import { providers } from '../providers/registry.ts';
import { powerChordConnectionFromEnv } from '../providers/powerchord/env.ts';
import type { ConnectionConfig, ProviderName } from '../providers/types.ts';
import type { Env } from './env.ts';

const PROPEXO_HOSTS = { production: 'https://api.propexo.com', sandbox: 'https://api.sandbox.propexo.com' } as const;

/**
 * The connections configured in the environment: one per provider that has a token, named after the provider
 * (`trata`, `overplane`, `propexo`, `powerchord`). Job files name connections; tokens never leave this object.
 */
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

export function connectionsFromEnv(env: Env): Map<string, ConnectionConfig> {
  const timeoutMs = env.PROVIDER_TIMEOUT_MS;
  const connections = new Map<string, ConnectionConfig>();
  const add = (
    provider: ProviderName,
    token: string | undefined,
    baseUrl: string,
    options: Record<string, string | undefined>,
  ) => {
    if (token === undefined) return;
    const rateLimit = rateLimitOf(env, provider);
    const defined = Object.fromEntries(Object.entries(options).filter((e): e is [string, string] => e[1] !== undefined));
    connections.set(provider, { name: provider, provider, baseUrl, token, timeoutMs, options: defined, ...(rateLimit ? { rateLimit } : {}) });
  };
  add('trata', env.TRATA_TOKEN, env.TRATA_BASE_URL, {});
  add('overplane', env.OVERPLANE_TOKEN, env.OVERPLANE_BASE_URL, {});
  add('propexo', env.PROPEXO_TOKEN, env.PROPEXO_BASE_URL ?? PROPEXO_HOSTS[env.PROPEXO_ENVIRONMENT], {
    integrationId: env.PROPEXO_INTEGRATION_ID,
    leaseId: env.PROPEXO_LEASE_ID,
    rateLimitWindowMs: String(env.PROPEXO_RATE_WINDOW_MS),
  });
  // PowerChord: a static token or credentials (its tokens are then fetched and renewed), hosts checked against the region.
  const powerchord = powerChordConnectionFromEnv(env);
  if (powerchord) add('powerchord', powerchord.token, powerchord.baseUrl, powerchord.options);
  return connections;
}

/**
 * The environment variable behind each connection setting (`token`, `baseUrl`, then the keys of `options`), so a
 * setting a provider refuses is reported under the name the operator sets. A key missing here falls back to
 * `<PROVIDER>_<KEY_IN_SNAKE_CASE>`; test/unit/config/env.test.ts checks that every key has its entry.
 */
export const CONNECTION_ENV: Readonly<Record<ProviderName, Readonly<Record<string, string>>>> = {
  trata: { token: 'TRATA_TOKEN', baseUrl: 'TRATA_BASE_URL' },
  overplane: { token: 'OVERPLANE_TOKEN', baseUrl: 'OVERPLANE_BASE_URL' },
  propexo: {
    token: 'PROPEXO_TOKEN',
    baseUrl: 'PROPEXO_BASE_URL',
    integrationId: 'PROPEXO_INTEGRATION_ID',
    leaseId: 'PROPEXO_LEASE_ID',
    rateLimitWindowMs: 'PROPEXO_RATE_WINDOW_MS',
  },
  powerchord: {
    token: 'POWERCHORD_TOKEN',
    baseUrl: 'POWERCHORD_BASE_URL',
    region: 'POWERCHORD_REGION',
    trunkId: 'POWERCHORD_TRUNK_ID',
    organizationId: 'POWERCHORD_ORGANIZATION_ID',
    leadsBaseUrl: 'POWERCHORD_LEADS_BASE_URL',
    typeKey: 'POWERCHORD_TYPE_KEY',
    typeLabel: 'POWERCHORD_TYPE_LABEL',
    email: 'POWERCHORD_EMAIL',
    password: 'POWERCHORD_PASSWORD',
    clientId: 'POWERCHORD_CLIENT_ID',
    clientSecret: 'POWERCHORD_CLIENT_SECRET',
  },
};

export function envVariableOf(provider: ProviderName, setting: string): string {
  return CONNECTION_ENV[provider][setting] ?? `${provider.toUpperCase()}_${setting.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;
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

function refusalOf(connection: ConnectionConfig, error: unknown): string[] {
  const { provider } = connection;
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
