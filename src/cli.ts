#!/usr/bin/env node
/**
 * crm-bridge's command line. `start` is the all-in-one sandbox (`npm start`, API included); `worker` is what production runs;
 * `check` and `preview` let an operator trust a mapping before it runs; `simulate` serves the provider simulators.
 */
import { apiUrlOf, runCommand, statusCommand } from './api/cli-commands.ts';
import { startRuntime, type Runtime } from './bootstrap/runtime.ts';
import { runSimulateCommand } from './bootstrap/simulate-command.ts';
import { commandUsage, isCommand, usage, vetArgs } from './cli-args.ts';
import { parseEnv, type Env } from './config/env.ts';
import { ConfigError, FileInvalidError, formatFileIssue } from './errors.ts';
import { runPreviewCommand } from './mapping/index.ts';
import { runCheckCommand } from './bootstrap/check-command.ts';

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

function cliIo() {
  const config = env();
  return { out: (s: string) => void process.stdout.write(s), err: process.stderr, api: { url: apiUrlOf(config), token: config.CRM_BRIDGE_API_TOKEN } };
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
  const stopped = new Promise((resolve) => {
    process.once('SIGTERM', resolve);
    process.once('SIGINT', resolve);
  });
  return runSimulateCommand(args, { out: (s) => void process.stdout.write(s), err: (s) => void process.stderr.write(s), stopped });
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
