import { spawn } from 'node:child_process';
import got from 'got';
import { describe, expect, it } from 'vitest';
import { exitOf, until } from '../../helpers/worker-process.ts';

describe('crm-bridge simulate', () => {
  it('serves a seeded simulator and prints its base URL and token', async () => {
    const child = spawn(process.execPath, ['src/cli.ts', 'simulate', 'trata', '--records', '5'], { env: { PATH: process.env['PATH'] }, stdio: ['ignore', 'pipe', 'inherit'] });
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    try {
      await until(() => /token: \S+/.test(output), 20_000, 'the simulator to start');
      const [, url, token] = /^trata\s+(\S+)\s+token: (\S+)$/m.exec(output) ?? [];
      const prospects = await got(`${url}/v1/prospects`, { headers: { authorization: `Bearer ${token}` } }).json<unknown[]>();
      expect(prospects).toHaveLength(5);
      expect((await got(`${url}/v1/prospects`, { throwHttpErrors: false })).statusCode).toBe(401);
    } finally {
      child.kill('SIGTERM');
      expect((await exitOf(child)).code).toBe(0);
    }
  });
});
