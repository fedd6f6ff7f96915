import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/**
 * The JSON writer to stdout (src/logger.ts) is asynchronous and holds pending lines as buffers: every line reaches a
 * pipe, in order, byte for byte (multi-byte characters included), even when the process exits right after logging.
 */
describe('JSON logs on stdout', () => {
  it('arrive whole and in order through a pipe, flushed when the process exits at once', async () => {
    const script = `
      const { createLogger } = await import(${JSON.stringify(new URL('../../../src/logger.ts', import.meta.url).href)});
      const logger = createLogger('info', undefined, { format: 'json' });
      for (let i = 0; i < 3000; i++) logger.info({ i, name: 'Zoë Ångström ✓ 北京', token: 'must-not-appear' }, 'x'.repeat(150));
      logger.warn('last');
      process.exit(7);
    `;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    const lines = Buffer.concat(chunks).toString('utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(code).toBe(7);
    expect(lines).toHaveLength(3001);
    expect(lines.slice(0, 3000).map((line) => line['i'])).toEqual(Array.from({ length: 3000 }, (_, i) => i));
    expect(lines[1234]).toMatchObject({ name: 'Zoë Ångström ✓ 北京', token: '[redacted]' });
    expect(lines.at(-1)).toMatchObject({ msg: 'last', level: 40 });
  });

  it('past the pending limit, are dropped while the reader does not read, and the count of them is logged', { timeout: 20_000 }, async () => {
    const lines = await linesThroughStalledPipe({ awaitWritten: true, maxPendingBytes: 64 * 1024, stoppedAfterMs: 900 });
    const written = lines.filter((line) => line['msg'] === 'line').length;
    const notice = lines.find((line) => typeof line['dropped'] === 'number');
    expect(written).toBeLessThan(1_000);
    expect(notice, 'a line counting the dropped ones').toMatchObject({ level: 40, dropped: 5000 - written });
    expect(lines.at(-1)).toMatchObject({ msg: 'stopped' });
  });

  it('all reach a reader that stalls for a while when the process awaits logsWritten before it exits', { timeout: 20_000 }, async () => {
    const lines = await linesThroughStalledPipe({ awaitWritten: true });
    expect(lines).toHaveLength(5001);
    expect(lines.slice(0, 5000).map((line) => line['i'])).toEqual(Array.from({ length: 5000 }, (_, i) => i));
    expect(lines.at(-1)).toMatchObject({ msg: 'stopped' });
  });
});

/**
 * A child that logs 5,000 lines of ~300 bytes in one burst, then (200 ms later) 'stopped', and exits at once
 * (optionally after `logsWritten()`), while this side leaves the pipe unread for 500 ms: the child's writes fill it (EAGAIN) and wait.
 */
async function linesThroughStalledPipe(options: { awaitWritten: boolean; maxPendingBytes?: number; stoppedAfterMs?: number }): Promise<Array<Record<string, unknown>>> {
  const script = `
    const { createLogger, logsWritten } = await import(${JSON.stringify(new URL('../../../src/logger.ts', import.meta.url).href)});
    const logger = createLogger('info', undefined, { format: 'json'${options.maxPendingBytes ? `, maxPendingBytes: ${options.maxPendingBytes}` : ''} });
    const pad = 'x'.repeat(300);
    for (let i = 0; i < 5000; i++) logger.info({ i, pad }, 'line');
    // Shutting down takes a moment: the exit comes while the writer waits to try the full pipe again.
    await new Promise((resolve) => setTimeout(resolve, ${options.stoppedAfterMs ?? 200}));
    logger.info('stopped');
    ${options.awaitWritten ? 'await logsWritten();' : ''}
    process.exit(0);
  `;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  child.stdout.pause();
  const chunks: Buffer[] = [];
  setTimeout(() => {
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.stdout.resume();
  }, 500);
  await new Promise((resolve) => child.on('close', resolve));
  return Buffer.concat(chunks).toString('utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
}
