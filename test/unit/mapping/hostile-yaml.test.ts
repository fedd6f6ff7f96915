/**
 * Hostile or careless YAML in a declarative file (mapping, job, connection): a clear issue naming the file and the
 * line, never a crash, a stack trace, a runaway parse or a value silently dropped.
 */
import { copyFile, mkdir, mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { head, issuesOf } from './issues-of.ts';
import { runCheckCommand } from '../../../src/bootstrap/check-command.ts';
import { parseConnectionFile, resolveConnectionFiles } from '../../../src/config/connection-files.ts';
import { formatFileIssue } from '../../../src/errors.ts';
import { loadMappingsDir } from '../../../src/mapping/index.ts';


describe('hostile YAML in a mapping file', () => {
  it('deep flow nesting is refused at once, in bounded time and memory, naming the line', () => {
    const started = performance.now();
    const issues = issuesOf(`${head}  ExternalID:\n    const: ${'['.repeat(1_000_000)}\n`);
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(issues).toEqual(['mappings/x.yaml:5: (root): YAML: nested more than 64 levels deep']);
  });

  it('a huge file is refused before parsing, in bounded time and memory, naming the line', () => {
    const started = performance.now();
    const issues = issuesOf(`${head}  ExternalID:\n    const: [${'1,'.repeat(2_000_000)}1]\n`);
    expect(performance.now() - started).toBeLessThan(3_000);
    expect(issues).toEqual(['mappings/x.yaml:5: (root): YAML: too large: more than 1000000 YAML tokens']);
  });

  it('a parser stack overflow on deep block nesting reads as nesting, not as a JavaScript error', () => {
    expect(issuesOf('- '.repeat(100_000) + 'x\n')).toEqual(['mappings/x.yaml:1: (root): YAML: nested too deeply']);
  });

  it('a tag the YAML core schema does not know is an issue, not a silently accepted string', () => {
    expect(issuesOf(`${head}  ExternalID:\n    const: !!js/function "function () {}"\n  Content.x:\n    from: !env id\n`)).toEqual([
      'mappings/x.yaml:5: (root): YAML: Unresolved tag: tag:yaml.org,2002:js/function',
      'mappings/x.yaml:7: (root): YAML: Unresolved tag: !env',
    ]);
  });

  it('a key that is a list or a map is an issue (it would be silently turned into text)', () => {
    expect(issuesOf(`${head}  Status:\n    from: status\n    statusMap:\n      table:\n        ? [NEW, GENERAL_ENQUIRY]\n        : open\n`)).toEqual([
      'mappings/x.yaml:8: (root): YAML: a key must be text or a number, not a list or a map',
    ]);
  });

  it('an alias as a key is an issue (an alias of a map became the text "*m"; of a text, it escaped the duplicate check)', () => {
    expect(issuesOf(`${head}  ExternalID: &k\n    from: id\n  ? *k\n  : from: id\n`)).toEqual(['mappings/x.yaml:6: (root): YAML: a key cannot be an alias (*name)']);
  });

  it('a __proto__ key is an issue: the row would be silently dropped', () => {
    expect(issuesOf(`${head}  ExternalID:\n    from: id\n  Status:\n    from: status\n    statusMap:\n      table:\n        __proto__: closedWon\n      default: open\n`)).toEqual([
      'mappings/x.yaml:10: (root): YAML: "__proto__" cannot be a key',
    ]);
  });
});

describe('`crm-bridge check` on unreadable entries', () => {
  it('a directory named like a connection or job file, a file where a folder is expected: issues, not a crash', async () => {
    const root = await mkdtemp(join(tmpdir(), 'hostile-check-'));
    await mkdir(join(root, 'connections', 'folder.yaml'), { recursive: true });
    const out: string[] = [];
    expect(await runCheckCommand({ mappingsDir: 'mappings', jobsDir: 'jobs', connectionsDir: join(root, 'connections'), out: (l) => out.push(l) })).toBe(1);
    expect(out).toEqual([`${join(root, 'connections', 'folder.yaml')}: (root): cannot read the file (EISDIR)`, '1 issue found']);

    await writeFile(join(root, 'not-a-folder'), 'x');
    out.length = 0;
    expect(await runCheckCommand({ mappingsDir: 'mappings', jobsDir: 'jobs', connectionsDir: join(root, 'not-a-folder'), out: (l) => out.push(l) })).toBe(1);
    expect(out).toEqual([`${join(root, 'not-a-folder')}: (root): cannot read the connections folder (ENOTDIR)`, '1 issue found']);

    await mkdir(join(root, 'jobs', 'folder.yaml'), { recursive: true });
    out.length = 0;
    expect(await runCheckCommand({ mappingsDir: 'mappings', jobsDir: join(root, 'jobs'), out: (l) => out.push(l) })).toBe(1);
    expect(out).toEqual([`${join(root, 'jobs')}: (root): cannot read the jobs folder (EISDIR)`, '1 issue found']);

    out.length = 0;
    expect(await runCheckCommand({ mappingsDir: 'mappings', jobsDir: join(root, 'missing'), out: (l) => out.push(l) })).toBe(1);
    expect(out).toEqual([`${join(root, 'missing')}: (root): cannot read the jobs folder (ENOENT)`, '1 issue found']);
  });
});

describe('two files of one name (x.yaml and x.yml)', () => {
  it('is an issue naming both, not one silently replacing the other', async () => {
    const root = await mkdtemp(join(tmpdir(), 'hostile-names-'));
    await mkdir(join(root, 'mappings'));
    await copyFile('mappings/trata-to-powerchord.yaml', join(root, 'mappings', 'trata-to-powerchord.yaml'));
    await copyFile('mappings/trata-to-powerchord.yaml', join(root, 'mappings', 'trata-to-powerchord.yml'));
    const { mappings, issues } = await loadMappingsDir(join(root, 'mappings'));
    expect(issues.map(formatFileIssue)).toEqual([
      `${join(root, 'mappings', 'trata-to-powerchord.yml')}: (root): mapping "trata-to-powerchord" is also defined by ${join(root, 'mappings', 'trata-to-powerchord.yaml')}: keep one`,
    ]);
    expect(mappings.size).toBe(1);

    await mkdir(join(root, 'connections'));
    const acme = 'name: acme\nprovider: trata\ncredentials:\n  token: { env: ACME_TOKEN }\n';
    await writeFile(join(root, 'connections', 'acme.yaml'), acme);
    await writeFile(join(root, 'connections', 'acme.yml'), acme);
    const out: string[] = [];
    expect(await runCheckCommand({ mappingsDir: 'mappings', jobsDir: 'jobs', connectionsDir: join(root, 'connections'), out: (l) => out.push(l) })).toBe(1);
    expect(out).toEqual([`${join(root, 'connections', 'acme.yml')}: (root): connection "acme" is also defined by ${join(root, 'connections', 'acme.yaml')}: keep one`, '1 issue found']);
  });
});

describe('a connection file\'s secret reference', () => {
  it('naming an Object.prototype member (constructor, toString, __proto__) is an unset variable, not a TypeError at start', async () => {
    for (const name of ['constructor', 'toString', '__proto__']) {
      const definition = parseConnectionFile(`name: acme\nprovider: trata\ncredentials:\n  token: { env: ${name} }\n`, 'connections/acme.yaml');
      const { issues } = await resolveConnectionFiles(new Map([[definition.name, definition]]), process.env, 1_000);
      expect(issues.map(formatFileIssue)).toEqual([`connections/acme.yaml: credentials.token: environment variable ${name} is not set`]);
    }
  });
});
