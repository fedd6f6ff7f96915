import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand, statusCommand, type CliIo } from '../../../src/api/cli-commands.ts';
import { TOKEN, startHarness, type Harness } from './harness.ts';

let h: Harness;
let url: string;
beforeAll(async () => {
  h = await startHarness({ workers: true, seed: 5 });
  url = await h.app.listen({ host: '127.0.0.1', port: 0 });
});
afterAll(() => h?.close());

function io(token: string | null = TOKEN) {
  const out: string[] = [];
  const errText: string[] = [];
  const err = new PassThrough() as unknown as NodeJS.WriteStream;
  (err as unknown as PassThrough).on('data', (c: Buffer) => errText.push(c.toString()));
  const value: CliIo = { out: (s) => void out.push(s), err, api: { url, token: token ?? undefined }, pollMs: 50 };
  return { value, out, errText };
}

describe('crm-bridge run / status (HTTP clients of the API)', () => {
  it('run --wait follows the run to SUCCESS, prints the summary and exits 0; status prints the job', async () => {
    const cli = io();
    expect(await runCommand(['trata-to-powerchord', '--full', '--wait'], cli.value)).toBe(0);
    const summary = JSON.parse(cli.out.join(''));
    expect(summary).toMatchObject({ status: 'SUCCESS', counts: { pulled: 5, pushed: 5 } });
    expect(cli.errText.join('')).toMatch(/pulled 5 {2}pushed 5/);

    const status = io();
    expect(await statusCommand([summary.job_id], status.value)).toBe(0);
    expect(JSON.parse(status.out.join(''))).toMatchObject({ job_id: summary.job_id, status: 'SUCCESS' });
  });

  it('run without --wait prints the job id; errors exit non-zero with the API message', async () => {
    const cli = io();
    expect(await runCommand(['trata-to-powerchord'], cli.value)).toBe(0);
    expect(JSON.parse(cli.out.join('')).job_id).toMatch(/^run-/);
    const unknown = io();
    expect(await runCommand(['no-such-sync', '--wait'], unknown.value)).toBe(1);
    expect(unknown.errText.join('')).toContain('404 NOT_FOUND');
    const badToken = io('wrong');
    expect(await statusCommand(['run-x'], badToken.value)).toBe(1);
    expect(badToken.errText.join('')).toContain('401');
    expect(await statusCommand(['run-x'], io(null).value)).toBe(2);
  });
});
