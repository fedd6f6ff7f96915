/**
 * The catalog of crm-bridge error codes. Every error the product raises is one small class below, with a
 * literal `code` and a `retryable` flag; the queue layer turns `retryable: false` into BullMQ's
 * UnrecoverableError so that a validation failure never burns attempts.
 */
export const ErrorCode = {
  CONFIG_INVALID: 'ERR_CONFIG_INVALID',
  FILE_INVALID: 'ERR_FILE_INVALID',
  JOB_DATA_INVALID: 'ERR_JOB_DATA_INVALID',
  PROVIDER_HTTP: 'ERR_PROVIDER_HTTP',
  PROVIDER_VALIDATION: 'ERR_PROVIDER_VALIDATION',
  PROVIDER_NOT_FOUND: 'ERR_PROVIDER_NOT_FOUND',
  PROVIDER_AUTH: 'ERR_PROVIDER_AUTH',
  PROVIDER_RATE_LIMITED: 'ERR_PROVIDER_RATE_LIMITED',
  PROVIDER_UNAVAILABLE: 'ERR_PROVIDER_UNAVAILABLE',
  PROVIDER_RESPONSE: 'ERR_PROVIDER_RESPONSE',
  UNSUPPORTED_OPERATION: 'ERR_UNSUPPORTED_OPERATION',
  REDIS_UNAVAILABLE: 'ERR_REDIS_UNAVAILABLE',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** The environment or a config file did not parse; `issues` lists every problem, not just the first. */
export class ConfigError extends Error {
  readonly code = ErrorCode.CONFIG_INVALID;
  readonly retryable = false;
  readonly issues: readonly string[];
  constructor(issues: readonly string[]) {
    super(`invalid configuration:\n  - ${issues.join('\n  - ')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

/** One problem found in a data file (mapping or job), located by file, line and path. */
export interface FileIssue {
  file: string;
  line: number | null;
  path: string;
  message: string;
}

export function formatFileIssue(issue: FileIssue): string {
  const where = issue.line === null ? issue.file : `${issue.file}:${issue.line}`;
  return `${where}: ${issue.path || '(root)'}: ${issue.message}`;
}

/** A mapping or job file is invalid; carries every issue found in it. */
export class FileInvalidError extends Error {
  readonly code = ErrorCode.FILE_INVALID;
  readonly retryable = false;
  readonly issues: readonly FileIssue[];
  constructor(issues: readonly FileIssue[]) {
    super(issues.map(formatFileIssue).join('\n'));
    this.name = 'FileInvalidError';
    this.issues = issues;
  }
}

/** `job.data` did not match its contract (a job from an older deploy, or a hand-made one). */
export class JobDataInvalidError extends Error {
  readonly code = ErrorCode.JOB_DATA_INVALID;
  readonly retryable = false;
  constructor(queue: string, name: string, detail: string) {
    super(`job ${queue}/${name} has invalid data: ${detail}`);
    this.name = 'JobDataInvalidError';
  }
}

/** Redis is not connected, so a command was not sent (nothing it would have done happened). */
export class RedisUnavailableError extends Error {
  readonly code = ErrorCode.REDIS_UNAVAILABLE;
  readonly retryable = true;
  constructor(what: string) {
    super(`Redis is not connected: ${what}`);
    this.name = 'RedisUnavailableError';
  }
}

/** The provider does not offer this operation (e.g. listing PowerChord leads). */
export class UnsupportedOperationError extends Error {
  readonly code = ErrorCode.UNSUPPORTED_OPERATION;
  readonly retryable = false;
  constructor(provider: string, operation: string) {
    super(`${provider} does not support ${operation}`);
    this.name = 'UnsupportedOperationError';
  }
}
