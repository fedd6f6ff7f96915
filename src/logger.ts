import pino, { type Logger } from 'pino';
import { scrubJsonText } from './secrets.ts';

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

/** Redis commands whose arguments are credentials: ioredis puts the command on its errors (`err.command.args`). */
const CREDENTIAL_COMMANDS = new Set(['auth', 'hello', 'migrate']);

/**
 * pino's error serializer, minus the arguments of a credential command (a failed AUTH carries the password it
 * tried), at the error and along its `cause` chain.
 */
function serializeError(error: unknown): unknown {
  const out = pino.stdSerializers.err(error as Error) as Record<string, unknown>;
  let node: Record<string, unknown> | undefined = out;
  for (let depth = 0; node && depth < 10; depth++) {
    const command = node['command'] as { name?: unknown; args?: unknown } | undefined;
    if (command && typeof command === 'object' && CREDENTIAL_COMMANDS.has(String(command.name).toLowerCase())) {
      node['command'] = { ...command, args: '[redacted]' };
    }
    node = node['cause'] as Record<string, unknown> | undefined;
  }
  return out;
}

/**
 * Every line also goes through the secrets scrubber (src/secrets.ts) as written: whatever path or message a
 * configured secret hides in, at any depth, it leaves as `[redacted]`.
 */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'crm-bridge' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError, error: serializeError },
      hooks: { streamWrite: scrubJsonText },
    },
    destination,
  );
}

export type { Logger };
