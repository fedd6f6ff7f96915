import pino, { type Logger } from 'pino';

/**
 * Paths pino blanks out wherever they appear in a log line: auth headers (ours and got's `err.options.headers`),
 * tokens, passwords. Secrets must never reach a log, even at debug level.
 */
export const REDACT_PATHS = [
  'authorization',
  '*.authorization',
  'headers.authorization',
  '*.headers.authorization',
  'req.headers.authorization',
  'err.options.headers',
  'error.options.headers',
  '*.options.headers',
  'token',
  '*.token',
  'password',
  '*.password',
  'secret',
  '*.secret',
];

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'crm-bridge' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: pino.stdSerializers.err, error: pino.stdSerializers.err },
    },
    destination,
  );
}

export type { Logger };
