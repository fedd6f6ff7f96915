import { spawnSync } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { SAMPLE_PROVIDERS, runSampleCommand } from '../../../src/bootstrap/sample-command.ts';
import { runPreviewCommand } from '../../../src/mapping/index.ts';
import { loadMappingFile } from '../../../src/mapping/load.ts';

async function sample(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runSampleCommand(args, { out: (s) => void out.push(s), err: (s) => void err.push(s) });
  return { code, out: out.join(''), err: err.join('') };
}

describe('crm-bridge sample <provider>', () => {
  it('prints a record each shipped mapping from that provider maps without errors (sample | preview, in process)', async () => {
    expect(SAMPLE_PROVIDERS).toEqual(['trata', 'overplane', 'propexo']);
    const records = new Map<string, string>();
    for (const provider of SAMPLE_PROVIDERS) {
      const result = await sample([provider]);
      expect(result, provider).toMatchObject({ code: 0, err: '' });
      expect(JSON.parse(result.out)).toMatchObject({ id: expect.any(String) });
      records.set(provider, result.out);
    }
    for (const file of (await readdir('mappings')).filter((f) => f.endsWith('.yaml'))) {
      const path = `mappings/${file}`;
      const { source } = await loadMappingFile(path);
      const err: string[] = [];
      const out: string[] = [];
      const code = await runPreviewCommand([path, '-'], { readStdin: async () => records.get(source) ?? '', out: (s) => void out.push(s), err: (s) => void err.push(s) });
      expect({ path, code, err }).toEqual({ path, code: 0, err: [] });
      expect(Object.keys(JSON.parse(out.join(''))).length, path).toBeGreaterThan(0);
    }
  });

  it('sample trata | preview: the shipped mapping maps it (two processes, one pipe)', { timeout: 45_000 }, () => {
    const cli = `"${process.execPath}" src/cli.ts`;
    const piped = spawnSync('sh', ['-c', `${cli} sample trata | ${cli} preview mappings/trata-to-powerchord.yaml -`], { env: { PATH: process.env['PATH'] }, encoding: 'utf8', timeout: 40_000 });
    expect(piped.status, piped.stderr).toBe(0);
    expect(piped.stderr).toBe('');
    expect(JSON.parse(piped.stdout)).toMatchObject({ Status: 'open' });
  });

  it('an unknown or write-only provider: one line and the usage, exit 2', async () => {
    for (const [args, line] of [
      [['nope'], 'crm-bridge sample: unknown provider "nope" (one of trata, overplane, propexo)'],
      [['powerchord'], 'crm-bridge sample: powerchord is write-only: no record is ever read from it (one of trata, overplane, propexo)'],
      [[], 'crm-bridge sample: which provider?'],
    ] as const) {
      const result = await sample([...args]);
      expect(result.code).toBe(2);
      expect(result.out).toBe('');
      expect(result.err.split('\n').slice(0, 2)).toEqual([line, 'usage: crm-bridge sample <provider>']);
    }
  });
});
