import pino, { type Logger } from 'pino';
import pretty from 'pino-pretty';
import { scrubJsonText } from './secrets.ts';

/**
 * Keys whose values never reach a log line, at any depth, whatever their case: auth headers (ours, and got's in
 * `err.options.headers`), tokens, passwords, secrets. Secrets must never reach a log, even at debug level.
 */
export const REDACTED_KEYS: readonly string[] = ['authorization', 'token', 'password', 'secret'];
/** An `options` object's `headers` (got puts a request's headers on its errors there) are blanked as a whole. */
const HEADERS_UNDER = 'options';
const CENSOR = '[redacted]';

/**
 * Which lines need redacting: those with one of the keys as a JSON key. A key always reaches the line as `"key":`
 * (JSON.stringify escapes no letter), while a quote inside a string value is written `\"`, so a value cannot fake a
 * key and a line that does not match has nothing to blank. Most lines (every request line) do not, and cost this one
 * test instead of a walk over every value of every line (pino's `redact` option re-parsed its paths for each value
 * of each line, and for each request's child logger: ~6 µs of the ~12 µs a request line cost).
 */
const SENSITIVE_KEY = new RegExp(`"(?:${[...REDACTED_KEYS, 'headers'].join('|')})":`, 'i');
const REDACTED = new Set(REDACTED_KEYS);

/** Blanks the REDACTED_KEYS (and `options.headers`) of one JSON log line, at any depth. */
export function redactLine(line: string): string {
  if (!SENSITIVE_KEY.test(line)) return line;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    // pino writes one JSON object per line; anything else is not ours to print unredacted.
    return `${JSON.stringify({ level: 50, time: Date.now(), msg: 'a log line could not be checked for secrets and was dropped' })}\n`;
  }
  return `${JSON.stringify(redactValue(value, '', 0))}\n`;
}

function redactValue(value: unknown, parentKey: string, depth: number): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (depth > 64) return '[too deep]';
  if (Array.isArray(value)) return value.map((item) => redactValue(item, parentKey, depth + 1));
  const record = value as Record<string, unknown>;
  for (const key of Object.keys(record)) {
    const lower = key.toLowerCase();
    if (REDACTED.has(lower) || (lower === 'headers' && parentKey === HEADERS_UNDER)) record[key] = CENSOR;
    else record[key] = redactValue(record[key], lower, depth + 1);
  }
  return record;
}

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
 * Every line is written through `redactLine` (the REDACTED_KEYS at any depth) and then the secrets scrubber
 * (src/secrets.ts): whatever path or message a configured secret hides in, at any depth, it leaves as `[redacted]`. Without a destination it writes to stdout, in
 * `format` (LOG_FORMAT) or else as resolveLogFormat decides.
 */
export function createLogger(level: string, destination?: pino.DestinationStream, options: { format?: LogFormat; maxPendingBytes?: number } = {}): Logger {
  return pino(
    {
      level,
      base: { service: 'crm-bridge' },
      serializers: { err: serializeError, error: serializeError },
      hooks: { streamWrite: (line) => scrubJsonText(redactLine(line)) },
    },
    destination ?? (resolveLogFormat(options.format, process.stdout.isTTY === true) === 'pretty' ? prettyStream() : jsonStdout(options.maxPendingBytes)),
  );
}

/**
 * JSON lines to stdout through pino's asynchronous writer (sonic-boom, flushed at exit), holding the lines that wait
 * for a write in progress as a list of buffers. Its default holds them as one string, appended to and measured again
 * for every line: under a burst of API requests that was ~6 KB of garbage per request line (bench/api-cpu.ts
 * --alloc), the largest single source. A synchronous writer makes none, but with stdout a pipe (non-blocking once
 * Node touched it) a stalled reader froze the event loop: pino sleeps 100 ms and retries, 1.3 s of stall measured,
 * long enough to lose job locks and miss the shutdown bound.
 */
function jsonStdout(maxPendingBytes = MAX_PENDING_LOG_BYTES): pino.DestinationStream {
  // Lines past `maxLength` waiting for a reader that does not read are dropped (and counted) rather than kept until
  // the process runs out of memory.
  const stream = pino.destination({ dest: 1, contentMode: 'buffer', maxLength: maxPendingBytes });
  let dropped = 0;
  stream.on('drop', () => void dropped++);
  // The writer says 'drain' each time it has written everything it held.
  stream.on('drain', () => {
    if (dropped > 0) {
      // Said once the reader reads again; those waiting for the lines to leave wait for this one too.
      const line = { level: 40, time: Date.now(), service: 'crm-bridge', dropped, msg: `${dropped} log lines were dropped: stdout was not read while ${maxPendingBytes} bytes of lines waited` };
      dropped = 0;
      stream.write(Buffer.from(`${JSON.stringify(line)}\n`) as unknown as string);
      return;
    }
    stdoutPending = false;
    for (const done of [...whenDrained]) done();
  });
  return {
    write: (line: string) => {
      stdoutPending = true;
      stream.write(Buffer.from(line) as unknown as string);
    },
  };
}

/** What the JSON stdout writer holds for a reader that does not read, at most; lines past it are dropped. */
const MAX_PENDING_LOG_BYTES = 32 * 1024 * 1024;

/** Lines given to the JSON stdout writer that it has not written yet, and who waits for them. */
let stdoutPending = false;
const whenDrained = new Set<() => void>();

/**
 * Resolves once the JSON lines written to stdout have left the process, or after `timeoutMs`: awaited before an
 * explicit `process.exit`. The writer's own exit hook cannot finish a write still in progress, so with a log reader
 * slow for a moment (a full pipe) the last lines, the ones that say why the process stopped, were lost.
 */
export function logsWritten(timeoutMs = 2_000): Promise<void> {
  if (!stdoutPending) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      whenDrained.delete(done);
      resolve();
    };
    const timer = setTimeout(done, timeoutMs);
    whenDrained.add(done);
  });
}

export type { Logger };
