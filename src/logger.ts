import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
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

export type LogFormat = 'json' | 'pretty';

/** LOG_FORMAT when set; otherwise human-readable on a terminal and JSON for log collectors (a pipe, a file). */
export function resolveLogFormat(configured: LogFormat | undefined, stdoutIsTty: boolean): LogFormat {
  return configured ?? (stdoutIsTty ? 'pretty' : 'json');
}

/**
 * A pino-pretty stream: one coloured line per entry with the fields after it. Synchronous, so the last lines before
 * a crash's exit are written. It formats what the JSON writer produced, after the scrubber ran.
 */
export function prettyStream(options: { colorize?: boolean; destination?: NodeJS.WritableStream } = {}): pino.DestinationStream {
  return pretty({
    colorize: options.colorize ?? process.stdout.isTTY === true,
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,service',
    sync: true,
    ...(options.destination ? { destination: options.destination } : {}),
  });
}

/**
 * Every line also goes through the secrets scrubber (src/secrets.ts) as written: whatever path or message a
 * configured secret hides in, at any depth, it leaves as `[redacted]`. Without a destination it writes to stdout, in
 * `format` (LOG_FORMAT) or else as resolveLogFormat decides.
 */
export function createLogger(level: string, destination?: pino.DestinationStream, options: { format?: LogFormat } = {}): Logger {
  return pino(
    {
      level,
      base: { service: 'crm-bridge' },
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      serializers: { err: serializeError, error: serializeError },
      hooks: { streamWrite: scrubJsonText },
    },
    destination ?? (resolveLogFormat(options.format, process.stdout.isTTY === true) === 'pretty' ? prettyStream() : undefined),
  );
}

export type { Logger };
