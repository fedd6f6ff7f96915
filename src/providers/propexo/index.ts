import { z } from 'zod';
import { ProviderHttpError, ProviderNotFoundError } from '../errors.ts';
import type {
  Capabilities,
  CallOptions,
  ConnectionConfig,
  Connector,
  Cursor,
  ListOptions,
  ListPage,
  ProviderDefinition,
  RateLimitState,
  SourceRecord,
  WriteResult,
  WriteStatus,
} from '../types.ts';
import { PropexoClient } from './client.ts';
import { advance, readCursor, resume, toIso } from './cursor.ts';
import { PROPEXO_DEFAULT_LIMIT, PROPEXO_MAX_LIMIT, PropexoProspect, PropexoWriteBody } from './schema.ts';
import { toCreateBody, toUpdateBody } from './write-body.ts';

export { PropexoClient, PROPEXO_DEFAULT_BASE_URL, PROPEXO_SANDBOX_BASE_URL, describePropexoError } from './client.ts';
export { PropexoRateLimitTracker, PROPEXO_WINDOW_MS } from './rate-limit.ts';
export { toCreateBody, toUpdateBody } from './write-body.ts';
export * from './schema.ts';

/**
 * Writes are asynchronous (a job id, confirmed through write-status). No delete and no search are documented, so
 * a retried create cannot look the prospect up first: the engine must confirm the first job instead.
 */
const capabilities: Capabilities = {
  list: true,
  incremental: true,
  get: true,
  create: true,
  update: true,
  delete: false,
  asyncWrites: true,
  searchBy: [],
};

/**
 * A Propexo connection's settings (`ConnectionConfig.options`). `integrationId` completes creates, `leaseId`
 * updates whose mapping does not carry one; `rateLimitWindowMs` tunes the 429 wait (tests use short windows).
 */
// An empty setting (an unset env var rendered as '') counts as absent.
const setting = z.string().optional().transform((value) => value || undefined);

export const PropexoOptions = z.object({
  integrationId: setting,
  leaseId: setting,
  rateLimitWindowMs: z.coerce.number().int().positive().optional(),
});
export type PropexoOptions = z.infer<typeof PropexoOptions>;

function toSourceRecord(prospect: PropexoProspect): SourceRecord {
  return { id: prospect.id, updatedAt: toIso(prospect.updated_at), data: prospect };
}

export class PropexoConnector implements Connector {
  readonly provider = 'propexo' as const;
  readonly capabilities = capabilities;
  readonly connection: string;
  readonly client: PropexoClient;
  readonly #options: PropexoOptions;

  constructor(connection: ConnectionConfig) {
    this.connection = connection.name;
    this.#options = PropexoOptions.parse(connection.options);
    this.client = new PropexoClient({
      baseUrl: connection.baseUrl,
      token: connection.token,
      timeoutMs: connection.timeoutMs,
      gate: connection.gate,
      ...(this.#options.rateLimitWindowMs === undefined ? {} : { rateLimitWindowMs: this.#options.rateLimitWindowMs }),
    });
  }

  /** Newest first down to the cursor's stop point: see `cursor.ts` for why this never misses a mid-scan write. */
  async listPage(cursor: Cursor, options: ListOptions = {}): Promise<ListPage> {
    const position = readCursor(cursor);
    const limit = Math.min(Math.max(options.pageSize ?? PROPEXO_DEFAULT_LIMIT, 1), PROPEXO_MAX_LIMIT);
    const page = await this.client.list({ offset: position.offset, limit, orderBy: 'updated_at:desc' }, { signal: options.signal });
    const { kept, next, done } = advance(position, page.records, page.meta.hasMore, (r) => r.updated_at);
    return { records: kept.map(toSourceRecord), next, done };
  }

  resumeCursor(lastCursor: Cursor, lookbackMs: number): Cursor {
    return resume(lastCursor, lookbackMs);
  }

  async get(id: string, options: CallOptions = {}): Promise<SourceRecord | null> {
    try {
      return toSourceRecord(await this.client.get(id, options));
    } catch (error) {
      if (error instanceof ProviderNotFoundError) return null;
      throw error;
    }
  }

  /** Queues the create. The prospect id is known only once write-status says SUCCESS (`created_record_id`). */
  async create(body: Record<string, unknown>, options: CallOptions = {}): Promise<WriteResult> {
    const answer = await this.client.create(toCreateBody(body, this.#options), options);
    return { kind: 'pending', jobId: answer.jobId, targetId: null };
  }

  async update(id: string, body: Record<string, unknown>, options: CallOptions = {}): Promise<WriteResult> {
    const answer = await this.client.update(id, toUpdateBody(body, this.#options), options);
    return { kind: 'pending', jobId: answer.jobId, targetId: id };
  }

  async writeStatus(jobId: string, options: CallOptions = {}): Promise<WriteStatus> {
    const answer = await this.client.writeStatus(jobId, options);
    return { status: answer.write_status, errors: answer.errors, createdRecordId: answer.created_record_id };
  }

  /** Re-runs a FAILURE write; the new job id is the one to poll from now on. */
  async retryWrite(jobId: string, options: CallOptions = {}): Promise<{ jobId: string }> {
    const answer = await this.client.retryWrite(jobId, options);
    if (!answer.success || !answer.job_id) {
      throw new ProviderHttpError(`propexo POST /v1/admin/retry-write/:root_job_id refused to retry ${jobId}`, {
        provider: 'propexo',
        operation: 'POST /v1/admin/retry-write/:root_job_id',
        status: 200,
        body: answer,
      });
    }
    return { jobId: answer.job_id };
  }

  rateLimitState(): RateLimitState | null {
    return this.client.rateLimitState();
  }
}

/**
 * `writeSchema` is one shape for create and update (both bodies' fields, `integration_id` and `lease_id`
 * optional): the connector completes them from the connection and drops the fields the chosen endpoint rejects.
 */
export const propexo: ProviderDefinition<typeof PropexoWriteBody> = {
  name: 'propexo',
  capabilities,
  recordSchema: PropexoProspect,
  writeSchema: PropexoWriteBody,
  connect: (connection) => new PropexoConnector(connection),
};
