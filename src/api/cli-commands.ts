import { parseArgs } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import { COMMANDS } from '../cli-args.ts';
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

function fail(error: unknown, io: CliIo): number {
  if (error instanceof ApiClientError) {
    io.err.write(`${error.message}\n`);
    return 1;
  }
  throw error;
}
