import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCheckCommand } from '../../../src/bootstrap/check-command.ts';
import { parseConnectionFile, resolveConnectionFiles } from '../../../src/config/connection-files.ts';
import { checkConnections, configuredConnections } from '../../../src/config/connections.ts';
import { parseEnv } from '../../../src/config/env.ts';
import { FileInvalidError } from '../../../src/errors.ts';
import { parseMapping } from '../../../src/mapping/index.ts';
import { clearSecrets, scrubText } from '../../../src/secrets.ts';
import { parseSyncFile } from '../../../src/sync/definition.ts';

const lines = (...l: string[]) => `${l.join('\n')}\n`;

function issuesOf(text: string, file = 'connections/acme.yaml'): string[] {
  try {
    parseConnectionFile(text, file);
  } catch (error) {
    if (error instanceof FileInvalidError) return error.message.split('\n');
    throw error;
  }
  return [];
}

const EU_BRAND = lines(
  '# yaml-language-server: $schema=./connection.schema.json',
  'name: acme-eu',
  'provider: powerchord',
  'region: eu',
  'credentials:',
  '  clientSecret: { env: ACME_EU_CLIENT_SECRET }',
  'settings:',
  '  clientId: acme-eu-client',
  '  trunkId: trunk-eu',
  '  organizationId: 12345',
  'rateLimit: { limit: 100, window: 30s }',
  'pushConcurrency: 4',
);

afterEach(() => clearSecrets());

describe('connection files', () => {
  it('describe a connection through the provider\'s own settings; secrets stay references until start', async () => {
    const definition = parseConnectionFile(EU_BRAND, 'connections/acme-eu.yaml');
    expect(definition).toMatchObject({ name: 'acme-eu', provider: 'powerchord', pushConcurrency: 4 });
    expect(JSON.stringify(definition)).not.toContain('s3cret');

    const { connections, secrets, issues } = await resolveConnectionFiles(new Map([['acme-eu', definition]]), { ACME_EU_CLIENT_SECRET: 'acme-eu-s3cret-value' }, 5_000);
    expect(issues).toEqual([]);
    expect(secrets).toEqual(['acme-eu-s3cret-value']);
    const connection = connections.get('acme-eu');
    // The region picks the EU hosts (the provider's own defaults); a budget in the provider's terms.
    expect(connection).toMatchObject({
      name: 'acme-eu', provider: 'powerchord', token: '', timeoutMs: 5_000, definedIn: 'connections/acme-eu.yaml', pushConcurrency: 4,
      rateLimit: { limit: 100, windowMs: 30_000 },
      options: { region: 'eu', trunkId: 'trunk-eu', organizationId: '12345', clientId: 'acme-eu-client', clientSecret: 'acme-eu-s3cret-value' },
    });
    expect(new URL(connection!.baseUrl).hostname.endsWith('.eu')).toBe(true);
    expect(() => checkConnections(connections)).not.toThrow();
  });

  it('refuse an inline secret, naming the line and the path but never the value', () => {
    const text = lines('name: acme', 'provider: trata', 'credentials:', '  token: tr-inline-secret-value');
    const issues = issuesOf(text);
    expect(issues).toEqual([expect.stringMatching(/^connections\/acme\.yaml:4: credentials\.token: a reference, \{env: VARIABLE\} or \{file: \/path\}: an inline secret is refused/)]);
    expect(issues.join('\n')).not.toContain('tr-inline-secret-value');
  });

  it('list every problem with its line: unknown keys, name, hosts of another region, settings the provider needs', () => {
    const text = lines(
      'name: acme', //                                        1
      'provider: powerchord', //                              2
      'region: eu', //                                        3
      'hosts:', //                                            4
      '  baseUrl: https://api.powerchord.com', //             5
      'credentials:', //                                      6
      '  token: { env: ACME_TOKEN }', //                      7
      'settings:', //                                         8
      '  organizationId: org', //                             9
      '  colour: blue', //                                    10
    );
    expect(issuesOf(text, 'connections/other.yaml')).toEqual([
      'connections/other.yaml:10: settings.colour: unknown key "colour"',
    ]);
    const fixed = text.replace('  colour: blue\n', '');
    expect(issuesOf(fixed, 'connections/other.yaml')).toEqual([
      'connections/other.yaml:1: name: must match the file name ("other")',
      expect.stringMatching(/^connections\/other\.yaml:5: hosts\.baseUrl: api\.powerchord\.com is a US PowerChord host, but this connection's region is eu \(region\)/),
      expect.stringMatching(/^connections\/other\.yaml:9: settings\.trunkId: required for a PowerChord connection/),
    ]);
  });

  it('refuse an unknown provider, two ways to authenticate, and no credential at all', () => {
    expect(issuesOf(lines('name: acme', 'provider: acme-crm'))).toEqual([expect.stringMatching(/^connections\/acme\.yaml:2: provider: unknown provider \(known: trata, overplane, propexo, powerchord\)/)]);
    const both = lines('name: acme', 'provider: powerchord', 'credentials:', '  token: { env: A }', '  password: { env: B }', 'settings: { email: ops@acme.example, trunkId: t, organizationId: o }');
    expect(issuesOf(both)).toEqual([expect.stringMatching(/:4: credentials\.token: credentials\.token, settings\.email\/PASSWORD: set one way for PowerChord to authenticate, not several/)]);
    expect(issuesOf(lines('name: acme', 'provider: trata'))).toEqual([expect.stringMatching(/:1: credentials: names no credential: a connection needs one \(credentials\.token\)/)]);
  });

  it('read secrets from the environment or a file at start; an unset variable or an empty file names where, not what', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'conn-secrets-'));
    await writeFile(join(dir, 'token'), 'file-token-value-123\n');
    await writeFile(join(dir, 'empty'), '\n');
    const of = (name: string, ref: string) => parseConnectionFile(lines(`name: ${name}`, 'provider: trata', `credentials: { token: ${ref} }`), `connections/${name}.yaml`);
    const definitions = new Map([
      ['from-file', of('from-file', `{ file: ${join(dir, 'token')} }`)],
      ['empty-file', of('empty-file', `{ file: ${join(dir, 'empty')} }`)],
      ['unset', of('unset', '{ env: NOT_SET_ANYWHERE }')],
    ]);
    const { connections, issues } = await resolveConnectionFiles(definitions, {}, 5_000);
    expect(connections.get('from-file')?.token).toBe('file-token-value-123');
    expect(issues.map((i) => `${i.file}: ${i.path}: ${i.message}`)).toEqual([
      `connections/empty-file.yaml: credentials.token: file ${join(dir, 'empty')} is empty`,
      'connections/unset.yaml: credentials.token: environment variable NOT_SET_ANYWHERE is not set',
    ]);
  });

  it('join the environment\'s connections; secrets are scrubbed from then on; a name defined twice stops the start', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'conn-dir-'));
    await writeFile(join(dir, 'acme.yaml'), lines('name: acme', 'provider: trata', 'credentials: { token: { env: ACME_TRATA } }'));
    const env = parseEnv({ CONNECTIONS_DIR: dir, TRATA_TOKEN: 'env-trata-token' });
    const connections = await configuredConnections(env, { ACME_TRATA: 'acme-trata-token-value' });
    expect([...connections.keys()].sort()).toEqual(['acme', 'trata']);
    expect(connections.get('trata')?.definedIn).toBe('environment');
    expect(scrubText('Authorization: Bearer acme-trata-token-value')).toBe('Authorization: Bearer [redacted]');

    await writeFile(join(dir, 'trata.yaml'), lines('name: trata', 'provider: trata', 'credentials: { token: { env: ACME_TRATA } }'));
    await expect(configuredConnections(env, { ACME_TRATA: 'acme-trata-token-value' })).rejects.toThrow(/trata\.yaml: name: the environment defines a connection "trata" too \(TRATA_TOKEN\)/);
  });

  it('are what job files name; a connection of another provider or an unknown one is a job file issue', () => {
    const mappings = new Map([['trata-to-powerchord', parseMapping(lines('source: trata', 'target: powerchord', 'fields:', '  ExternalID: { from: id }'), 'mappings/trata-to-powerchord.yaml')]]);
    const known = new Map([['acme-eu', { provider: 'powerchord', file: 'connections/acme-eu.yaml' }], ['acme', { provider: 'trata', file: 'connections/acme.yaml' }]]);
    const job = (source: string, target: string) =>
      lines('name: j', `source: { provider: trata, connection: ${source} }`, 'targets:', `  - { provider: powerchord, connection: ${target}, mapping: trata-to-powerchord }`);
    expect(parseSyncFile(job('acme', 'acme-eu'), 'jobs/j.yaml', mappings, known)).toMatchObject({ source: { connection: 'acme' }, targets: [{ connection: 'acme-eu' }] });
    // The provider's own name is the environment's connection, as before connection files.
    expect(parseSyncFile(job('trata', 'powerchord'), 'jobs/j.yaml', mappings, known).source.connection).toBe('trata');
    let message = '';
    try {
      parseSyncFile(job('acme-eu', 'nope'), 'jobs/j.yaml', mappings, known);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message.split('\n')).toEqual([
      'jobs/j.yaml:2: source.connection: connection "acme-eu" is a powerchord connection (connections/acme-eu.yaml), but this side is trata',
      'jobs/j.yaml:4: targets[0].connection: no connection named "nope" (connection files: acme-eu, acme; or "powerchord", the environment\'s powerchord connection)',
    ]);
  });

  it('are checked by `crm-bridge check` with jobs and mappings', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'conn-check-'));
    await writeFile(join(dir, 'good.yaml'), EU_BRAND.replace('acme-eu', 'good'));
    const out: string[] = [];
    expect(await runCheckCommand({ mappingsDir: 'mappings', jobsDir: 'jobs', connectionsDir: dir, out: (l) => out.push(l) })).toBe(0);
    expect(out.at(-1)).toMatch(/^ok: \d+ mappings, \d+ jobs and 1 connection checked$/);
    await writeFile(join(dir, 'bad.yaml'), lines('name: bad', 'provider: trata', 'credentials: { token: inline-secret-here }'));
    out.length = 0;
    expect(await runCheckCommand({ mappingsDir: 'mappings', jobsDir: 'jobs', connectionsDir: dir, out: (l) => out.push(l) })).toBe(1);
    expect(out[0]).toMatch(/bad\.yaml:3: credentials\.token: a reference/);
  });

  it('the shipped examples name the schema on their first line and are valid', async () => {
    for (const name of ['acme-eu', 'acme-trata']) {
      const example = await readFile(`connections/examples/${name}.yaml`, 'utf8');
      expect(example.split('\n')[0]).toBe('# yaml-language-server: $schema=../connection.schema.json');
      expect(() => parseConnectionFile(example, `connections/examples/${name}.yaml`)).not.toThrow();
    }
  });
});
