import { z } from 'zod';
import { ConfigError } from '../../errors.ts';
import { PartialCreateError } from '../errors.ts';
import type { Capabilities, CallOptions, CreateOptions, ConnectionConfig, Connector, ProviderDefinition, WriteResult } from '../types.ts';
import { PowerChordClient } from './client.ts';
import { POWERCHORD_ENV_VARIABLES, PowerChordEnv, powerChordConnectionFromEnv } from './env.ts';
import { clientCredentialsGrant, loginGrant } from './grants.ts';
import { POWERCHORD_HOSTS, POWERCHORD_REGIONS, hostProblem } from './hosts.ts';
import { powerchordSandbox } from './sandbox.ts';
import { PowerChordLeadUpdate } from './schema.ts';
import { RenewingToken, StaticToken, type TokenProvider } from './token.ts';

export { PowerChordClient, describePowerChordError } from './client.ts';
export { jwtExpiresAt } from './grants.ts';
export { POWERCHORD_HOSTS, POWERCHORD_REGIONS, hostProblem, hostRegion, type PowerChordRegion } from './hosts.ts';
export { PowerChordEnv, powerChordConnectionFromEnv } from './env.ts';
export { RenewingToken, StaticToken, type AccessToken, type TokenProvider } from './token.ts';
export * from './schema.ts';

/** Write-only: PowerChord documents no list, get or search. The engine remembers what it last sent. */
const capabilities: Capabilities = {
  list: false,
  incremental: false,
  get: false,
  create: true,
  update: true,
  delete: false,
  asyncWrites: false,
  searchBy: [],
};

/**
 * A PowerChord connection's settings (`ConnectionConfig.options`). The region picks both hosts; `baseUrl` and
 * `leadsBaseUrl` may override them only with hosts of the same region (or a loopback simulator).
 * Credentials: `email` + `password` (the service account's login), or `clientId` + `clientSecret` (an OAuth
 * client); without either, the connection's static `token` is used until it is refused.
 */
export const PowerChordOptions = z.object({
  region: z.enum(POWERCHORD_REGIONS).default('us'),
  trunkId: z.string().min(1),
  organizationId: z.string().min(1),
  /** Documented as required on every create; one category for every lead this connection creates. */
  typeKey: z.string().min(1).default('contact-us'),
  typeLabel: z.string().min(1).default('Contact Us'),
  leadsBaseUrl: z.url().optional(),
  email: z.string().min(1).optional(),
  password: z.string().min(1).optional(),
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().min(1).optional(),
});
export type PowerChordOptions = z.infer<typeof PowerChordOptions>;

/** The connection's token provider: credentials win over a static token (config refuses both being set). */
function tokenProvider(connection: ConnectionConfig, options: PowerChordOptions, apiBaseUrl: string): TokenProvider {
  const grant = { apiBaseUrl, timeoutMs: connection.timeoutMs };
  if (options.clientId && options.clientSecret) return new RenewingToken(clientCredentialsGrant(grant, { clientId: options.clientId, clientSecret: options.clientSecret }));
  if (options.email && options.password) return new RenewingToken(loginGrant(grant, { email: options.email, password: options.password }));
  if (connection.token) return new StaticToken(connection.token);
  throw new ConfigError([`connection ${connection.name}: PowerChord needs a token, email + password, or clientId + clientSecret`]);
}

export class PowerChordConnector implements Connector {
  readonly provider = 'powerchord' as const;
  readonly capabilities = capabilities;
  readonly connection: string;
  readonly client: PowerChordClient;
  /** Where this connection's bearer tokens come from; one per connection, so every push of the process shares it. */
  readonly tokens: TokenProvider;
  readonly #options: PowerChordOptions;

  constructor(connection: ConnectionConfig) {
    this.connection = connection.name;
    this.#options = PowerChordOptions.parse(connection.options);
    const hosts = POWERCHORD_HOSTS[this.#options.region];
    const apiBaseUrl = connection.baseUrl || hosts.api;
    const leadsBaseUrl = this.#options.leadsBaseUrl ?? hosts.leads;
    // Checked again here (config checks the environment): a connection built by hand must not cross regions either.
    const problems = [hostProblem(`connection ${connection.name} baseUrl`, apiBaseUrl, this.#options.region), hostProblem(`connection ${connection.name} leadsBaseUrl`, leadsBaseUrl, this.#options.region)];
    const issues = problems.filter((p): p is string => p !== null);
    if (issues.length > 0) throw new ConfigError(issues);
    this.tokens = tokenProvider(connection, this.#options, apiBaseUrl);
    this.client = new PowerChordClient({ apiBaseUrl, leadsBaseUrl, tokens: this.tokens, timeoutMs: connection.timeoutMs, gate: connection.gate, name: connection.name });
  }

  /**
   * Creates the lead on the leads host, then, because the create body has no external id, sets `ExternalID` with
   * a PATCH. The lead exists after the first call: if the second fails, the caller still gets the lead id through
   * the error's `targetId`, so a retry updates instead of creating again.
   */
  async create(body: Record<string, unknown>, options: CreateOptions = {}): Promise<WriteResult> {
    const lead = PowerChordLeadUpdate.parse(body);
    const created = await this.client.createLead(
      this.#options.trunkId,
      {
        organizationID: this.#options.organizationId,
        content: lead.Content ?? {},
        typeKey: this.#options.typeKey,
        typeLabel: this.#options.typeLabel,
        ...(lead.Status ? { status: lead.Status } : {}),
      },
      options,
    );
    if (lead.ExternalID !== undefined) {
      await options.onCreated?.(created.leadID);
      try {
        await this.client.updateLead(created.leadID, { ExternalID: lead.ExternalID }, options);
      } catch (error) {
        throw new PartialCreateError(created.leadID, error);
      }
    }
    return { kind: 'done', targetId: created.leadID };
  }

  async update(id: string, body: Record<string, unknown>, options: CallOptions = {}): Promise<WriteResult> {
    const lead = await this.client.updateLead(id, PowerChordLeadUpdate.parse(body), options);
    return { kind: 'done', targetId: lead.ID };
  }
}

/** The four hosts, named as the simulator's `callsByHost()` names them (`us-api`, `eu-leads`, ...). */
const defaultHosts = Object.freeze(Object.fromEntries(POWERCHORD_REGIONS.flatMap((region) => [[`${region}-api`, POWERCHORD_HOSTS[region].api], [`${region}-leads`, POWERCHORD_HOSTS[region].leads]])));

export const powerchord: ProviderDefinition<typeof PowerChordLeadUpdate, typeof PowerChordEnv> = {
  name: 'powerchord',
  capabilities,
  recordSchema: null,
  writeSchema: PowerChordLeadUpdate,
  connect: (connection) => new PowerChordConnector(connection),
  settingHints: { auth: 'POWERCHORD_TOKEN (or POWERCHORD_EMAIL and POWERCHORD_PASSWORD)', target: 'POWERCHORD_TRUNK_ID', unreachable: 'POWERCHORD_REGION and POWERCHORD_LEADS_BASE_URL' },
  envSchema: PowerChordEnv,
  fromEnv: powerChordConnectionFromEnv,
  envVariables: POWERCHORD_ENV_VARIABLES,
  defaultHosts,
  sandbox: powerchordSandbox,
};
