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
