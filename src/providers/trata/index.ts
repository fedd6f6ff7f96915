import { z } from 'zod';
import { ProviderNotFoundError } from '../errors.ts';
import type { Capabilities, ConnectionConfig, Connector, Cursor, ListPage, ProviderDefinition, SourceRecord } from '../types.ts';
import { TrataClient } from './client.ts';
import { TrataProspect, TrataProspectInput } from './schema.ts';

export { TrataClient, TRATA_DEFAULT_BASE_URL, describeTrataError } from './client.ts';
export * from './schema.ts';

const capabilities: Capabilities = {
  list: true,
  incremental: true,
  get: true,
  create: true,
  update: true,
  delete: true,
  asyncWrites: false,
  searchBy: ['email'],
};

/** Largest page we ask for. Trata documents no maximum (*assumed* 1000, the simulator's cap). */
const MAX_PAGE = 1000;
const DEFAULT_PAGE = 500;

/**
 * Trata's listing cursor. `after` is an updated-at high-water mark sent as `updated_after` (*assumed* inclusive,
 * `>=`), `skip` the records already seen at exactly that instant, so that ties across a page boundary are neither
 * missed nor read twice. Paging by keyset (not by a growing `skip`) means a record updated mid-scan cannot shift
 * the pages under us.
 */
const TrataCursor = z.object({ after: z.string().nullable(), skip: z.number().int().min(0) });

function toSourceRecord(prospect: TrataProspect): SourceRecord {
  return { id: prospect.id, updatedAt: prospect.updatedAt ?? null, data: prospect };
}

export class TrataConnector implements Connector {
  readonly provider = 'trata' as const;
  readonly capabilities = capabilities;
  readonly connection: string;
  readonly client: TrataClient;

  constructor(connection: ConnectionConfig) {
    this.connection = connection.name;
    this.client = new TrataClient(connection);
  }

  async listPage(cursor: Cursor, options: { pageSize?: number; signal?: AbortSignal | undefined } = {}): Promise<ListPage> {
    const position = cursor === null ? { after: null, skip: 0 } : TrataCursor.parse(cursor);
    const limit = Math.min(Math.max(options.pageSize ?? DEFAULT_PAGE, 1), MAX_PAGE);
    const page = await this.client.list(
      {
        sort_by: 'updatedAt',
        sort_order: 'asc',
        skip: position.skip,
        limit,
        ...(position.after === null ? {} : { updated_after: position.after }),
      },
      { signal: options.signal },
    );
    const records = page.map(toSourceRecord);
    return { records, next: nextCursor(position, records), done: page.length < limit };
  }

  resumeCursor(lastCursor: Cursor, lookbackMs: number): Cursor {
    if (lastCursor === null) return null;
    const { after } = TrataCursor.parse(lastCursor);
    if (after === null) return null;
    return { after: new Date(Date.parse(after) - lookbackMs).toISOString(), skip: 0 };
  }

  async get(id: string, options: { signal?: AbortSignal | undefined } = {}): Promise<SourceRecord | null> {
    try {
      return toSourceRecord(await this.client.get(id, options));
    } catch (error) {
      if (error instanceof ProviderNotFoundError) return null;
      throw error;
    }
  }

  async create(body: Record<string, unknown>, options: { signal?: AbortSignal | undefined } = {}) {
    const created = await this.client.create(TrataProspectInput.parse(body), options);
    return { kind: 'done' as const, targetId: created.id };
  }

  async update(id: string, body: Record<string, unknown>, options: { signal?: AbortSignal | undefined } = {}) {
    const updated = await this.client.replace(id, TrataProspectInput.parse(body), options);
    return { kind: 'done' as const, targetId: updated.id };
  }

  async delete(id: string, options: { signal?: AbortSignal | undefined } = {}): Promise<void> {
    await this.client.delete(id, options);
  }

  /** By email (*assumed*: `search_by=email` matches a substring, so the answer is filtered to exact matches). */
  async findExisting(body: Record<string, unknown>, options: { signal?: AbortSignal | undefined } = {}): Promise<string | null> {
    const email = body['email'];
    if (typeof email !== 'string' || email === '') return null;
    const found = await this.client.list({ search_by: 'email', search_value: email, limit: 20 }, options);
    return found.find((p) => p.email?.toLowerCase() === email.toLowerCase())?.id ?? null;
  }
}

/** The position after `records`: the last updated-at seen, and how many records carry exactly that instant. */
function nextCursor(position: { after: string | null; skip: number }, records: SourceRecord[]): Cursor {
  const last = records.at(-1)?.updatedAt ?? null;
  if (last === null) return position;
  let ties = 0;
  for (let i = records.length - 1; i >= 0 && records[i]?.updatedAt === last; i--) ties++;
  // The whole page sat at the cursor's instant: the skip grows instead of restarting.
  const skip = last === position.after && ties === records.length ? position.skip + ties : ties;
  return { after: last, skip };
}

export const trata: ProviderDefinition<typeof TrataProspectInput> = {
  name: 'trata',
  capabilities,
  recordSchema: TrataProspect,
  writeSchema: TrataProspectInput,
  connect: (connection) => new TrataConnector(connection),
};
