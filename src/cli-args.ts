/**
 * Every command's options and usage, in one table: `crm-bridge <command> --help` prints the command's usage, and an
 * unknown option or a stray argument is one line naming it plus that usage (exit 2), never Node's parseArgs stack.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface CommandSpec {
  /** `run <sync> [--full] [--wait]` */
  synopsis: string;
  /** What it does, one or two short lines. */
  summary: string;
  options: Options;
  /** Whether it takes positional arguments at all (their count is the command's own check). */
  positionals: boolean;
}

export const COMMANDS = {
  start: {
    synopsis: 'start',
    summary: 'sandbox: private Redis, simulators for providers without tokens, workers,\nschedules and one immediate run of every enabled sync',
    options: {},
    positionals: false,
  },
  worker: { synopsis: 'worker', summary: 'workers and schedules against REDIS_URL and the configured providers', options: {}, positionals: false },
  api: { synopsis: 'api', summary: 'the HTTP API and dashboard only (HOST, PORT); needs API_TOKENS', options: {}, positionals: false },
  check: {
    synopsis: 'check [--connections]',
    summary:
      'validate every file in jobs/ and mappings/ (exit 1 with all errors); --connections also makes one cheap\nauthenticated call per configured connection: ok, auth refused or unreachable, with the variable to fix',
    options: { connections: { type: 'boolean' } },
    positionals: false,
  },
  preview: {
    synopsis: 'preview <mapping> <record.json | -> [--explain] [--previous <body.json>]',
    summary: 'map one source record and print the target body (exit 1 on record errors);\nsamples/<provider>.json holds one record of each source provider',
    options: { explain: { type: 'boolean' }, previous: { type: 'string' } },
    positionals: true,
  },
  simulate: {
    synopsis: 'simulate <provider | all> [--port N] [--records N]',
    summary: 'serve provider simulators until stopped (the first on port N); prints the environment\nlines that point a worker at them',
    options: { port: { type: 'string' }, records: { type: 'string' } },
    positionals: true,
  },
  run: {
    synopsis: 'run <sync> [--full] [--wait]',
    summary:
      'start a run through the API (CRM_BRIDGE_API_URL, else http://127.0.0.1:$PORT, with\nCRM_BRIDGE_API_TOKEN); --wait shows progress, prints the summary, exits 0 only for SUCCESS',
    options: { full: { type: 'boolean' }, wait: { type: 'boolean' } },
    positionals: true,
  },
  'migrate-keys': {
    synopsis: 'migrate-keys [--dry-run] [--delete-old]',
    summary:
      'upgrade: carry the crosswalks, sent and echo state, cursors and records to retry that a release before the\ncluster key layout kept in REDIS_URL into today\'s layout (--dry-run: count only; --delete-old: then drop them)',
    options: { 'dry-run': { type: 'boolean' }, 'delete-old': { type: 'boolean' } },
    positionals: false,
  },
  status: { synopsis: 'status <job_id>', summary: 'print a job as the API has it', options: {}, positionals: true },
  rewind: {
    synopsis: 'rewind <sync> --to <ISO time | start>',
    summary:
      "move the sync's cursor back (through the API), so its next run re-reads the source from that time\n(2026-11-30T22:00:00Z) or from the start; the diff still writes only what changed. Refused while a\nrun of the sync is in progress (exit 1); a bad or future time exits 2",
    options: { to: { type: 'string' } },
    positionals: true,
  },
  sample: {
    synopsis: 'sample <provider>',
    summary:
      "print one source record of trata, overplane or propexo as its simulator serves it (the sandbox's\nseed), in the shape preview reads:\n  crm-bridge sample trata | crm-bridge preview mappings/trata-to-propexo.yaml -",
    options: {},
    positionals: true,
  },
} as const satisfies Record<string, CommandSpec>;

export type CommandName = keyof typeof COMMANDS;

export function isCommand(name: string): name is CommandName {
  return Object.hasOwn(COMMANDS, name);
}

const indent = (text: string, by: string) => text.split('\n').map((line) => `${by}${line}`).join('\n');

/** One command's usage, as `--help` prints it. */
export function commandUsage(command: CommandName): string {
  const spec: CommandSpec = COMMANDS[command];
  return `usage: crm-bridge ${spec.synopsis}\n\n${indent(spec.summary, '  ')}\n`;
}

/** Every command, as `crm-bridge --help` prints it. */
export function usage(): string {
  const lines = Object.values(COMMANDS as Record<string, CommandSpec>).map((spec) =>
    spec.synopsis.length <= 26 ? `  ${spec.synopsis.padEnd(28)}${indent(spec.summary, ' '.repeat(30)).trimStart()}` : `  ${spec.synopsis}\n${indent(spec.summary, ' '.repeat(30))}`,
  );
  return `usage: crm-bridge <command> [options]     (crm-bridge <command> --help for one)\n\n${lines.join('\n')}\n`;
}

export type ArgsVerdict = { kind: 'ok' } | { kind: 'help'; text: string } | { kind: 'error'; text: string };

/**
 * Vets a command's arguments before the command runs: `--help`/`-h` (before a `--`) asks for its usage; anything
 * parseArgs refuses becomes one line (`crm-bridge run: unknown option '--fast'`) followed by the usage.
 */
export function vetArgs(command: CommandName, args: readonly string[]): ArgsVerdict {
  const end = args.indexOf('--');
  const own = end === -1 ? args : args.slice(0, end);
  if (own.includes('--help') || own.includes('-h')) return { kind: 'help', text: commandUsage(command) };
  const spec: CommandSpec = COMMANDS[command];
  try {
    parseArgs({ args: [...args], options: spec.options, allowPositionals: spec.positionals, strict: true });
    return { kind: 'ok' };
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    if (typeof code !== 'string' || !code.startsWith('ERR_PARSE_ARGS_')) throw error;
    // Node's message is a sentence or two ("Unknown option '--x'. To specify a positional…"): keep the first.
    const first = (error as Error).message.split(/\.\s/)[0]?.replace(/\.$/, '') ?? 'bad arguments';
    return { kind: 'error', text: `crm-bridge ${command}: ${first.charAt(0).toLowerCase()}${first.slice(1)}\n${commandUsage(command)}` };
  }
}
