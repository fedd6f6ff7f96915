import type { z } from 'zod';
import { ProviderRateLimitedError } from '../errors.ts';
import { ProviderHttp, type ErrorDescription, type HttpMethod, type RequestOptions } from '../http.ts';
import type { CallOptions, ConnectionConfig, RateLimitState } from '../types.ts';
import { PROPEXO_WINDOW_MS, PropexoRateLimitTracker, SizedRequestGate } from './rate-limit.ts';
import {
  PROPEXO_DEFAULT_LIMIT,
  PROPEXO_MAX_LIMIT,
  PropexoErrorBody,
  PropexoProspectAnswer,
  PropexoProspectList,
  PropexoRetryWriteAnswer,
  PropexoWriteAnswer,
  PropexoWriteStatusAnswer,
  type PropexoCreateBody,
  type PropexoProspect,
  type PropexoUpdateBody,
} from './schema.ts';

/**
 * Reads `{error: {code, message, details}}` into words and field paths. The zod issues sit under
 * `details.details.issues` in the documented example (`details.issues` and `details.fieldErrors` are read too); an
 * `unrecognized_keys` issue names its `keys`, each one a field.
 */
export function describePropexoError(body: unknown): ErrorDescription | null {
  const parsed = PropexoErrorBody.safeParse(body);
  if (!parsed.success) return null;
  const { message, details } = parsed.data.error;
  const raw = [...(details?.details?.issues ?? []), ...(details?.issues ?? [])];
  const fromIssues = raw.flatMap((issue) =>
    issue.keys && issue.keys.length > 0
      ? issue.keys.map((key) => ({ field: [...issue.path, key].join('.'), message: issue.message }))
      : [{ field: issue.path.join('.'), message: issue.message }],
  );
  const flat = details?.details?.fieldErrors ?? details?.fieldErrors ?? {};
  const fromFlat = Object.entries(flat).map(([field, messages]) => ({
    field,
    message: Array.isArray(messages) ? messages.join(', ') : String(messages),
  }));
  const issues = fromIssues.length > 0 ? fromIssues : fromFlat;
  if (issues.length === 0) return { message, fields: [] };
  return { message: `${message}: ${issues.map((i) => `${i.field || '(body)'}: ${i.message}`).join('; ')}`, fields: issues.map((i) => i.field) };
}

/** The list order of an incremental pull: oldest change first, ties by id (several keys: docs, "Sorting Results"). */
export const PROPEXO_INCREMENTAL_ORDER = 'updated_at:asc,id:asc';

export interface PropexoListParams {
  offset?: number;
  /** Clamped to 1..250. @default 100 */
  limit?: number;
  /** Propexo's `order-by`. @default PROPEXO_INCREMENTAL_ORDER */
  orderBy?: string;
  /** `updated_at_gte`: records updated at or after this instant (inclusive, documented). */
  updatedAtGte?: string | null;
  /** `updated_at_lte`: records updated at or before this instant (inclusive, documented). */
  updatedAtLte?: string | null;
  /** `integration_id`: only this integration's prospects (documented filter; one token may see several). */
  integrationId?: string | undefined;
}

export interface PropexoClientOptions extends Pick<ConnectionConfig, 'baseUrl' | 'token' | 'timeoutMs' | 'gate'> {
  /** The connection's name (metrics labels). @default propexo */
  name?: string;
  /** The budget `gate` was configured with (requests per window); with it the gate is sized from `x-ratelimit-limit`. */
  configuredLimit?: number;
  /** The rate-limit window, to estimate how long a 429 lasts. @default 60000 */
  rateLimitWindowMs?: number;
}

/**
 * Propexo's REST API, one method per endpoint. `baseUrl` is the host: prospects live under `/crm/v1`, the write
 * admin endpoints under `/v1/admin`.
 */
export class PropexoClient {
  readonly #http: ProviderHttp;
  readonly #rateLimit: PropexoRateLimitTracker;

  constructor(options: PropexoClientOptions) {
    const rateLimit = new PropexoRateLimitTracker(options.rateLimitWindowMs ?? PROPEXO_WINDOW_MS);
    this.#rateLimit = rateLimit;
    this.#http = new ProviderHttp({
      provider: 'propexo',
      connection: options.name,
      baseUrl: options.baseUrl,
      token: options.token,
      timeoutMs: options.timeoutMs,
      gate: options.gate && options.configuredLimit ? new SizedRequestGate(options.gate, options.configuredLimit, () => rateLimit.state()?.limit ?? null) : options.gate,
      describeError: describePropexoError,
      onResponseHeaders: (headers) => rateLimit.observe(headers),
      // null: a 429 without Retry-After keeps retryAfterMs null, and #call fills in the estimated reset.
      defaultRetryAfterMs: null,
    });
  }

  /** The budget the last response reported, or null before the first response. */
  rateLimitState(): RateLimitState | null {
    return this.#rateLimit.state();
  }

  async list(params: PropexoListParams = {}, options: CallOptions = {}): Promise<PropexoProspectList> {
    const limit = Math.min(Math.max(Math.trunc(params.limit ?? PROPEXO_DEFAULT_LIMIT), 1), PROPEXO_MAX_LIMIT);
    const searchParams = {
      offset: params.offset ?? 0,
      limit,
      'order-by': params.orderBy ?? PROPEXO_INCREMENTAL_ORDER,
      ...(params.updatedAtGte ? { updated_at_gte: params.updatedAtGte } : {}),
      ...(params.updatedAtLte ? { updated_at_lte: params.updatedAtLte } : {}),
      ...(params.integrationId ? { integration_id: params.integrationId } : {}),
    };
    return this.#call('GET', 'crm/v1/prospects', { searchParams, schema: PropexoProspectList, signal: options.signal });
  }

  async get(id: string, options: CallOptions = {}): Promise<PropexoProspect> {
    return this.#call('GET', `crm/v1/prospects/${encodeURIComponent(id)}`, { schema: PropexoProspectAnswer, signal: options.signal });
  }

  /** Queues a create; the answer's job id is the root job id for write-status. */
  async create(body: PropexoCreateBody, options: CallOptions = {}): Promise<PropexoWriteAnswer> {
    return this.#call('POST', 'crm/v1/prospects', { json: body, schema: PropexoWriteAnswer, signal: options.signal });
  }

  /** Queues an update. `notes` is appended to the stored notes, so this is not idempotent. */
  async update(id: string, body: PropexoUpdateBody, options: CallOptions = {}): Promise<PropexoWriteAnswer> {
    // Never resent by a transport retry: each PUT appends its notes and queues a write job of its own.
    return this.#call('PUT', `crm/v1/prospects/${encodeURIComponent(id)}`, { json: body, schema: PropexoWriteAnswer, signal: options.signal, retryOnTransportError: false });
  }

  async writeStatus(rootJobId: string, options: CallOptions = {}): Promise<PropexoWriteStatusAnswer> {
    return this.#call('GET', `v1/admin/write-status/${encodeURIComponent(rootJobId)}`, { schema: PropexoWriteStatusAnswer, signal: options.signal });
  }

  /** Re-runs a FAILURE write; the documented body is an empty object. Not resent by a transport retry (it queues a job). */
  async retryWrite(rootJobId: string, options: CallOptions = {}): Promise<PropexoRetryWriteAnswer> {
    return this.#call('POST', `v1/admin/retry-write/${encodeURIComponent(rootJobId)}`, { json: {}, schema: PropexoRetryWriteAnswer, signal: options.signal, retryOnTransportError: false });
  }

  /**
   * Every call goes through here so that a 429 without Retry-After (Propexo documents none) carries the estimated
   * time to the window's reset; a Retry-After, should one come, wins.
   */
  async #call<S extends z.ZodType>(method: HttpMethod, path: string, options: RequestOptions<S>): Promise<z.infer<S>> {
    try {
      return (await this.#http.request(method, path, options)).body;
    } catch (error) {
      if (!(error instanceof ProviderRateLimitedError) || error.retryAfterMs !== null) throw error;
      throw new ProviderRateLimitedError(error.message, {
        provider: error.provider,
        operation: error.operation,
        status: error.status,
        body: error.body,
        fields: error.fields,
        retryAfterMs: this.#rateLimit.retryAfterMs(),
        cause: error,
      });
    }
  }
}

