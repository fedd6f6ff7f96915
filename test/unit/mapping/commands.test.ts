import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCheckCommand } from '../../../src/bootstrap/check-command.ts';
import { runPreviewCommand } from '../../../src/mapping/index.ts';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { readStdin: async () => '', out: (s: string) => out.push(s), err: (s: string) => err.push(s) } };
}

describe('crm-bridge check', () => {
  it('exits 0 on the shipped mappings', async () => {
    const lines: string[] = [];
    expect(await runCheckCommand({ mappingsDir: 'mappings', jobsDir: 'jobs', out: (l) => lines.push(l) })).toBe(0);
    expect(lines.at(-1)).toMatch(/^ok: \d+ mappings and \d+ jobs checked$/);
  });

  it('exits 1 with every issue of every mapping and job file', async () => {
    const mappingsDir = await mkdtemp(join(tmpdir(), 'mappings-'));
    const jobsDir = await mkdtemp(join(tmpdir(), 'jobs-'));
    await writeFile(join(mappingsDir, 'a.yaml'), 'source: trata\ntarget: powerchord\nfields:\n  ExternalID:\n    from: idd\n');
    await writeFile(join(mappingsDir, 'b.yaml'), 'source: trata\ntarget: trata\nfields: {}\n');
    await writeFile(join(jobsDir, 'x.yaml'), 'name: x\nsource: { provider: trata }\ntargets: [{ provider: powerchord, mapping: a }]\nschedule: { cron: "never" }\n');
    const lines: string[] = [];
    expect(await runCheckCommand({ mappingsDir, jobsDir, out: (l) => lines.push(l) })).toBe(1);
    expect(lines).toEqual([
      expect.stringMatching(/a\.yaml:5: fields\.ExternalID\.from: source field "idd" is not in trata's record schema/),
      `${join(mappingsDir, 'b.yaml')}:3: fields: trata requires "status", which no field maps`,
      expect.stringMatching(/x\.yaml:3: targets\[0\]\.mapping: no mapping named "a"/),
      expect.stringMatching(/x\.yaml:4: schedule\.cron: not a valid cron expression/),
      '4 issues found',
    ]);
  });
});

describe('crm-bridge preview', () => {
  it('prints the body for a Trata NEW record: Status open (record on stdin)', async () => {
    const c = capture();
    c.io.readStdin = async () => JSON.stringify({ id: 'pro.1', status: 'NEW', name: 'Ada', email: 'ADA@example.com' });
    expect(await runPreviewCommand(['mappings/trata-to-powerchord.yaml', '-'], c.io)).toBe(0);
    expect(JSON.parse(c.out.join('\n'))).toEqual({ ExternalID: 'pro.1', Status: 'open', Content: { name: 'Ada', email: 'ada@example.com' } });
    expect(c.err).toEqual([]);
  });

  it('--explain adds each field\'s lineage on stderr, keeping stdout pure JSON', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'preview-'));
    const file = join(dir, 'r.json');
    await writeFile(file, JSON.stringify({ id: 'pro.1', status: 'GENERAL_ENQUIRY', phoneNumber: '415 555 0123' }));
    const previous = join(dir, 'p.json');
    await writeFile(previous, JSON.stringify({ Status: 'closedWon' }));
    const c = capture();
    expect(await runPreviewCommand(['mappings/trata-to-powerchord.yaml', file, '--explain', '--previous', previous], c.io)).toBe(0);
    expect(JSON.parse(c.out.join('\n'))).toMatchObject({ Status: 'closedWon' });
    expect(c.err).toEqual([
      'lineage:',
      '  ExternalID: from id',
      '  Status: from status; status GENERAL_ENQUIRY → contacted, kept closedWon (ranked: never moves backwards)',
      '  Content.name: from name; empty: left out',
      '  Content.email: from email; empty: left out',
      '  Content.phone: from phoneNumber; via phone: {"defaultCountry":"US","invalid":"keep"}',
    ]);
  });

  it('exits 1 with the record errors', async () => {
    const c = capture();
    c.io.readStdin = async () => JSON.stringify({ id: 'pro.1', status: 'ARCHIVED' });
    expect(await runPreviewCommand(['mappings/trata-to-powerchord.yaml', '-'], c.io)).toBe(1);
    expect(c.out).toEqual([]);
    expect(c.err).toEqual(['Status: no status mapping for "ARCHIVED" (value: "ARCHIVED")']);
  });

  it('exits 2 on bad usage or input', async () => {
    const c = capture();
    expect(await runPreviewCommand(['mappings/trata-to-powerchord.yaml'], c.io)).toBe(2);
    c.io.readStdin = async () => '[1]';
    expect(await runPreviewCommand(['mappings/trata-to-powerchord.yaml', '-'], c.io)).toBe(2);
    expect(c.err.at(-1)).toBe('cannot read the input: the record must be a JSON object');
  });
});
