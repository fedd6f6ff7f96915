import got, { HTTPError, RequestError, type Got } from 'got';
import { z } from 'zod';
import { Accepted, JobView } from './schemas.ts';
import { CursorView, RewindView } from './routes/cursor.ts';

/** The API answered an error, or could not be reached. `status` is null for transport failures. */
export class ApiClientError extends Error {
  readonly code = 'ERR_API_CLIENT';
  readonly status: number | null;
  readonly body: unknown;
  constructor(message: string, status: number | null, body: unknown, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ApiClientError';
    this.status = status;
    this.body = body;
  }
}

export interface ApiClientOptions {
  /** The API's base URL (CRM_BRIDGE_API_URL). */
  baseUrl: string;
  /** A bearer token (CRM_BRIDGE_API_TOKEN). */
  token: string;
  /** Per-request timeout, ms. @default 10000 */
  timeoutMs?: number;
}

/** A small client of crm-bridge's own API, as a user's code would write it: HTTP only, responses parsed with zod. */
export class ApiClient {
  readonly #got: Got;
  /** Where it calls, for a message that says which API could not be reached (without any userinfo). */
  readonly #origin: string;

  constructor(options: ApiClientOptions) {
    this.#origin = options.baseUrl.replace(/\/\/[^/@]*@/, '//').replace(/\/+$/, '');
    this.#got = got.extend({
      prefixUrl: options.baseUrl.replace(/\/+$/, ''),
      headers: { authorization: `Bearer ${options.token}`, 'user-agent': 'crm-bridge-cli' },
      timeout: { request: options.timeoutMs ?? 10_000 },
      // GETs are retried on transport blips and 503 (Redis restarting); a POST is never retried blindly.
      retry: { limit: 2, methods: ['GET'], statusCodes: [502, 503, 504], maxRetryAfter: 2_000, backoffLimit: 1_000 },
      responseType: 'json',
    });
  }

  async startRun(sync: string, options: { full?: boolean; idempotencyKey?: string } = {}): Promise<z.infer<typeof Accepted>> {
    return this.#call(Accepted, () =>
      this.#got.post(`v1/syncs/${encodeURIComponent(sync)}/runs`, {
        json: { full: options.full ?? false },
        ...(options.idempotencyKey ? { headers: { 'idempotency-key': options.idempotencyKey } } : {}),
      }),
    );
  }

  async getJob(jobId: string, paging: { offset?: number; limit?: number } = {}): Promise<z.infer<typeof JobView>> {
    return this.#call(JobView, () => this.#got.get(`v1/jobs/${encodeURIComponent(jobId)}`, { searchParams: { offset: paging.offset ?? 0, limit: paging.limit ?? 20 } }));
  }

  async getCursor(sync: string): Promise<z.infer<typeof CursorView>> {
    return this.#call(CursorView, () => this.#got.get(`v1/syncs/${encodeURIComponent(sync)}/cursor`));
  }

  /** `to`: an ISO 8601 time with a zone, or "start". */
  async rewindCursor(sync: string, to: string): Promise<z.infer<typeof RewindView>> {
    return this.#call(RewindView, () => this.#got.post(`v1/syncs/${encodeURIComponent(sync)}/cursor`, { json: { to } }));
  }

  async #call<S extends z.ZodType>(schema: S, send: () => Promise<{ body: unknown }>): Promise<z.infer<S>> {
    let body: unknown;
    try {
      body = (await send()).body;
    } catch (error) {
      if (error instanceof HTTPError) {
        const answer = error.response.body as { error?: string; message?: string } | undefined;
        throw new ApiClientError(`${error.response.statusCode} ${answer?.error ?? ''}: ${answer?.message ?? error.message}`.trim(), error.response.statusCode, answer, { cause: error });
      }
      // got's message can include the URL; the token is only ever in a header, never in it.
      const code = error instanceof RequestError ? error.code : 'ERR_UNKNOWN';
      throw new ApiClientError(`could not reach the API at ${this.#origin}: ${code} (set CRM_BRIDGE_API_URL, or PORT and HOST of the API)`, null, null, { cause: error });
    }
    const parsed = schema.safeParse(body);
    if (!parsed.success) throw new ApiClientError(`the API answered an unexpected body: ${parsed.error.issues[0]?.message ?? ''}`, 200, body);
    return parsed.data;
  }
}
