import { describe, expect, it } from 'vitest';
import { FileInvalidError } from '../../../src/errors.ts';
import { parseMapping } from '../../../src/mapping/index.ts';
import { loadSyncsDir, parseSyncFile } from '../../../src/sync/definition.ts';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const mappings = new Map([['trata-to-powerchord', parseMapping(readFileSync('mappings/trata-to-powerchord.yaml', 'utf8'), 'mappings/trata-to-powerchord.yaml')]]);

function issuesOf(text: string, file = 'jobs/demo.yaml'): string[] {
  try {
    parseSyncFile(text, file, mappings);
  } catch (error) {
    if (error instanceof FileInvalidError) return error.message.split('\n');
    throw error;
  }
  return [];
}

describe('job files', () => {
  it('loads the shipped trata-to-powerchord sync', () => {
    const sync = parseSyncFile(readFileSync('jobs/trata-to-powerchord.yaml', 'utf8'), 'jobs/trata-to-powerchord.yaml', mappings);
    expect(sync).toMatchObject({ name: 'trata-to-powerchord', enabled: true, schedule: { every: 300_000 }, lookbackMs: 60_000 });
    expect(sync.source).toEqual({ provider: 'trata', connection: 'trata' });
    expect(sync.targets).toEqual([expect.objectContaining({ key: '0', provider: 'powerchord', connection: 'powerchord', mode: 'upsert' })]);
  });

  it('names the file, the line and the path of every problem at once', () => {
    const text = [
      'name: demo', //                                1
      'source:', //                                   2
      '  provider: powerchord', //                    3
      'targets:', //                                  4
      '  - provider: trata', //                       5
      '    mapping: trata-to-powerchord', //          6
      '    colour: blue', //                          7
      'schedule:', //                                 8
      '  every: soon', //                             9
    ].join('\n');
    expect(issuesOf(text)).toEqual([
      'jobs/demo.yaml:7: targets[0].colour: unknown key "colour"',
      'jobs/demo.yaml:9: schedule.every: a duration like "90s", "5m" or "1h"',
    ]);
  });

  it('cross-checks providers, mappings and capabilities', () => {
    const text = ['name: demo', 'source: { provider: powerchord }', 'targets:', '  - { provider: trata, mapping: trata-to-powerchord }', '  - { provider: trata, mapping: nope }', 'schedule: { cron: "not cron" }'].join('\n');
    expect(issuesOf(text)).toEqual([
      'jobs/demo.yaml:2: source.provider: powerchord cannot be a source: it offers no way to list records',
      'jobs/demo.yaml:4: targets[0].mapping: mapping "trata-to-powerchord" reads from trata, but this sync\'s source is powerchord',
      'jobs/demo.yaml:4: targets[0].mapping: mapping "trata-to-powerchord" writes to powerchord, but this target is trata',
      'jobs/demo.yaml:5: targets[1].mapping: no mapping named "nope" in mappings/ (known: trata-to-powerchord)',
      expect.stringMatching(/^jobs\/demo.yaml:6: schedule.cron: not a valid cron expression in time zone UTC/),
    ]);
  });

  it('requires the name to match the file', () => {
    expect(issuesOf('name: other\nsource: { provider: trata }\ntargets: [{ provider: powerchord, mapping: trata-to-powerchord }]')).toEqual([
      'jobs/demo.yaml:1: name: must match the file name ("demo")',
    ]);
  });
  it('refuses one sync defined twice (x.yaml beside x.yml, or two files with one name): an issue naming both files', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'jobs-'));
    copyFileSync('jobs/trata-to-powerchord.yaml', join(dir, 'trata-to-powerchord.yaml'));
    copyFileSync('jobs/trata-to-powerchord.yaml', join(dir, 'trata-to-powerchord.yml'));
    const { syncs, issues } = await loadSyncsDir(dir, mappings);
    expect([...syncs.keys()]).toEqual(['trata-to-powerchord']);
    expect(issues).toEqual([{ file: join(dir, 'trata-to-powerchord.yml'), line: null, path: 'name', message: `sync "trata-to-powerchord" is also defined by ${join(dir, 'trata-to-powerchord.yaml')}: keep one` }]);
  });
});
