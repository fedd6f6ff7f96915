import { PartialCreateError, ProviderNotFoundError } from '../errors.ts';
import type { CallOptions, Capabilities, ConnectionConfig, Connector, CreateOptions, Cursor, ListOptions, ListPage, ProviderDefinition, SourceRecord, WriteResult } from '../types.ts';
import { OverplaneClient } from './client.ts';
import { OVERPLANE_ENV_VARIABLES, OverplaneEnv, overplaneConnectionFromEnv } from './env.ts';
import { OVERPLANE_HOSTS } from './hosts.ts';
import { addPerson, updatePerson } from './person.ts';
import { overplaneSandbox } from './sandbox.ts';
import { OverplaneScanCursor, createdAtMs, scanPage } from './scan.ts';
import {
  OVERPLANE_MAX_LIMIT,
  OverplaneRecord,
  OverplaneWrite,
  type OverplanePersonWrite,
  type OverplaneProspect,
  type OverplaneProspectCreate,
} from './schema.ts';

export { OverplaneClient, OverplaneLeadRecords, OverplaneLineItems, describeOverplaneError } from './client.ts';
export { OVERPLANE_BASE_PATH, OVERPLANE_HOSTS } from './hosts.ts';
export { OverplaneEnv, overplaneConnectionFromEnv } from './env.ts';
export { leadRecordFields } from './person.ts';
export { OverplaneScanCursor, scanPage } from './scan.ts';
export * from './schema.ts';

/** No updated-since filter and no search endpoint: every run is a full scan plus a local diff. */
const capabilities: Capabilities = {
  list: true,
  incremental: false,
  get: true,
  create: true,
  update: true,
  delete: true,
  asyncWrites: false,
  searchBy: [],
};

/** Anchored reads ask for one row more than the page, so a page stays one below the list's maximum. */
const MAX_PAGE = OVERPLANE_MAX_LIMIT - 1;
const DEFAULT_PAGE = 50;
/** prospect-lead lists fetched at once for one page (one GET per prospect). */
const LEAD_FETCH_CONCURRENCY = 8;

function toSourceRecord(prospect: OverplaneProspect, leads: OverplaneRecord['leads']): SourceRecord {
  const updatedMs = createdAtMs(prospect.updated_at);
  const data: OverplaneRecord = { ...prospect, leads };
  return { id: prospect.id, updatedAt: Number.isNaN(updatedMs) ? null : new Date(updatedMs).toISOString(), data };
}

/** Splits a write body into the prospect fields and the person (prospect-lead) fields. */
function splitWrite(body: Record<string, unknown>): { prospect: OverplaneProspectCreate; person: OverplanePersonWrite | undefined } {
  const { lead, ...prospect } = OverplaneWrite.parse(body);
  return { prospect, person: lead };
}

export class OverplaneConnector implements Connector {
  readonly provider = 'overplane' as const;
  readonly capabilities = capabilities;
  readonly connection: string;
  readonly client: OverplaneClient;

  constructor(connection: ConnectionConfig) {
    this.connection = connection.name;
    this.client = new OverplaneClient(connection);
  }

  /** One page of a full scan (see scan.ts for how records created or deleted mid-scan are handled). */
  async listPage(cursor: Cursor, options: ListOptions = {}): Promise<ListPage> {
    const position = cursor === null ? null : OverplaneScanCursor.parse(cursor);
    const limit = Math.min(Math.max(options.pageSize ?? DEFAULT_PAGE, 1), MAX_PAGE);
    const call = { signal: options.signal };
    const page = await scanPage(position, limit, (offset, size) => this.client.list({ limit: size, offset }, call));
    const records = await mapLimit(page.rows, LEAD_FETCH_CONCURRENCY, async (prospect) => {
      try {
        return toSourceRecord(prospect, await this.client.leads.list(prospect.id, call));
      } catch (error) {
        // Deleted between the list and this call: it is gone, so it is not part of the scan.
        if (error instanceof ProviderNotFoundError) return null;
        throw error;
      }
    });
    return { records: records.filter((r) => r !== null), next: page.next, done: page.done };
  }

  async get(id: string, options: CallOptions = {}): Promise<SourceRecord | null> {
    try {
      const [prospect, leads] = await Promise.all([this.client.get(id, options), this.client.leads.list(id, options)]);
      return toSourceRecord(prospect, leads);
    } catch (error) {
      if (error instanceof ProviderNotFoundError) return null;
      throw error;
    }
  }

  /**
   * POST the prospect, then the person: a Lead record and the prospect-lead row linking it (person.ts). Once the
   * prospect exists a failure is a PartialCreateError carrying its id, so the engine retries with update() (which
   * adds the person if the row is missing) instead of creating a second prospect. A crash between the Lead and the
   * row leaves one unlinked Lead behind (the Lead resource has no search to find it again).
   */
  async create(body: Record<string, unknown>, options: CreateOptions = {}): Promise<WriteResult> {
    const { prospect, person } = splitWrite(body);
    const created = await this.client.create(prospect, options);
    if (person !== undefined) {
      await options.onCreated?.(created.id);
      try {
        await addPerson(this.client, created.id, person, prospect, options);
      } catch (error) {
        throw new PartialCreateError(created.id, error);
      }
    }
    return { kind: 'done', targetId: created.id };
  }

  /**
   * PATCH the prospect (unsent fields stay), then the person of its first prospect-lead (lowest `idx`): its linked
   * Lead record and the row; or add the person when the prospect has no row.
   */
  async update(id: string, body: Record<string, unknown>, options: CallOptions = {}): Promise<WriteResult> {
    const { prospect, person } = splitWrite(body);
    const updated = await this.client.update(id, prospect, options);
    if (person !== undefined) {
      const rows = await this.client.leads.list(id, options);
      const first = rows.reduce<(typeof rows)[number] | undefined>((a, b) => (a === undefined || b.idx < a.idx ? b : a), undefined);
      if (first) await updatePerson(this.client, first, person, prospect, options);
      else await addPerson(this.client, id, person, prospect, options);
    }
    return { kind: 'done', targetId: updated.id };
  }

  /** Deletes the prospect; its line items go with it (assumed, see schema.ts). */
  async delete(id: string, options: CallOptions = {}): Promise<void> {
    await this.client.delete(id, options);
  }
}

/** Maps with at most `limit` calls in flight, keeping the order. */
async function mapLimit<T, U>(items: readonly T[], limit: number, fn: (item: T) => Promise<U>): Promise<U[]> {
  const out = new Array<U>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

export const overplane: ProviderDefinition<typeof OverplaneWrite, typeof OverplaneEnv> = {
  name: 'overplane',
  capabilities,
  recordSchema: OverplaneRecord,
  writeSchema: OverplaneWrite,
  connect: (connection) => new OverplaneConnector(connection),
  settingHints: { auth: 'OVERPLANE_TOKEN', target: 'OVERPLANE_BASE_URL', unreachable: 'OVERPLANE_BASE_URL' },
  envSchema: OverplaneEnv,
  fromEnv: overplaneConnectionFromEnv,
  envVariables: OVERPLANE_ENV_VARIABLES,
  defaultHosts: OVERPLANE_HOSTS,
  sandbox: overplaneSandbox,
};
