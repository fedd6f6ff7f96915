/**
 * crm-bridge's command line (started by src/cli.ts). `start` is the all-in-one sandbox (`npm start`, API included); `worker` is what production runs;
 * `check` and `preview` let an operator trust a mapping before it runs; `simulate` serves the provider simulators.
 */
import { commandUsage, isCommand, usage, vetArgs } from './cli-args.ts';
import { parseEnv, type Env } from './config/env.ts';
import { ConfigError, FileInvalidError, formatFileIssue } from './errors.ts';
import { createLogger, logsWritten } from './logger.ts';
import type { Runtime } from './bootstrap/runtime.ts';
// Everything else is imported by the command that needs it: `--help`, `run` or `check` do not load the worker, the
// API and every provider (~0.4 s of a 1.1 s start on the 2-core machine).

const USAGE = usage();

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command !== undefined && isCommand(command)) {
    const verdict = vetArgs(command, rest);
    if (verdict.kind === 'help') {
      process.stdout.write(verdict.text);
      return 0;
    }
    if (verdict.kind === 'error') {
      process.stderr.write(verdict.text);
      return 2;
    }
  }
  switch (command) {
    case 'start':
      return serve({ sandbox: true, runNow: true, api: { generateToken: true } });
    case 'worker':
      return serve({ sandbox: false, runNow: false });
    case 'api':
      return serve({ sandbox: false, runNow: false, workers: false, api: { generateToken: false } });
    case 'run':
      return (await import('./api/cli-commands.ts')).runCommand(rest, await cliIo());
    case 'status':
      return (await import('./api/cli-commands.ts')).statusCommand(rest, await cliIo());
    case 'rewind':
      return (await import('./api/cli-commands.ts')).rewindCommand(rest, await cliIo());
    case 'sample':
      return (await import('./bootstrap/sample-command.ts')).runSampleCommand(rest, { out: (s) => void process.stdout.write(s), err: (s) => void process.stderr.write(s) });
    case 'check':
      return check(rest);
    case 'preview':
      return (await import('./mapping/index.ts')).runPreviewCommand(rest, {
        readStdin: async () => {
          let text = '';
          for await (const chunk of process.stdin) text += chunk;
          return text;
        },
        out: (s) => process.stdout.write(s.endsWith('\n') ? s : `${s}\n`),
        err: (s) => process.stderr.write(s.endsWith('\n') ? s : `${s}\n`),
      });
    case 'simulate':
      return simulate(rest);
    case 'migrate-keys':
      return (await import('./bootstrap/migrate-keys-command.ts')).runMigrateKeysCommand(rest, env(), (line) => void process.stdout.write(`${line}\n`));
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      if (rest[0] !== undefined && isCommand(rest[0])) process.stdout.write(commandUsage(rest[0]));
      else process.stdout.write(USAGE);
      return command === undefined ? 1 : 0;
    default:
      process.stderr.write(`unknown command "${command}"\n${USAGE}`);
      return 1;
  }
}

function env(): Env {
  return parseEnv(process.env);
}

async function cliIo() {
  const { apiUrlOf } = await import('./api/cli-commands.ts');
  const config = env();
  return { out: (s: string) => void process.stdout.write(s), err: process.stderr, api: { url: apiUrlOf(config), token: config.CRM_BRIDGE_API_TOKEN } };
}

/**
 * Runs until SIGTERM or SIGINT, then shuts down within SHUTDOWN_TIMEOUT_S + 2 s whatever Redis does. Exit code 1
 * when jobs were abandoned (BullMQ re-delivers them as stalled) or the shutdown itself had to be cut short.
 */
async function serve(options: { sandbox: boolean; runNow: boolean; workers?: boolean; api?: { generateToken: boolean } }): Promise<number> {
  const workers = options.workers ?? true;
  const config = env();
  const logger = createLogger(config.LOG_LEVEL, undefined, config.LOG_FORMAT ? { format: config.LOG_FORMAT } : {});
  const { startRuntime } = await import('./bootstrap/runtime.ts');
  let runtime: Runtime;
  try {
    runtime = await startRuntime({ env: config, sandbox: options.sandbox, workers, schedule: workers, runNow: options.runNow, api: options.api, logger });
  } catch (error) {
    // Bad configuration is told to the operator as text (below); anything else (Redis lost mid-start) is a log line.
    if (error instanceof ConfigError || error instanceof FileInvalidError) throw error;
    logger.fatal({ err: error }, 'could not start');
    return 1;
  }
  // Crashes keep Node's semantics (exit 1) but are logged as one JSON line, like everything else the process says.
  process.on('uncaughtException', (error) => exitOnCrash(runtime, 'uncaught exception', error));
  process.on('unhandledRejection', (reason) => exitOnCrash(runtime, 'unhandled rejection', reason));
  return new Promise<number>((resolve) => {
    const stop = (signal: string) => {
      runtime.logger.info({ signal }, 'signal received');
      // The last resort, should anything outlive the runtime's own bounded shutdown (a hung socket, a child process).
      setTimeout(() => {
        runtime.logger.error({ timeoutS: config.SHUTDOWN_TIMEOUT_S }, 'shutdown did not finish in time: exiting');
        resolve(1);
      }, config.SHUTDOWN_TIMEOUT_S * 1_000 + 1_500).unref();
      void runtime.shutdown().then((report) => resolve(report.abandoned > 0 ? 1 : 0));
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
}

function exitOnCrash(runtime: Runtime, what: string, error: unknown): void {
  runtime.logger.fatal({ err: error }, what);
  // The line that says why is the one that must not be lost; a second crash meanwhile exits at once.
  process.once('uncaughtException', () => process.exit(1));
  void logsWritten(1_000).then(() => process.exit(1));
}

async function check(args: string[]): Promise<number> {
  const config = env();
  const out = (line: string) => void process.stdout.write(`${line}\n`);
  const { runCheckCommand } = await import('./bootstrap/check-command.ts');
  const files = await runCheckCommand({ mappingsDir: config.MAPPINGS_DIR, jobsDir: config.JOBS_DIR, connectionsDir: config.CONNECTIONS_DIR, out });
  if (!args.includes('--connections')) return files;
  const [{ registerSecrets, secretsOfEnv }, { configuredConnections }, { runConnectionChecks }, { providers }] = await Promise.all([
    import('./secrets.ts'),
    import('./config/connections.ts'),
    import('./bootstrap/connection-check.ts'),
    import('./providers/registry.ts'),
  ]);
  registerSecrets(secretsOfEnv(config));
  const configured = await configuredConnections(config, process.env);
  const connections = await runConnectionChecks(configured, (connection) => providers[connection.provider].connect(connection), out);
  return Math.max(files, connections);
}

async function simulate(args: string[]): Promise<number> {
  const stopped = new Promise((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  const { runSimulateCommand } = await import('./bootstrap/simulate-command.ts');
  return runSimulateCommand(args, { out: (s) => void process.stdout.write(s), err: (s) => void process.stderr.write(s), stopped });
}

main(process.argv.slice(2)).then(
  async (code) => {
    await logsWritten();
    process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    else if (error instanceof FileInvalidError) process.stderr.write(`${error.issues.map(formatFileIssue).join('\n')}\n`);
    else process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
