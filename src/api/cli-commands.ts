import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { COMMANDS, commandUsage } from '../cli-args.ts';
import { RewindBody } from './routes/cursor.ts';
import { ApiClient, ApiClientError } from './client.ts';
import { ProgressRenderer } from './progress.ts';

export interface CliIo {
  out: (text: string) => void;
  err: NodeJS.WriteStream;
  /** CRM_BRIDGE_API_URL and CRM_BRIDGE_API_TOKEN. */
  api: { url: string; token: string | undefined };
  /** Poll interval for `--wait`, ms. @default 500 */
  pollMs?: number;
}

/**
 * The API the CLI talks to: CRM_BRIDGE_API_URL when set, else this machine's own (`npm start` listens on HOST:PORT;
 * a wildcard HOST is reached through loopback).
 */
export function apiUrlOf(env: { CRM_BRIDGE_API_URL?: string | undefined; HOST: string; PORT: number }): string {
  if (env.CRM_BRIDGE_API_URL) return env.CRM_BRIDGE_API_URL;
  const host = ['0.0.0.0', '::', '[::]', ''].includes(env.HOST) ? '127.0.0.1' : env.HOST;
  return `http://${host.includes(':') && !host.startsWith('[') ? `[${host}]` : host}:${env.PORT}`;
}

function client(io: CliIo): ApiClient | null {
  if (!io.api.token) {
    io.err.write('CRM_BRIDGE_API_TOKEN is not set: the CLI talks to the API and needs one of its tokens\n');
    return null;
  }
  return new ApiClient({ baseUrl: io.api.url, token: io.api.token });
}

/**
 * `crm-bridge run <sync> [--full] [--wait]`: starts a run through the API. With --wait, follows it to its end and
 * prints its summary as JSON; the exit code is 0 only for SUCCESS (without --wait: 0 once the run is accepted).
 */
export async function runCommand(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: COMMANDS.run.options });
  const sync = positionals[0];
  if (!sync) {
    io.err.write('usage: crm-bridge run <sync> [--full] [--wait]\n');
    return 2;
  }
  const api = client(io);
  if (!api) return 2;
  try {
    const accepted = await api.startRun(sync, { full: values.full ?? false });
    if (!values.wait) {
      io.out(`${JSON.stringify(accepted, null, 2)}\n`);
      return 0;
    }
    io.err.write(`run ${accepted.job_id} started\n`);
    const renderer = new ProgressRenderer(io.err);
    for (;;) {
      const job = await api.getJob(accepted.job_id);
      if (job.status !== 'PENDING') {
        renderer.done(job);
        io.out(`${JSON.stringify(job, null, 2)}\n`);
        return job.status === 'SUCCESS' ? 0 : 1;
      }
      renderer.update(job);
      await sleep(io.pollMs ?? 500);
    }
  } catch (error) {
    return fail(error, io);
  }
}

/** `crm-bridge status <job_id>`: prints the job as the API has it. Exit 1 when it is unknown. */
export async function statusCommand(args: string[], io: CliIo): Promise<number> {
  const jobId = args[0];
  if (!jobId) {
    io.err.write('usage: crm-bridge status <job_id>\n');
    return 2;
  }
  const api = client(io);
  if (!api) return 2;
  try {
    io.out(`${JSON.stringify(await api.getJob(jobId), null, 2)}\n`);
    return 0;
  } catch (error) {
    return fail(error, io);
  }
}

/**
 * `crm-bridge rewind <sync> --to <ISO time | start>`: moves the sync's cursor back through the API and prints the
 * result as JSON (a sentence on stderr). Exit 2 for a bad or future time (checked here, and by the server's clock),
 * 1 for what the API refused otherwise (a run in progress, an unknown sync).
 */
export async function rewindCommand(args: string[], io: CliIo, now = Date.now()): Promise<number> {
  const { values, positionals } = parseArgs({ args, allowPositionals: true, options: COMMANDS.rewind.options });
  const [sync, extra] = positionals;
  const usage = (line: string) => {
    io.err.write(`crm-bridge rewind: ${line}\n${commandUsage('rewind')}`);
    return 2;
  };
  if (!sync || extra !== undefined) return usage(sync ? `one sync at a time (got "${extra}" too)` : 'which sync?');
  if (values.to === undefined) return usage('--to is required: an ISO 8601 time with a zone, or "start"');
  if (!RewindBody.shape.to.safeParse(values.to).success) return usage(`--to "${values.to}" is not an ISO 8601 time with a zone (2026-11-30T22:00:00Z) nor "start"`);
  if (values.to !== 'start' && Date.parse(values.to) > now) return usage(`--to ${values.to} is in the future: a rewind goes back`);
  const api = client(io);
  if (!api) return 2;
  try {
    const result = await api.rewindCursor(sync, values.to);
    io.out(`${JSON.stringify(result, null, 2)}\n`);
    const from = !result.incremental
      ? 'every run of it reads its whole source anyway (the source cannot be read from a time)'
      : `its next run reads the records updated ${result.reads_from === null ? 'from the start' : `since ${result.reads_from}`}`;
    io.err.write(`${sync}: ${from} (before: ${result.previous_reads_from ?? 'from the start'})\n`);
    return 0;
  } catch (error) {
    if (error instanceof ApiClientError && error.status === 400) {
      io.err.write(`${error.message}\n`);
      return 2;
    }
    return fail(error, io);
  }
}

function fail(error: unknown, io: CliIo): number {
  if (error instanceof ApiClientError) {
    io.err.write(`${error.message}\n`);
    return 1;
  }
  throw error;
}
