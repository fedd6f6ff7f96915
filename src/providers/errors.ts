import { ErrorCode } from '../errors.ts';

/** What every provider error carries, whatever the provider's own error shape was. */
export interface ProviderErrorDetails {
  provider: string;
  /** `METHOD /path` of the call, with no host, query string or credential. */
  operation: string;
  status: number | null;
  /** The provider's error body, parsed (never our request headers). */
  body?: unknown;
  /** Field paths the provider named as wrong, e.g. `["body", "email"]` → `"email"`. */
  fields?: readonly string[];
  cause?: unknown;
}

abstract class ProviderError extends Error {
  abstract readonly code: string;
  abstract readonly retryable: boolean;
  readonly provider: string;
  readonly operation: string;
  readonly status: number | null;
  readonly body: unknown;
  readonly fields: readonly string[];
  constructor(message: string, details: ProviderErrorDetails) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.provider = details.provider;
    this.operation = details.operation;
    this.status = details.status;
    this.body = details.body;
    this.fields = details.fields ?? [];
  }
}

/** 400/422: the provider rejected the body. Never retried; the reason goes to the record's error. */
export class ProviderValidationError extends ProviderError {
  readonly code = ErrorCode.PROVIDER_VALIDATION;
  readonly retryable = false;
  override readonly name = 'ProviderValidationError';
}

/** 404 on a record we addressed by id. */
export class ProviderNotFoundError extends ProviderError {
  readonly code = ErrorCode.PROVIDER_NOT_FOUND;
  readonly retryable = false;
  override readonly name = 'ProviderNotFoundError';
}

/** 401/403: the credential is wrong. Retrying will not help. */
export class ProviderAuthError extends ProviderError {
  readonly code = ErrorCode.PROVIDER_AUTH;
  readonly retryable = false;
  override readonly name = 'ProviderAuthError';
}

/** 429: the queue's rate limiter owns this, not BullMQ attempts. */
export class ProviderRateLimitedError extends ProviderError {
  readonly code = ErrorCode.PROVIDER_RATE_LIMITED;
  readonly retryable = true;
  override readonly name = 'ProviderRateLimitedError';
  /** From Retry-After (or the provider's documented window), when known. */
  readonly retryAfterMs: number | null;
  constructor(message: string, details: ProviderErrorDetails & { retryAfterMs: number | null }) {
    super(message, details);
    this.retryAfterMs = details.retryAfterMs;
  }
}

/**
 * 5xx, timeouts, resets: worth another attempt later. `outcomeUnknown` is true when the request may have reached
 * the provider (a timeout or a reset after sending), so a create may or may not have happened.
 */
export class ProviderUnavailableError extends ProviderError {
  readonly code = ErrorCode.PROVIDER_UNAVAILABLE;
  readonly retryable = true;
  override readonly name = 'ProviderUnavailableError';
  readonly outcomeUnknown: boolean;
  /** The transport's error code (`ECONNREFUSED`, `ENOTFOUND`, …) when no HTTP answer came; null for a 5xx. */
  readonly transportCode: string | null;
  constructor(message: string, details: ProviderErrorDetails & { outcomeUnknown: boolean; transportCode?: string }) {
    super(message, details);
    this.outcomeUnknown = details.outcomeUnknown;
    this.transportCode = details.transportCode ?? null;
  }
}

/** Any other non-2xx answer (e.g. 409) that is not worth retrying. */
export class ProviderHttpError extends ProviderError {
  readonly code = ErrorCode.PROVIDER_HTTP;
  readonly retryable = false;
  override readonly name = 'ProviderHttpError';
}

/** A 2xx answer whose body did not match the documented response schema. */
export class ProviderResponseError extends ProviderError {
  readonly code = ErrorCode.PROVIDER_RESPONSE;
  readonly retryable = false;
  override readonly name = 'ProviderResponseError';
}

/** The record was created but a follow-up call failed: the caller must remember `targetId` before retrying. */
export class PartialCreateError extends Error {
  readonly code = 'ERR_PARTIAL_CREATE';
  readonly targetId: string;
  readonly retryable: boolean;
  constructor(targetId: string, cause: unknown) {
    super(`created ${targetId}, then: ${(cause as Error)?.message ?? String(cause)}`, { cause });
    this.name = 'PartialCreateError';
    this.targetId = targetId;
    this.retryable = (cause as { retryable?: boolean })?.retryable ?? true;
  }
}

export type AnyProviderError =
  | ProviderValidationError
  | ProviderNotFoundError
  | ProviderAuthError
  | ProviderRateLimitedError
  | ProviderUnavailableError
  | ProviderHttpError
  | ProviderResponseError;

export function isProviderError(error: unknown): error is AnyProviderError {
  return error instanceof ProviderError;
}
