import type { Duplex } from 'node:stream';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';

/**
 * The API's error catalog: every answer that is not a success has `{error: CODE, message}` and, for bad input,
 * the offending fields. Codes are stable strings clients may switch on.
 */
export const ApiErrorCode = {
  UNAUTHORIZED: 'UNAUTHORIZED',
  CROSS_SITE: 'CROSS_SITE_REQUEST',
  TOO_MANY_ATTEMPTS: 'TOO_MANY_FAILED_ATTEMPTS',
  VALIDATION: 'VALIDATION_FAILED',
  NOT_FOUND: 'NOT_FOUND',
  IDEMPOTENCY_CONFLICT: 'IDEMPOTENCY_KEY_REUSED',
  NOTHING_TO_RETRY: 'NOTHING_TO_RETRY',
  DEFINITIONS_INVALID: 'DEFINITIONS_INVALID',
  RUN_IN_PROGRESS: 'RUN_IN_PROGRESS',
  SOURCE_NOT_CONFIGURED: 'SOURCE_NOT_CONFIGURED',
  BODY_TOO_LARGE: 'BODY_TOO_LARGE',
  REQUEST_TIMEOUT: 'REQUEST_TIMEOUT',
  UNSUPPORTED_MEDIA_TYPE: 'UNSUPPORTED_MEDIA_TYPE',
  BAD_SIGNATURE: 'BAD_SIGNATURE',
  WEBHOOK_NOT_CONFIGURED: 'WEBHOOK_NOT_CONFIGURED',
  UNAVAILABLE: 'SERVICE_UNAVAILABLE',
  INTERNAL: 'INTERNAL_ERROR',
} as const;
export type ApiErrorCode = (typeof ApiErrorCode)[keyof typeof ApiErrorCode];

export interface FieldIssue {
  /** Where the problem is: `body.records.0.id`, `params.name`, `query.limit`. */
  field: string;
  message: string;
}

/** An error a route throws on purpose; the error handler answers it as it is. */
export class ApiError extends Error {
  readonly statusCode: number;
  readonly code: ApiErrorCode;
  readonly issues: readonly FieldIssue[];
  constructor(statusCode: number, code: ApiErrorCode, message: string, issues: readonly FieldIssue[] = []) {
    super(message);
    this.name = 'ApiError';
    this.statusCode = statusCode;
    this.code = code;
    this.issues = issues;
  }
}

/** Redis did not answer in time, or refused: the API says so at once instead of hanging. */
export class UnavailableError extends ApiError {
  constructor(message = 'Redis is unavailable: try again shortly') {
    super(503, ApiErrorCode.UNAVAILABLE, message);
    this.name = 'UnavailableError';
  }
}

// What ioredis and BullMQ throw when the connection is down or a command times out (or, in a pipeline cut part way
// through its answers, was aborted); on a Cluster, a node that is down (CLUSTERDOWN, or a MOVED loop towards it).
const REDIS_DOWN = /enableOfflineQueue|Connection is closed|Command aborted due to connection close|ECONNREFUSED|ECONNRESET|ETIMEDOUT|MaxRetriesPerRequest|max retries per request|Stream isn't writeable|connect ETIMEDOUT|Redis is not connected|CLUSTERDOWN|Too many Cluster redirections|Failed to refresh slots cache|None of startup nodes is available/i;

export function isRedisDown(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  return error.name === 'MaxRetriesPerRequestError' || REDIS_DOWN.test(error.message) || (error.cause instanceof Error && REDIS_DOWN.test(error.cause.message));
}

/**
 * Races a Redis-backed call against a deadline. ioredis may hold a command in its offline queue while it
 * reconnects; the caller gets a 503 at `ms` instead of a hung request.
 */
export async function withDeadline<T>(work: Promise<T>, ms = 800): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new UnavailableError('Redis did not answer in time: try again shortly')), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } catch (error) {
    throw isRedisDown(error) ? new UnavailableError() : error;
  } finally {
    clearTimeout(timer);
  }
}

export function errorBody(code: ApiErrorCode, message: string, issues: readonly FieldIssue[] = []) {
  return issues.length > 0 ? { error: code, message, issues } : { error: code, message };
}

/** Issues one answer lists, and characters of each: a body of 80,000 unknown keys is not echoed back whole. */
const MAX_ISSUES = 20;
const MAX_ISSUE_CHARS = 300;
const capped = (text: string) => (text.length > MAX_ISSUE_CHARS ? `${text.slice(0, MAX_ISSUE_CHARS)}…` : text);

function zodIssues(error: FastifyError): FieldIssue[] {
  const raw = (error as FastifyError & { validationContext?: string }).validationContext ?? 'body';
  // Fastify says "querystring"; clients know it as the query.
  const context = raw === 'querystring' ? 'query' : raw;
  return (error.validation ?? []).slice(0, MAX_ISSUES).map((v) => {
    const path = String(v.instancePath ?? '').split('/').filter(Boolean);
    const params = v.params as { issue?: { path?: PropertyKey[] } } | undefined;
    const issuePath = params?.issue?.path?.map(String) ?? path;
    return { field: capped([context, ...issuePath].join('.')), message: capped(v.message ?? 'invalid') };
  });
}

/**
 * Maps every failure to a JSON answer. Bad input is always a 4xx: a 500 means a bug on our side, and its
 * message is not shown (it may carry internals).
 */
export function handleError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof ApiError) {
    return reply.code(error.statusCode).send(errorBody(error.code, error.message, error.issues));
  }
  if (hasZodFastifySchemaValidationErrors(error) || error.validation) {
    const issues = zodIssues(error);
    const fields = issues.map((i) => i.field).join(', ');
    return reply.code(400).send(errorBody(ApiErrorCode.VALIDATION, `invalid request: ${fields || 'input'}`, issues));
  }
  switch (error.code) {
    case 'FST_ERR_HANDLER_TIMEOUT':
      return reply.code(503).send(errorBody(ApiErrorCode.UNAVAILABLE, 'Redis did not answer in time: try again shortly'));
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return reply.code(413).send(errorBody(ApiErrorCode.BODY_TOO_LARGE, error.message));
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return reply.code(415).send(errorBody(ApiErrorCode.UNSUPPORTED_MEDIA_TYPE, error.message));
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return reply.code(400).send(errorBody(ApiErrorCode.VALIDATION, error.message, [{ field: 'body', message: error.message }]));
  }
  // JSON.parse's SyntaxError from the default parser, and any other 4xx Fastify raised for the request itself.
  if (error instanceof SyntaxError || (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500)) {
    return reply.code(error.statusCode ?? 400).send(errorBody(ApiErrorCode.VALIDATION, error.message, [{ field: 'body', message: error.message }]));
  }
  if (isRedisDown(error)) return reply.code(503).send(errorBody(ApiErrorCode.UNAVAILABLE, 'Redis is unavailable: try again shortly'));
  request.log.error({ err: error }, 'unhandled error');
  return reply.code(500).send(errorBody(ApiErrorCode.INTERNAL, 'internal error'));
}

/**
 * Fastify's `frameworkErrors`: what the router refuses before any route or hook runs (a bad `%` escape in the
 * path, a path parameter over `maxParamLength`), answered in our format rather than Fastify's own.
 */
export function frameworkErrorAnswer(error: FastifyError): { status: number; body: ReturnType<typeof errorBody> } {
  if (error.code === 'FST_ERR_BAD_URL') {
    return { status: 400, body: errorBody(ApiErrorCode.VALIDATION, 'the request path is not valid (a bad %-escape?)', [{ field: 'path', message: 'not a valid URL path' }]) };
  }
  if (error.code === 'FST_ERR_MAX_PARAM_LENGTH') {
    return { status: 414, body: errorBody(ApiErrorCode.VALIDATION, 'a path parameter is longer than the API accepts', [{ field: 'params', message: 'too long' }]) };
  }
  const status = error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
  return { status, body: errorBody(ApiErrorCode.VALIDATION, 'the request could not be routed') };
}

/**
 * Fastify's `clientErrorHandler`: what Node's HTTP parser refuses before Fastify sees a request (headers over the
 * limit, a body not received within the request timeout, bytes that are not HTTP), answered in our format on the
 * raw socket rather than Fastify's `{error, message, statusCode}`.
 */
export function clientErrorAnswer(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, text, body] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'Request Timeout', errorBody(ApiErrorCode.REQUEST_TIMEOUT, 'the request was not received in time: send it whole, without pauses')]
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'Request Header Fields Too Large', errorBody(ApiErrorCode.VALIDATION, 'the request line and headers are larger than the API accepts (16 KB)', [{ field: 'headers', message: 'too large' }])]
        : [400, 'Bad Request', errorBody(ApiErrorCode.VALIDATION, 'the request is not valid HTTP', [{ field: 'request', message: 'malformed' }])];
  const json = JSON.stringify(body);
  if (socket.writable) socket.write(`HTTP/1.1 ${status} ${text}\r\nContent-Length: ${Buffer.byteLength(json)}\r\nContent-Type: application/json; charset=utf-8\r\nConnection: close\r\n\r\n${json}`);
  socket.destroy();
}
