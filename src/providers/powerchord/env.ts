import { z } from 'zod';
import { httpUrl, optionalText, pushConcurrency, rateLimit, rateWindowMs } from '../../config/env-fields.ts';
import { ConfigError } from '../../errors.ts';
import type { ConnectionSettings } from '../types.ts';
import { POWERCHORD_HOSTS, POWERCHORD_REGIONS, hostProblem } from './hosts.ts';

/** The environment variables a PowerChord connection is made from (merged into `config/env.ts`). */
export const PowerChordEnv = z.object({
  POWERCHORD_REGION: z.enum(POWERCHORD_REGIONS).default('us'),
  /** Overrides of the region's hosts: checked against the region below. */
  POWERCHORD_BASE_URL: httpUrl.optional(),
  POWERCHORD_LEADS_BASE_URL: httpUrl.optional(),
  /** A static bearer token, used until it is refused; for a long-running worker prefer the credentials below. */
  POWERCHORD_TOKEN: optionalText,
  /** The service account's login (Authentication: `POST /v3/oauth2/login`); tokens are renewed before they expire. */
  POWERCHORD_EMAIL: optionalText,
  POWERCHORD_PASSWORD: optionalText,
  /** An OAuth client's credentials (client-credentials grant, *assumed* `POST /v3/oauth2/token`), instead of a login. */
  POWERCHORD_CLIENT_ID: optionalText,
  POWERCHORD_CLIENT_SECRET: optionalText,
  POWERCHORD_TRUNK_ID: optionalText,
  POWERCHORD_ORGANIZATION_ID: optionalText,
  /** The lead category every create names (documented as required): machine key and human label. */
  POWERCHORD_TYPE_KEY: optionalText,
  POWERCHORD_TYPE_LABEL: optionalText,
  /** PowerChord documents no request budget: none unless configured. */
  POWERCHORD_RATE_LIMIT: rateLimit.optional(),
  POWERCHORD_RATE_WINDOW_MS: rateWindowMs,
  POWERCHORD_PUSH_CONCURRENCY: pushConcurrency,
});
export type PowerChordEnv = z.infer<typeof PowerChordEnv>;

/** The variable behind each connection setting, so a refused setting is reported by the name the operator sets. */
export const POWERCHORD_ENV_VARIABLES = Object.freeze({
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
});

/**
 * The PowerChord connection the environment describes, or null when it names no credential (the sandbox then
 * simulates PowerChord). Refuses, naming the variables (never their values): a credential half set, two ways to
 * authenticate at once, a missing trunk or organization, and a base URL outside the connection's region.
 */
export function powerChordConnectionFromEnv(env: PowerChordEnv): ConnectionSettings | null {
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
