import http from 'node:http';
import https from 'node:https';
import got, { type Got, type Method, RequestError, HTTPError } from 'got';
import type { z } from 'zod';
import { countProviderCall } from '../metrics.ts';
import type { RequestGate } from './types.ts';
import {
  ProviderAuthError,
  ProviderHttpError,
  ProviderNotFoundError,
  ProviderRateLimitedError,
  ProviderResponseError,
  ProviderUnavailableError,
  ProviderValidationError,
  type AnyProviderError,
} from './errors.ts';

/** What a provider's error body says, in words and field paths. Each connector knows its provider's shape. */
export interface ErrorDescription {
  message: string;
  fields: string[];
}
export type DescribeErrorBody = (body: unknown) => ErrorDescription | null;

export interface HttpClientOptions {
  provider: string;
  baseUrl: string;
  /** Bearer token. Sent only as a header; never logged, never put in an error. */
  token: string;
  /** Per-request timeout (got has none by default). @default 10000 */
  timeoutMs?: number;
  describeError: DescribeErrorBody;
  /** Called with every response's headers (Propexo's rate-limit headers, for one). */
  onResponseHeaders?: (headers: http.IncomingHttpHeaders) => void;
  /** How to read a 429 that has no Retry-After (a provider's documented window). @default null */
  defaultRetryAfterMs?: number | null;
  /** The connection's shared request budget; a call it refuses fails at once as rate-limited, unsent. */
  gate?: RequestGate | undefined;
}

export interface RequestOptions<S extends z.ZodType> {
  json?: unknown;
  searchParams?: Record<string, string | number | boolean | undefined>;
  signal?: AbortSignal | undefined;
  /** The documented response schema; the answer is parsed with it. */
  schema: S;
  /** A full URL overriding the base URL (PowerChord creates leads on another host). */
  url?: string;
  /**
   * Whether a transport blip may resend this request. GET, PUT and DELETE are idempotent by HTTP's rules, but a
   * provider may break them (Propexo appends `notes` and queues a new job on every PUT). @default by method
   */
  retryOnTransportError?: boolean;
}

export interface HttpResult<T> {
  status: number;
  body: T;
  headers: http.IncomingHttpHeaders;
}

// One keep-alive agent per process: connections to a provider are reused across jobs.
const agent = {
  http: new http.Agent({ keepAlive: true, maxSockets: 256 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 256 }),
};

const IDEMPOTENT = new Set<string>(['GET', 'PUT', 'DELETE', 'HEAD']);

/** Transport errors where the request may have reached the server before the failure. */
const OUTCOME_UNKNOWN_CODES = new Set(['ETIMEDOUT', 'ECONNRESET', 'EPIPE', 'ERR_STREAM_PREMATURE_CLOSE']);

/**
 * A provider's HTTP client: got with a timeout, keep-alive, bearer auth, one retry for transport blips on
 * idempotent methods (HTTP status codes are never retried here: 429 belongs to the queue's rate limiter,
 * 5xx to BullMQ attempts), and every failure turned into a typed provider error.
 */
export class ProviderHttp {
  readonly provider: string;
  readonly #got: Got;
  readonly #describeError: DescribeErrorBody;
  readonly #defaultRetryAfterMs: number | null;
  readonly #gate: RequestGate | undefined;

  constructor(options: HttpClientOptions) {
    this.provider = options.provider;
    this.#gate = options.gate;
    this.#describeError = options.describeError;
    this.#defaultRetryAfterMs = options.defaultRetryAfterMs ?? null;
    const onHeaders = options.onResponseHeaders;
    this.#got = got.extend({
      prefixUrl: options.baseUrl.replace(/\/+$/, ''),
      headers: { authorization: `Bearer ${options.token}`, 'user-agent': 'crm-bridge' },
      timeout: { request: options.timeoutMs ?? 10_000 },
      agent,
      retry: {
        limit: 1,
        methods: [...IDEMPOTENT] as Method[],
        statusCodes: [],
        errorCodes: ['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN'],
        maxRetryAfter: 1_000,
        backoffLimit: 200,
      },
      throwHttpErrors: true,
      responseType: 'text',
      // Provider answers are small JSON: decompression costs more CPU per call than it saves.
      decompress: false,
      hooks: { afterResponse: [(response) => (countProviderCall(options.provider, response.statusCode), onHeaders?.(response.headers), response)] },
    });
  }

  async request<S extends z.ZodType>(method: Method, path: string, options: RequestOptions<S>): Promise<HttpResult<z.infer<S>>> {
    const operation = `${method} ${options.url ? new URL(options.url).pathname : `/${path}`}`;
    const searchParams = options.searchParams
      ? Object.fromEntries(Object.entries(options.searchParams).filter(([, v]) => v !== undefined)) as Record<string, string | number | boolean>
      : undefined;
    const wait = this.#gate ? await this.#gate.acquire() : 0;
    if (wait > 0) {
      throw new ProviderRateLimitedError(`${this.provider} ${operation} not sent: the connection's request budget is spent for ${wait} ms`, {
        provider: this.provider,
        operation,
        status: null,
        retryAfterMs: wait,
      });
    }
    let response;
    try {
      const target = options.url ?? path;
      response = await this.#got(target, {
        method,
        ...(options.url ? { prefixUrl: '' } : {}),
        ...(options.json === undefined ? {} : { json: options.json }),
        ...(searchParams ? { searchParams } : {}),
        ...(options.signal ? { signal: options.signal } : {}),
        // Requests that are never retried skip got's retry machinery altogether (measurably cheaper per call).
        ...((options.retryOnTransportError ?? IDEMPOTENT.has(method)) ? {} : { retry: { limit: 0 } }),
      });
    } catch (error) {
      throw this.#toProviderError(error, operation, method);
    }
    const parsedJson = parseJsonOrText(response.body);
    const parsed = options.schema.safeParse(parsedJson);
    if (!parsed.success) {
      throw new ProviderResponseError(`${this.provider} ${operation} answered a body that does not match its schema: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`, {
        provider: this.provider,
        operation,
        status: response.statusCode,
        body: parsedJson,
      });
    }
    return { status: response.statusCode, body: parsed.data, headers: response.headers };
  }

  #toProviderError(error: unknown, operation: string, method: string): AnyProviderError {
    const base = { provider: this.provider, operation };
    if (error instanceof HTTPError) {
      const status = error.response.statusCode;
      const body = parseJsonOrText(typeof error.response.body === 'string' ? error.response.body : String(error.response.body ?? ''));
      const described = this.#describeError(body);
      const detail = described?.message ?? (typeof body === 'string' && body ? body.slice(0, 200) : `HTTP ${status}`);
      const fields = described?.fields ?? [];
      const message = `${this.provider} ${operation} answered ${status}: ${detail}`;
      const details = { ...base, status, body, fields };
      if (status === 400 || status === 422) return new ProviderValidationError(message, details);
      if (status === 401 || status === 403) return new ProviderAuthError(message, details);
      if (status === 404) return new ProviderNotFoundError(message, details);
      if (status === 429) {
        return new ProviderRateLimitedError(message, { ...details, retryAfterMs: retryAfterMs(error.response.headers['retry-after']) ?? this.#defaultRetryAfterMs });
      }
      if (status >= 500 || status === 408) {
        return new ProviderUnavailableError(message, { ...details, outcomeUnknown: status === 504 });
      }
      return new ProviderHttpError(message, details);
    }
    if (error instanceof RequestError) {
      // got's own message can carry the URL; ours names only the operation and the error code.
      const code = error.code;
      const outcomeUnknown = method !== 'GET' && (OUTCOME_UNKNOWN_CODES.has(code) || error.name === 'TimeoutError');
      return new ProviderUnavailableError(`${this.provider} ${operation} failed: ${code}`, { ...base, status: null, outcomeUnknown });
    }
    return new ProviderUnavailableError(`${this.provider} ${operation} failed: ${(error as Error)?.name ?? 'unknown error'}`, {
      ...base,
      status: null,
      outcomeUnknown: method !== 'GET',
    });
  }
}

function parseJsonOrText(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Retry-After as seconds or an HTTP date, in ms; null when absent or unreadable. */
export function retryAfterMs(header: string | string[] | undefined): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now());
}
