#!/usr/bin/env node
/**
 * crm-bridge's command line. `start` is the all-in-one sandbox (`npm start`, API included); `worker` is what production runs;
 * `check` and `preview` let an operator trust a mapping before it runs; `simulate` serves the provider simulators.
 */
import { parseArgs } from 'node:util';
import { runCommand, statusCommand } from './api/cli-commands.ts';
import { startRuntime, type Runtime } from './bootstrap/runtime.ts';
import { startSandbox } from './bootstrap/sandbox.ts';
import { parseEnv, type Env } from './config/env.ts';
import { ConfigError, FileInvalidError, formatFileIssue } from './errors.ts';
import { runPreviewCommand } from './mapping/index.ts';
import { runCheckCommand } from './bootstrap/check-command.ts';
import { PROVIDER_NAMES, type ProviderName } from './providers/types.ts';

const USAGE = `usage: crm-bridge <command> [options]

  start                       sandbox: private Redis, simulators for providers without tokens, workers,
                              schedules and one immediate run of every enabled sync
  worker                      workers and schedules against REDIS_URL and the configured providers
  check                       validate every file in jobs/ and mappings/ (exit 1 with all errors)
  preview <mapping> <record.json | -> [--explain]
                              map one source record and print the target body (exit 1 on record errors)
  simulate <provider | all> [--port N] [--records N]
                              serve provider simulators until stopped; prints each base URL and token
  api                         the HTTP API and dashboard only (HOST, PORT); needs API_TOKENS
  run <sync> [--full] [--wait]
                              start a run through the API (CRM_BRIDGE_API_URL, CRM_BRIDGE_API_TOKEN); --wait shows
                              progress, prints the summary and exits 0 only for SUCCESS
  status <job_id>             print a job as the API has it
`;

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case 'start':
      return serve({ sandbox: true, runNow: true, api: { generateToken: true } });
    case 'worker':
      return serve({ sandbox: false, runNow: false });
    case 'api':
      return serve({ sandbox: false, runNow: false, workers: false, api: { generateToken: false } });
    case 'run':
      return runCommand(rest, cliIo());
    case 'status':
      return statusCommand(rest, cliIo());
    case 'check':
      return check();
    case 'preview':
      return runPreviewCommand(rest, {
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
    case undefined:
    case 'help':
    case '--help':
      process.stdout.write(USAGE);
      return command === undefined ? 1 : 0;
    default:
      process.stderr.write(`unknown command "${command}"\n${USAGE}`);
      return 1;
  }
}

function env(): Env {
  return parseEnv(process.env);
}

function cliIo() {
  const config = env();
  return { out: (s: string) => void process.stdout.write(s), err: process.stderr, api: { url: config.CRM_BRIDGE_API_URL, token: config.CRM_BRIDGE_API_TOKEN } };
}

async function serve(options: { sandbox: boolean; runNow: boolean; workers?: boolean; api?: { generateToken: boolean } }): Promise<number> {
  const workers = options.workers ?? true;
  const runtime: Runtime = await startRuntime({ env: env(), sandbox: options.sandbox, workers, schedule: workers, runNow: options.runNow, api: options.api });
  await new Promise<void>((resolve) => {
    const stop = (signal: string) => {
      runtime.logger.info({ signal }, 'signal received');
      void runtime.shutdown().then(resolve);
    };
    process.once('SIGTERM', () => stop('SIGTERM'));
    process.once('SIGINT', () => stop('SIGINT'));
  });
  return 0;
}

async function check(): Promise<number> {
  const config = env();
  return runCheckCommand({ mappingsDir: config.MAPPINGS_DIR, jobsDir: config.JOBS_DIR, out: (line) => process.stdout.write(`${line}\n`) });
}

async function simulate(args: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { port: { type: 'string' }, records: { type: 'string' } } });
  const which = positionals[0] ?? 'all';
  const providers: ProviderName[] = which === 'all' ? [...PROVIDER_NAMES] : PROVIDER_NAMES.filter((p) => p === which);
  if (providers.length === 0) {
    process.stderr.write(`unknown provider "${which}" (one of: ${PROVIDER_NAMES.join(', ')}, all)\n`);
    return 1;
  }
  const sandbox = await startSandbox({
    providers,
    ...(values.records ? { records: Number(values.records) } : {}),
    ...(values.port ? { basePort: Number(values.port) } : {}),
  });
  for (const [provider, connection] of sandbox.connections) {
    process.stdout.write(`${provider.padEnd(11)} ${connection.baseUrl}  token: ${connection.token}\n`);
  }
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  await sandbox.close();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    if (error instanceof ConfigError) process.stderr.write(`${error.message}\n`);
    else if (error instanceof FileInvalidError) process.stderr.write(`${error.issues.map(formatFileIssue).join('\n')}\n`);
    else process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
