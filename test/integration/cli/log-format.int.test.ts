import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, inject } from 'vitest';
import { exitOf, until } from '../../helpers/worker-process.ts';

/** Starts `crm-bridge worker` (no connections: it logs its start and idles), under a terminal or a pipe. */
async function firstLines(options: { tty: boolean; format?: string }): Promise<string> {
  // The worker's pid, written by the shell that becomes it: under script(1) it is not our child, and a closed
  // terminal's SIGHUP no longer ends it (SIGHUP reloads the definitions), so the test ends it itself.
  const pidFile = join(tmpdir(), `cb-log-format-${process.pid}-${Date.now()}.pid`);
  const command = `sh -c 'echo $$ > ${pidFile}; exec ${process.execPath} src/cli.ts worker'`;
  const env = { PATH: process.env['PATH'], REDIS_URL: inject('redisUrl'), QUEUE_PREFIX: `log-${Date.now()}`, LOG_LEVEL: 'info', ...(options.format ? { LOG_FORMAT: options.format } : {}) };
  // script(1) gives the child a pseudo-terminal, as a user's shell does.
  const child = options.tty
    ? spawn('script', ['-qfec', command, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'ignore'] })
    : spawn(process.execPath, ['src/cli.ts', 'worker'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  try {
    await until(() => output.split('\n').length > 2, 20_000, 'the worker to log its start');
  } finally {
    if (options.tty) {
      try {
        process.kill(Number(readFileSync(pidFile, 'utf8')), 'SIGTERM');
      } catch {
        // not started, or already gone
      }
      rmSync(pidFile, { force: true });
    }
    child.kill('SIGTERM');
    await exitOf(child);
  }
  return output.replace(/\x1b\[[0-9;]*m/g, '');
}

describe('npm start / worker logs', () => {
  it('are human-readable on a terminal', async () => {
    const text = await firstLines({ tty: true });
    expect(text).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] (INFO|WARN|ERROR): /m);
    expect(text).not.toMatch(/^\{"level"/m);
  });

  it('are JSON lines through a pipe, and LOG_FORMAT overrides either way', async () => {
    const piped = await firstLines({ tty: false });
    expect(() => JSON.parse(piped.split('\n')[0]!)).not.toThrow();
    expect(await firstLines({ tty: false, format: 'pretty' })).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] (INFO|WARN|ERROR): /m);
    expect(await firstLines({ tty: true, format: 'json' })).toMatch(/^\{"level":\d+,/m);
  });
});
