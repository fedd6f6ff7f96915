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
});
