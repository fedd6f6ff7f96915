import { z } from 'zod';
import { PartialCreateError } from '../errors.ts';
import type { Capabilities, CallOptions, CreateOptions, ConnectionConfig, Connector, ProviderDefinition, WriteResult } from '../types.ts';
import { PowerChordClient } from './client.ts';
import { POWERCHORD_HOSTS, POWERCHORD_REGIONS, PowerChordLeadUpdate } from './schema.ts';

export { PowerChordClient, describePowerChordError } from './client.ts';
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
 * A PowerChord connection's settings. The region picks both hosts, so an EU connection can never write to the US;
 * `apiBaseUrl`/`leadsBaseUrl` override them (the simulators), but only together with the region's own pair.
 */
export const PowerChordOptions = z.object({
  region: z.enum(POWERCHORD_REGIONS).default('us'),
  trunkId: z.string().min(1),
  organizationId: z.string().min(1),
  typeKey: z.string().min(1).default('contact-us'),
  typeLabel: z.string().min(1).default('Contact Us'),
  leadsBaseUrl: z.string().url().optional(),
});
export type PowerChordOptions = z.infer<typeof PowerChordOptions>;

export class PowerChordConnector implements Connector {
  readonly provider = 'powerchord' as const;
  readonly capabilities = capabilities;
  readonly connection: string;
  readonly client: PowerChordClient;
  readonly #options: PowerChordOptions;

  constructor(connection: ConnectionConfig) {
    this.connection = connection.name;
    this.#options = PowerChordOptions.parse(connection.options);
    const hosts = POWERCHORD_HOSTS[this.#options.region];
    this.client = new PowerChordClient({
      apiBaseUrl: connection.baseUrl || hosts.api,
      leadsBaseUrl: this.#options.leadsBaseUrl ?? hosts.leads,
      token: connection.token,
      timeoutMs: connection.timeoutMs,
      gate: connection.gate,
    });
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

export const powerchord: ProviderDefinition<typeof PowerChordLeadUpdate> = {
  name: 'powerchord',
  capabilities,
  recordSchema: null,
  writeSchema: PowerChordLeadUpdate,
  connect: (connection) => new PowerChordConnector(connection),
};
