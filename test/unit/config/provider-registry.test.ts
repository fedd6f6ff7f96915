import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { connectionsFromEnv } from '../../../src/config/connections.ts';
import { EnvSchema, parseEnv } from '../../../src/config/env.ts';
import { getProvider, providers } from '../../../src/providers/registry.ts';
import { PROVIDER_NAMES, type ProviderName } from '../../../src/providers/types.ts';
import { secretsOfEnv } from '../../../src/secrets.ts';

// The registry is the only list of providers: config, connections, the sandbox and the test helpers walk it. These
// checks hold for any provider added to it, so a fifth one is checked the day its line is written.

const ROOT = resolve(import.meta.dirname, '../../..');
const prefixOf = (name: ProviderName) => `${name.toUpperCase()}_`;
const variablesOf = (name: ProviderName) => Object.keys(getProvider(name).envSchema.shape);

/**
 * The hosts the providers document (../shared/providers.md, seeds 000–004): the oracle for `defaultHosts`, and the
 * only other place in the repository these URLs are written.
 */
const DOCUMENTED_HOSTS: Record<ProviderName, Record<string, string>> = {
  trata: { api: 'https://api.trata.ai' },
  overplane: { api: 'https://api.overplane.dev/api/crm' },
  propexo: { production: 'https://api.propexo.com', sandbox: 'https://api.sandbox.propexo.com' },
  powerchord: {
    'us-api': 'https://api.powerchord.com',
    'us-leads': 'https://leads.powerchord.com',
    'eu-api': 'https://api.powerchord.eu',
    'eu-leads': 'https://leads.powerchord.eu',
  },
};

/** Enough of every provider's variables for each to make a real connection. */
const CREDENTIALS: Record<string, string> = {
  TRATA_TOKEN: 'trata-token-value',
  OVERPLANE_TOKEN: 'overplane-token-value',
  PROPEXO_TOKEN: 'propexo-token-value',
  POWERCHORD_TOKEN: 'powerchord-token-value',
  POWERCHORD_TRUNK_ID: 'trunk',
  POWERCHORD_ORGANIZATION_ID: 'org',
};

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Code without its comments (a URL in a comment documents, it configures nothing). `https://` is kept: `//` after `:`. */
const withoutComments = (source: string) => source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[\s;,{}()])\/\/.*$/gm, '$1');

describe('the provider registry is the only list of providers', () => {
  it('has exactly one entry per name in PROVIDER_NAMES, each under its own name', () => {
    expect(Object.keys(providers).sort()).toEqual([...PROVIDER_NAMES].sort());
    for (const name of PROVIDER_NAMES) expect(getProvider(name).name).toBe(name);
  });

  it.each([...PROVIDER_NAMES])('%s exports its env schema, fromEnv, env variables, default hosts and sandbox', (name) => {
    const provider = getProvider(name);
    expect(provider.envSchema).toBeInstanceOf(z.ZodObject);
    expect(provider.fromEnv).toBeTypeOf('function');
    expect(Object.keys(provider.defaultHosts).length).toBeGreaterThan(0);
    expect(provider.sandbox.ports).toBeGreaterThanOrEqual(1);
    expect(provider.sandbox.start).toBeTypeOf('function');
    expect(provider.sandbox.connection).toBeTypeOf('function');
    expect(provider.envVariables).toHaveProperty('token');
    expect(provider.envVariables).toHaveProperty('baseUrl');
  });

  it('refuses a name no provider has, instead of handing out another provider', () => {
    expect(() => getProvider('acme' as ProviderName)).toThrow(/unknown provider "acme"/);
    expect(() => getProvider('toString' as ProviderName)).toThrow(/unknown provider/);
  });

  it('each provider declares only its own variables (<NAME>_*), none twice, and env.ts declares none of them', () => {
    const seen = new Map<string, ProviderName>();
    for (const name of PROVIDER_NAMES) {
      for (const variable of variablesOf(name)) {
        expect(variable.startsWith(prefixOf(name)), `${name} declares ${variable}`).toBe(true);
        expect(seen.get(variable), `${variable} declared twice`).toBeUndefined();
        seen.set(variable, name);
      }
    }
    // Every provider-prefixed variable of the merged schema comes from that provider's piece.
    for (const variable of Object.keys(EnvSchema.shape)) {
      const owner = PROVIDER_NAMES.find((name) => variable.startsWith(prefixOf(name)));
      if (owner) expect(seen.get(variable), `${variable} is declared outside src/providers/${owner}/`).toBe(owner);
    }
    expect([...seen.keys()].every((variable) => variable in EnvSchema.shape)).toBe(true);
  });

  it.each([...PROVIDER_NAMES])('%s: every variable its settings are reported under is one it declares; a budget and a concurrency of its own', (name) => {
    const declared = variablesOf(name);
    for (const variable of Object.values(getProvider(name).envVariables)) expect(declared).toContain(variable);
    // config/connections.ts reads these by name for every provider.
    expect(declared).toEqual(expect.arrayContaining([`${prefixOf(name)}RATE_LIMIT`, `${prefixOf(name)}RATE_WINDOW_MS`, `${prefixOf(name)}PUSH_CONCURRENCY`]));
  });

  it('no credential in the environment: no connection (the sandbox simulates every provider)', () => {
    const env = parseEnv({});
    for (const name of PROVIDER_NAMES) expect(getProvider(name).fromEnv(env), name).toBeNull();
  });

  it('the default hosts are the documented ones, and a connection with no override uses one of them', () => {
    for (const name of PROVIDER_NAMES) expect(getProvider(name).defaultHosts, name).toEqual(DOCUMENTED_HOSTS[name]);
    const connections = connectionsFromEnv(parseEnv(CREDENTIALS));
    expect([...connections.keys()].sort()).toEqual([...PROVIDER_NAMES].sort());
    for (const [name, connection] of connections) expect(Object.values(getProvider(name as ProviderName).defaultHosts), name).toContain(connection.baseUrl);
  });

  it('base URLs are written once in src/: each default host in its provider folder, nowhere else', () => {
    const files = sourceFiles(join(ROOT, 'src')).map((file) => ({ file: relative(ROOT, file), code: withoutComments(readFileSync(file, 'utf8')) }));
    for (const name of PROVIDER_NAMES) {
      for (const url of Object.values(getProvider(name).defaultHosts)) {
        const writers = files.filter(({ code }) => code.includes(`'${url}'`) || code.includes(`"${url}"`) || code.includes(`\`${url}`)).map(({ file }) => file);
        expect(writers, url).toHaveLength(1);
        expect(writers[0], url).toMatch(new RegExp(`^src/providers/${name}/`));
      }
    }
  });

  it('every credential a provider reads from the environment is scrubbed (registered by its variable name)', () => {
    const credentialSettings = /token|password|secret/i;
    const values: Record<string, string> = { ...CREDENTIALS };
    const expected: string[] = [];
    for (const name of PROVIDER_NAMES) {
      for (const [setting, variable] of Object.entries(getProvider(name).envVariables)) {
        if (!credentialSettings.test(setting)) continue;
        values[variable] = `${variable.toLowerCase()}-value`;
        expected.push(values[variable]);
      }
    }
    expect(expected.length).toBeGreaterThanOrEqual(PROVIDER_NAMES.length);
    expect(secretsOfEnv(parseEnv(values))).toEqual(expect.arrayContaining(expected));
  });
});
