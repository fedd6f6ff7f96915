import { ProviderNotFoundError } from '../errors.ts';
import type { Capabilities, ConnectionConfig, Connector, Cursor, ListPage, ProviderDefinition, SourceRecord } from '../types.ts';
import { TrataClient } from './client.ts';
import { advance, cursorAt, cursorSince, pageQuery, resume, START, TrataCursor, unseen } from './cursor.ts';
import { TRATA_ENV_VARIABLES, TrataEnv, trataConnectionFromEnv } from './env.ts';
import { TRATA_HOSTS } from './hosts.ts';
import { mergeForPut } from './merge.ts';
import { trataSandbox } from './sandbox.ts';
import { TrataProspect, TrataProspectInput } from './schema.ts';

export { TrataClient, describeTrataError } from './client.ts';
export { TRATA_HOSTS } from './hosts.ts';
export { TrataEnv, trataConnectionFromEnv } from './env.ts';
export * from './schema.ts';
export { TrataCursor } from './cursor.ts';
export { mergeForPut } from './merge.ts';

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

  /** One page of the updated-at listing; see cursor.ts for why it is right whether `updated_after` is `>` or `>=`. */
  async listPage(cursor: Cursor, options: { pageSize?: number; signal?: AbortSignal | undefined } = {}): Promise<ListPage> {
    const position = cursor === null ? START : TrataCursor.parse(cursor);
    const limit = Math.min(Math.max(options.pageSize ?? DEFAULT_PAGE, 1), MAX_PAGE);
    const page = await this.client.list({ sort_by: 'updatedAt', sort_order: 'asc', limit, ...pageQuery(position) }, { signal: options.signal });
    const listed = page.map(toSourceRecord);
    return { records: unseen(position, listed), next: advance(position, listed), done: page.length < limit };
  }

  resumeCursor(lastCursor: Cursor, lookbackMs: number): Cursor {
    return lastCursor === null ? null : resume(TrataCursor.parse(lastCursor), lookbackMs);
  }

  cursorAt(since: string | null): Cursor {
    return cursorAt(since);
  }

  cursorSince(cursor: Cursor): string | null {
    return cursorSince(cursor);
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

  /**
   * Read, merge, write: Trata's PUT replaces the prospect, so the body is the prospect as it is now with our mapped
   * fields merged in (merge.ts), keeping the `externalReference` entries and `prospectProps` others wrote.
   *
   * Concurrency: Trata documents no ETag, `If-Match` or version field, so the GET and the PUT cannot be made one
   * atomic step. A change another system makes between our GET and our PUT (one round trip, tens of ms) is
   * overwritten: last writer wins inside that window. We accept it rather than re-read and compare `updatedAt`
   * before writing, which would cost one more call per update and still leave a (smaller) window. What can be
   * lost is bounded to what another system wrote inside that one round trip.
   */
  async update(id: string, body: Record<string, unknown>, options: { signal?: AbortSignal | undefined } = {}) {
    const ours = TrataProspectInput.parse(body);
    const current = await this.client.get(id, options);
    const updated = await this.client.replace(id, mergeForPut(current, ours), options);
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

export const trata: ProviderDefinition<typeof TrataProspectInput, typeof TrataEnv> = {
  name: 'trata',
  capabilities,
  recordSchema: TrataProspect,
  writeSchema: TrataProspectInput,
  connect: (connection) => new TrataConnector(connection),
  settingHints: { auth: 'TRATA_TOKEN', target: 'TRATA_BASE_URL', unreachable: 'TRATA_BASE_URL' },
  envSchema: TrataEnv,
  fromEnv: trataConnectionFromEnv,
  envVariables: TRATA_ENV_VARIABLES,
  defaultHosts: TRATA_HOSTS,
  sandbox: trataSandbox,
};
