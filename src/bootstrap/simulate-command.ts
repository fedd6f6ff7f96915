/**
 * `crm-bridge simulate <provider | all> [--port N] [--records N]`: serves the provider simulators until stopped and
 * prints, per provider, the environment lines that point a worker at it, ready to paste (or to `source`).
 */
import { parseArgs } from 'node:util';
import { COMMANDS } from '../cli-args.ts';
import { connectionEnv } from '../config/connections.ts';
import { PROVIDER_NAMES, type ConnectionConfig, type ProviderName } from '../providers/types.ts';
import { startSandbox } from './sandbox.ts';

export interface SimulateIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** Resolves when the simulators should stop (SIGINT/SIGTERM in the CLI). */
  stopped: Promise<unknown>;
}

/** A value as a POSIX shell reads it back: bare when safe, single-quoted otherwise. */
function shellValue(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * The `NAME=value` lines a worker's environment needs for this connection: the token (or, where the connection logs
 * in, its credentials instead: PowerChord accepts one way to authenticate), the base URL and every option.
 */
export function connectionEnvLines(connection: ConnectionConfig): string[] {
  const logsIn = connection.options['email'] !== undefined || connection.options['clientId'] !== undefined;
  const env = connectionEnv(connection.provider, logsIn ? { ...connection, token: '' } : connection);
  return Object.entries(env).map(([name, value]) => `${name}=${shellValue(value)}`);
}

export async function runSimulateCommand(args: string[], io: SimulateIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: COMMANDS.simulate.options });
  const which = positionals[0] ?? 'all';
  const providers: ProviderName[] = which === 'all' ? [...PROVIDER_NAMES] : PROVIDER_NAMES.filter((p) => p === which);
  if (providers.length === 0) {
    io.err(`unknown provider "${which}" (one of: ${PROVIDER_NAMES.join(', ')}, all)\n`);
    return 2;
  }
  const number = (name: 'port' | 'records', text: string | undefined, min: number): number | undefined | null => {
    if (text === undefined) return undefined;
    const n = Number(text);
    if (Number.isInteger(n) && n >= min && n <= (name === 'port' ? 65_535 : 1_000_000)) return n;
    io.err(`crm-bridge simulate: --${name} must be a whole number from ${min}\n`);
    return null;
  };
  const port = number('port', values.port, 1);
  const records = number('records', values.records, 0);
  if (port === null || records === null) return 2;

  let sandbox: Awaited<ReturnType<typeof startSandbox>>;
  try {
    sandbox = await startSandbox({ providers, ...(records !== undefined ? { records } : {}), ...(port !== undefined ? { basePort: port } : {}) });
  } catch (error) {
    const { code, port: taken } = error as { code?: unknown; port?: unknown };
    if (code !== 'EADDRINUSE') throw error;
    // One line, no stack: the operator's fix is another --port (a provider with several hosts takes N and the next ports).
    io.err(`crm-bridge simulate: port ${String(taken)} is in use; the simulators listen on --port N and the ports after it (PowerChord: four), choose another --port\n`);
    return 1;
  }
  for (const [provider, connection] of sandbox.connections) {
    io.out(`# ${provider}: simulator on ${connection.baseUrl}\n${connectionEnvLines(connection).join('\n')}\n`);
  }
  // Pasted into a shell as they are, NAME=value lines set variables the commands started there do not see.
  io.out('# in a shell, run `set -a` before pasting these (or `set -a; . ./saved.env; set +a`) so that a worker started there sees them\n');
  io.out('# stop with Ctrl-C; the simulators keep their data in memory only\n');
  await io.stopped;
  await sandbox.close();
  return 0;
}
