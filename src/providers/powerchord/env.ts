import { ConfigError } from '../../errors.ts';
import { POWERCHORD_HOSTS, hostProblem, type PowerChordRegion } from './hosts.ts';

/** The environment variables a PowerChord connection is made from (parsed by `config/env.ts`). */
export interface PowerChordEnv {
  POWERCHORD_REGION: PowerChordRegion;
  POWERCHORD_BASE_URL?: string | undefined;
  POWERCHORD_LEADS_BASE_URL?: string | undefined;
  POWERCHORD_TOKEN?: string | undefined;
  POWERCHORD_EMAIL?: string | undefined;
  POWERCHORD_PASSWORD?: string | undefined;
  POWERCHORD_CLIENT_ID?: string | undefined;
  POWERCHORD_CLIENT_SECRET?: string | undefined;
  POWERCHORD_TRUNK_ID?: string | undefined;
  POWERCHORD_ORGANIZATION_ID?: string | undefined;
  POWERCHORD_TYPE_KEY?: string | undefined;
  POWERCHORD_TYPE_LABEL?: string | undefined;
}

/**
 * The PowerChord connection the environment describes, or null when it names no credential (the sandbox then
 * simulates PowerChord). Refuses, naming the variables (never their values): a credential half set, two ways to
 * authenticate at once, a missing trunk or organization, and a base URL outside the connection's region.
 */
export function powerChordConnectionFromEnv(env: PowerChordEnv): { baseUrl: string; token: string; options: Record<string, string | undefined> } | null {
  const issues: string[] = [];
  const pair = (a: keyof PowerChordEnv, b: keyof PowerChordEnv): boolean => {
    if (Boolean(env[a]) !== Boolean(env[b])) issues.push(`${env[a] ? b : a}: required together with ${env[a] ? a : b}`);
    return Boolean(env[a] && env[b]);
  };
  const login = pair('POWERCHORD_EMAIL', 'POWERCHORD_PASSWORD');
  const client = pair('POWERCHORD_CLIENT_ID', 'POWERCHORD_CLIENT_SECRET');
  const ways = [env.POWERCHORD_TOKEN ? 'POWERCHORD_TOKEN' : null, login ? 'POWERCHORD_EMAIL/PASSWORD' : null, client ? 'POWERCHORD_CLIENT_ID/SECRET' : null].filter((w) => w !== null);
  if (ways.length > 1) issues.push(`${ways.join(', ')}: set one way for PowerChord to authenticate, not several`);
  if (ways.length === 0 && issues.length === 0) return null;

  const region = env.POWERCHORD_REGION;
  const baseUrl = env.POWERCHORD_BASE_URL ?? POWERCHORD_HOSTS[region].api;
  for (const [variable, url] of [['POWERCHORD_BASE_URL', env.POWERCHORD_BASE_URL], ['POWERCHORD_LEADS_BASE_URL', env.POWERCHORD_LEADS_BASE_URL]] as const) {
    const problem = url === undefined ? null : hostProblem(variable, url, region);
    if (problem) issues.push(problem);
  }
  if (!env.POWERCHORD_TRUNK_ID) issues.push('POWERCHORD_TRUNK_ID: required for a PowerChord connection (the brand organization leads are created under)');
  if (!env.POWERCHORD_ORGANIZATION_ID) issues.push('POWERCHORD_ORGANIZATION_ID: required for a PowerChord connection (the organization leads are assigned to)');
  if (issues.length > 0) throw new ConfigError(issues);

  return {
    baseUrl,
    // A connection with credentials has no static token: its tokens are fetched and renewed by the connector.
    token: env.POWERCHORD_TOKEN ?? '',
    options: {
      region,
      trunkId: env.POWERCHORD_TRUNK_ID,
      organizationId: env.POWERCHORD_ORGANIZATION_ID,
      leadsBaseUrl: env.POWERCHORD_LEADS_BASE_URL,
      typeKey: env.POWERCHORD_TYPE_KEY,
      typeLabel: env.POWERCHORD_TYPE_LABEL,
      email: env.POWERCHORD_EMAIL,
      password: env.POWERCHORD_PASSWORD,
      clientId: env.POWERCHORD_CLIENT_ID,
      clientSecret: env.POWERCHORD_CLIENT_SECRET,
    },
  };
}
