import { Agent, type Dispatcher } from 'undici';
import pRetry from 'p-retry';
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

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
/** Response headers, names lower-cased. */
export type ResponseHeaders = Record<string, string | string[] | undefined>;

export interface HttpClientOptions {
  provider: string;
  /** The connection's name, for metrics labels. @default the provider's name */
  connection?: string | undefined;
  baseUrl: string;
  /** Bearer token. Sent only as a header; never logged, never put in an error. */
  token: string;
  /** How long to wait for the answer's headers, and then between chunks of its body. @default 10000 */
  timeoutMs?: number;
  describeError: DescribeErrorBody;
  /** Called with every response's headers (Propexo's rate-limit headers, for one). */
  onResponseHeaders?: (headers: ResponseHeaders) => void;
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
  headers: ResponseHeaders;
}

/** Larger answers fail the call (`UND_ERR_RES_EXCEEDED_MAX_SIZE`) instead of being buffered. */
export const MAX_RESPONSE_BYTES = 16 * 1024 * 1024;

/**
 * One keep-alive pool per provider host, shared by every connection in the process. undici rather than got: on
 * this machine a got POST costs ~310–530 µs of CPU against ~50–90 µs for undici's `request` (bench/README.md),
 * and a sync makes one to two calls per record, so the client was most of a worker's CPU.
 */
const dispatcher: Dispatcher = new Agent({
  connections: 256,
  keepAliveTimeout: 30_000,
  connect: { timeout: 10_000 },
  // A provider's answer is read whole; one that runs away (a bug, a proxy's error page in a loop) must not take
  // the worker's memory with it. The largest documented answer, a Trata page of 1000, is well under 1 MiB.
  maxResponseSize: MAX_RESPONSE_BYTES,
});

const IDEMPOTENT = new Set<string>(['GET', 'PUT', 'DELETE', 'HEAD']);

/** Failures before anything reached the server: safe to resend any idempotent request once. */
const RESENDABLE_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

/** Transport errors where the request may have reached the server before the failure. */
const OUTCOME_UNKNOWN_CODES = new Set(['ECONNRESET', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'ABORT_ERR']);

/** A transport failure from undici, before it becomes a provider error. */
class TransportError extends Error {
  readonly code: string;
  constructor(code: string, cause: unknown) {
    super(code, { cause });
    this.code = code;
  }
}

/** The first `code` along an error's cause chain: undici wraps socket errors (`UND_ERR_SOCKET` ← `ECONNRESET`). */
function transportCode(error: unknown): string {
  let current = error as { code?: unknown; name?: unknown; cause?: unknown } | undefined;
  let outer: string | null = null;
  for (let depth = 0; current && depth < 4; depth++) {
    if (typeof current.code === 'string') {
      // A wrapped system error names the cause better than undici's generic socket code.
      if (current.code.startsWith('E') && current.code !== 'ERR_ABORTED') return current.code;
      outer ??= current.code;
    }
    current = current.cause as typeof current;
  }
  if (outer) return outer;
  const name = (error as { name?: string })?.name;
  if (name === 'AbortError') return 'ABORT_ERR';
  if (name === 'TimeoutError') return 'UND_ERR_HEADERS_TIMEOUT';
  return 'UNKNOWN';
}

interface RawResponse {
  status: number;
  headers: ResponseHeaders;
  text: string;
}

/**
 * A provider's HTTP client: undici with a timeout, keep-alive, bearer auth, one resend for transport blips on
 * idempotent methods (HTTP status codes are never retried here: 429 belongs to the queue's rate limiter, 5xx to
 * BullMQ attempts), and every failure turned into a typed provider error.
 */
export class ProviderHttp {
  readonly provider: string;
  readonly #connection: string;
  readonly #origin: string;
  readonly #basePath: string;
  readonly #headers: Record<string, string>;
  readonly #jsonHeaders: Record<string, string>;
  readonly #timeoutMs: number;
  readonly #describeError: DescribeErrorBody;
  readonly #defaultRetryAfterMs: number | null;
  readonly #onHeaders: ((headers: ResponseHeaders) => void) | undefined;
  readonly #gate: RequestGate | undefined;
  /** The last `url` override, parsed: PowerChord sends every create to one URL, and parsing it per call cost µs. */
  #lastUrl: { href: string; origin: string; path: string; search: string } | null = null;

  constructor(options: HttpClientOptions) {
    this.provider = options.provider;
    this.#connection = options.connection ?? options.provider;
    const base = new URL(options.baseUrl);
    this.#origin = base.origin;
    this.#basePath = base.pathname.replace(/\/+$/, '');
    this.#headers = { authorization: `Bearer ${options.token}`, 'user-agent': 'crm-bridge', accept: 'application/json' };
    this.#jsonHeaders = { ...this.#headers, 'content-type': 'application/json' };
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#gate = options.gate;
    this.#describeError = options.describeError;
    this.#defaultRetryAfterMs = options.defaultRetryAfterMs ?? null;
    this.#onHeaders = options.onResponseHeaders;
  }

  async request<S extends z.ZodType>(method: HttpMethod, path: string, options: RequestOptions<S>): Promise<HttpResult<z.infer<S>>> {
    const target = options.url ? this.#parseUrl(options.url) : null;
    const pathname = target ? target.path : `${this.#basePath}/${path}`;
    const operation = `${method} ${pathname}`;
    const wait = this.#gate ? await this.#gate.acquire() : 0;
    if (wait > 0) {
      throw new ProviderRateLimitedError(`${this.provider} ${operation} not sent: the connection's request budget is spent for ${wait} ms`, {
        provider: this.provider,
        operation,
        status: null,
        retryAfterMs: wait,
      });
    }
    const send = (): Promise<RawResponse> =>
      this.#send({
        origin: target ? target.origin : this.#origin,
        path: target ? target.path + target.search : pathname + queryString(options.searchParams),
        method,
        json: options.json,
        signal: options.signal,
      });
    let response: RawResponse;
    try {
      response = (options.retryOnTransportError ?? IDEMPOTENT.has(method))
        ? await pRetry(send, {
            retries: 1,
            minTimeout: 100,
            maxTimeout: 200,
            randomize: true,
            shouldRetry: ({ error }) => error instanceof TransportError && RESENDABLE_CODES.has(error.code),
            ...(options.signal ? { signal: options.signal } : {}),
          })
        : await send();
    } catch (error) {
      throw this.#transportFailure(error, operation, method);
    }
    const parsedJson = parseJsonOrText(response.text);
    if (response.status >= 400) throw this.#httpFailure(response, parsedJson, operation);
    const parsed = options.schema.safeParse(parsedJson);
    if (!parsed.success) {
      throw new ProviderResponseError(`${this.provider} ${operation} answered a body that does not match its schema: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`, {
        provider: this.provider,
        operation,
        status: response.status,
        body: parsedJson,
      });
    }
    return { status: response.status, body: parsed.data, headers: response.headers };
  }

  async #send(call: { origin: string; path: string; method: HttpMethod; json: unknown; signal: AbortSignal | undefined }): Promise<RawResponse> {
    const hasBody = call.json !== undefined;
    const request: Dispatcher.RequestOptions = {
      origin: call.origin,
      path: call.path,
      method: call.method,
      headers: hasBody ? this.#jsonHeaders : this.#headers,
      headersTimeout: this.#timeoutMs,
      bodyTimeout: this.#timeoutMs,
    };
    if (hasBody) request.body = JSON.stringify(call.json);
    if (call.signal) request.signal = call.signal;
    try {
      const response = await dispatcher.request(request);
      const text = await response.body.text();
      const headers = response.headers as ResponseHeaders;
      countProviderCall(this.provider, response.statusCode, this.#connection);
      this.#onHeaders?.(headers);
      return { status: response.statusCode, headers, text };
    } catch (error) {
      throw new TransportError(transportCode(error), error);
    }
  }

  #parseUrl(href: string): { origin: string; path: string; search: string } {
    if (this.#lastUrl?.href !== href) {
      const url = new URL(href);
      this.#lastUrl = { href, origin: url.origin, path: url.pathname, search: url.search };
    }
    return this.#lastUrl;
  }

  #httpFailure(response: RawResponse, body: unknown, operation: string): AnyProviderError {
    const { status } = response;
    const described = this.#describeError(body);
    const detail = described?.message ?? (typeof body === 'string' && body ? body.slice(0, 200) : `HTTP ${status}`);
    const fields = described?.fields ?? [];
    const message = `${this.provider} ${operation} answered ${status}: ${detail}`;
    const details = { provider: this.provider, operation, status, body, fields };
    if (status === 400 || status === 422) return new ProviderValidationError(message, details);
    if (status === 401 || status === 403) return new ProviderAuthError(message, details);
    if (status === 404) return new ProviderNotFoundError(message, details);
    if (status === 429) {
      return new ProviderRateLimitedError(message, { ...details, retryAfterMs: retryAfterMs(response.headers['retry-after']) ?? this.#defaultRetryAfterMs });
    }
    if (status >= 500 || status === 408) return new ProviderUnavailableError(message, { ...details, outcomeUnknown: status === 504 });
    return new ProviderHttpError(message, details);
  }

  /** undici's messages can carry the host; ours name only the operation and the error code. */
  #transportFailure(error: unknown, operation: string, method: string): AnyProviderError {
    const code = error instanceof TransportError ? error.code : transportCode(error);
    const outcomeUnknown = method !== 'GET' && OUTCOME_UNKNOWN_CODES.has(code);
    return new ProviderUnavailableError(`${this.provider} ${operation} failed: ${code}`, { provider: this.provider, operation, status: null, outcomeUnknown, transportCode: code });
  }
}

function queryString(params: RequestOptions<z.ZodType>['searchParams']): string {
  if (!params) return '';
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) query.append(key, String(value));
  const text = query.toString();
  return text ? `?${text}` : '';
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
