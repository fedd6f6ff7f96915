import { z } from 'zod';
import { ProviderHttpError, ProviderNotFoundError, ProviderValidationError } from '../errors.ts';
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
import { afterPage, cursorAt, cursorSince, pageOffset, readCursor, resume, storeCursor, toIso } from './cursor.ts';
import { PROPEXO_ENV_VARIABLES, PropexoEnv, propexoConnectionFromEnv } from './env.ts';
import { FailedWrites } from './failed-writes.ts';
import { PROPEXO_HOSTS } from './hosts.ts';
import { propexoSandbox } from './sandbox.ts';
import { PROPEXO_DEFAULT_LIMIT, PROPEXO_MAX_LIMIT, PropexoProspect, PropexoWriteBody } from './schema.ts';
import { toCreateBody, toUpdateBody } from './write-body.ts';

export { PropexoClient, PROPEXO_INCREMENTAL_ORDER, describePropexoError } from './client.ts';
export { PROPEXO_ENVIRONMENTS, PROPEXO_HOSTS, type PropexoEnvironment } from './hosts.ts';
export { PropexoEnv, propexoConnectionFromEnv } from './env.ts';
export { PropexoRateLimitTracker, PROPEXO_WINDOW_MS, SizedRequestGate } from './rate-limit.ts';
export * from './webhooks.ts';
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
 * A Propexo connection's settings (`ConnectionConfig.options`). `integrationId` completes creates and scopes reads
 * (lists and gets see only that integration's prospects; unset: every integration the token sees). `leaseId` is a
 * last-resort fallback for updates whose mapping sets no `lease_id`: the lease belongs to each prospect, so a
 * mapping should set it per record, and without either an update is a record-level error naming `lease_id`.
 * `rateLimitWindowMs` tunes the 429 wait (tests use short windows).
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

  readonly #writes = new FailedWrites();

  constructor(connection: ConnectionConfig) {
    this.connection = connection.name;
    this.#options = PropexoOptions.parse(connection.options);
    this.client = new PropexoClient({
      name: connection.name,
      baseUrl: connection.baseUrl,
      token: connection.token,
      timeoutMs: connection.timeoutMs,
      gate: connection.gate,
      ...(connection.rateLimit ? { configuredLimit: connection.rateLimit.limit } : {}),
      ...(this.#options.rateLimitWindowMs === undefined ? {} : { rateLimitWindowMs: this.#options.rateLimitWindowMs }),
    });
  }

  /**
   * Oldest change first from the cursor's mark (`updated_at_gte`, inclusive): see `cursor.ts`. A null cursor (the
   * first run, `--full`) reads everything.
   */
  async listPage(cursor: Cursor, options: ListOptions = {}): Promise<ListPage> {
    const position = readCursor(cursor);
    const limit = Math.min(Math.max(options.pageSize ?? PROPEXO_DEFAULT_LIMIT, 1), PROPEXO_MAX_LIMIT);
    // A connection names one integration: it reads only that one's prospects (another connection may share the token).
    const page = await this.client.list(
      { offset: pageOffset(position, limit), limit, updatedAtGte: position.after, integrationId: this.#options.integrationId },
      { signal: options.signal },
    );
    const { kept, next } = afterPage(position, page.records.map(toSourceRecord), limit, (r) => ({ id: r.id, updatedAt: r.updatedAt }));
    const hasMore = page.meta.hasMore ?? page.records.length >= limit;
    return { records: kept, next: storeCursor(next), done: !hasMore || page.records.length === 0 };
  }

  resumeCursor(lastCursor: Cursor, lookbackMs: number): Cursor {
    return resume(lastCursor, lookbackMs);
  }

  cursorAt(since: string | null): Cursor {
    return cursorAt(since);
  }

  cursorSince(cursor: Cursor): string | null {
    return cursorSince(cursor);
  }

  /** A prospect of another integration than the connection's is not this connection's record: null, as if absent. */
  async get(id: string, options: CallOptions = {}): Promise<SourceRecord | null> {
    try {
      const prospect = await this.client.get(id, options);
      const integration = this.#options.integrationId;
      if (integration !== undefined && prospect.integration_id && prospect.integration_id !== integration) return null;
      return toSourceRecord(prospect);
    } catch (error) {
      if (error instanceof ProviderNotFoundError) return null;
      throw error;
    }
  }

  /** Queues the create. The prospect id is known only once write-status says SUCCESS (`created_record_id`). */
  async create(body: Record<string, unknown>, options: CallOptions = {}): Promise<WriteResult> {
    const payload = toCreateBody(body, this.#options);
    const write = `create|${JSON.stringify(payload)}`;
    const jobId = (await this.#retryFailed(write, options)) ?? (await this.client.create(payload, options)).jobId;
    this.#writes.sent(jobId, write);
    return { kind: 'pending', jobId, targetId: null };
  }

  /** Queues the update of a known prospect; `lease_id` comes from the mapping (per record), see write-body.ts. */
  async update(id: string, body: Record<string, unknown>, options: CallOptions = {}): Promise<WriteResult> {
    const payload = toUpdateBody(body, this.#options);
    const write = `update|${id}|${JSON.stringify(payload)}`;
    const jobId = (await this.#retryFailed(write, options)) ?? (await this.client.update(id, payload, options)).jobId;
    this.#writes.sent(jobId, write);
    return { kind: 'pending', jobId, targetId: id };
  }

  async writeStatus(jobId: string, options: CallOptions = {}): Promise<WriteStatus> {
    const answer = await this.client.writeStatus(jobId, options);
    if (answer.write_status === 'FAILURE') this.#writes.failed(jobId);
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

  /**
   * The same write failed before (see failed-writes.ts): re-run that job through retry-write. Null when there is
   * none, or Propexo refuses (a 400, `success: false`): the caller then sends a new write.
   */
  async #retryFailed(write: string, options: CallOptions): Promise<string | null> {
    const failedJob = this.#writes.take(write);
    if (failedJob === undefined) return null;
    try {
      return (await this.retryWrite(failedJob, options)).jobId;
    } catch (error) {
      if (error instanceof ProviderValidationError || error instanceof ProviderHttpError) return null;
      this.#writes.restore(write, failedJob);
      throw error;
    }
  }

  rateLimitState(): RateLimitState | null {
    return this.client.rateLimitState();
  }
}

/**
 * `writeSchema` is one shape for create and update (both bodies' fields, `integration_id` and `lease_id`
 * optional): the connector completes them from the connection and drops the fields the chosen endpoint rejects.
 */
export const propexo: ProviderDefinition<typeof PropexoWriteBody, typeof PropexoEnv> = {
  name: 'propexo',
  capabilities,
  recordSchema: PropexoProspect,
  writeSchema: PropexoWriteBody,
  connect: (connection) => new PropexoConnector(connection),
  settingHints: { auth: 'PROPEXO_TOKEN', target: 'PROPEXO_INTEGRATION_ID', unreachable: 'PROPEXO_BASE_URL' },
  envSchema: PropexoEnv,
  fromEnv: propexoConnectionFromEnv,
  envVariables: PROPEXO_ENV_VARIABLES,
  defaultHosts: PROPEXO_HOSTS,
  sandbox: propexoSandbox,
};
