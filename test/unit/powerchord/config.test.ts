import { describe, expect, it } from 'vitest';
import { connectionsFromEnv } from '../../../src/config/connections.ts';
import { parseEnv } from '../../../src/config/env.ts';
import { ConfigError } from '../../../src/errors.ts';
import { PowerChordConnector, hostProblem, hostRegion } from '../../../src/providers/powerchord/index.ts';

const BASE = { POWERCHORD_TRUNK_ID: 'trunk', POWERCHORD_ORGANIZATION_ID: 'org' };

function configError(source: Record<string, string>): ConfigError {
  try {
    connectionsFromEnv(parseEnv(source));
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('PowerChord hosts and region', () => {
  it('reads the region from the documented domains; loopback is a simulator', () => {
    expect(hostRegion('https://api.powerchord.com')).toBe('us');
    expect(hostRegion('https://leads.powerchord.eu/v1')).toBe('eu');
    expect(hostRegion('http://127.0.0.1:4100')).toBe('loopback');
    expect(hostRegion('http://localhost:4100')).toBe('loopback');
    expect(hostRegion('https://powerchord.eu.example.com')).toBeNull();
    expect(hostProblem('X', 'https://api.powerchord.eu', 'eu')).toBeNull();
  });

  it('refuses at config time an EU connection pointed at a US host, naming the variable', () => {
    const error = configError({ ...BASE, POWERCHORD_TOKEN: 't', POWERCHORD_REGION: 'eu', POWERCHORD_LEADS_BASE_URL: 'https://leads.powerchord.com' });
    expect(error.issues).toEqual([expect.stringMatching(/^POWERCHORD_LEADS_BASE_URL: leads\.powerchord\.com is a US PowerChord host, .*EU connection must never reach a US host/)]);
    const api = configError({ ...BASE, POWERCHORD_TOKEN: 't', POWERCHORD_REGION: 'eu', POWERCHORD_BASE_URL: 'https://api.powerchord.com' });
    expect(api.issues[0]).toMatch(/^POWERCHORD_BASE_URL: /);
    const stranger = configError({ ...BASE, POWERCHORD_TOKEN: 't', POWERCHORD_BASE_URL: 'https://user:pw@proxy.example.com/pc' });
    expect(stranger.issues[0]).toBe('POWERCHORD_BASE_URL: proxy.example.com is neither a PowerChord US host (*.powerchord.com) nor a loopback simulator');
  });

  it('the connector refuses a hand-made connection that crosses regions', () => {
    expect(
      () => new PowerChordConnector({ name: 'pc', provider: 'powerchord', baseUrl: 'https://api.powerchord.com', token: 't', timeoutMs: 1_000, options: { region: 'eu', trunkId: 'a', organizationId: 'b' } }),
    ).toThrow(/connection pc baseUrl: api\.powerchord\.com is a US PowerChord host/);
  });
});

describe('PowerChord credentials from the environment', () => {
  it('makes a connection from a service account login, with no static token and the EU hosts', () => {
    const connection = connectionsFromEnv(parseEnv({ ...BASE, POWERCHORD_REGION: 'eu', POWERCHORD_EMAIL: 'svc@example.com', POWERCHORD_PASSWORD: 'pw' })).get('powerchord');
    expect(connection).toMatchObject({ baseUrl: 'https://api.powerchord.eu', token: '', options: { region: 'eu', email: 'svc@example.com', password: 'pw' } });
    const client = connectionsFromEnv(parseEnv({ ...BASE, POWERCHORD_CLIENT_ID: 'id', POWERCHORD_CLIENT_SECRET: 'secret', POWERCHORD_TYPE_KEY: 'quote', POWERCHORD_TYPE_LABEL: 'Quote' })).get('powerchord');
    expect(client).toMatchObject({ baseUrl: 'https://api.powerchord.com', options: { clientId: 'id', clientSecret: 'secret', typeKey: 'quote', typeLabel: 'Quote' } });
  });

  it('refuses half a credential, two ways at once, or no trunk, naming variables and never values', () => {
    const half = configError({ ...BASE, POWERCHORD_EMAIL: 'svc@example.com' });
    expect(half.issues).toEqual(['POWERCHORD_PASSWORD: required together with POWERCHORD_EMAIL']);
    const both = configError({ ...BASE, POWERCHORD_TOKEN: 's3cret-token', POWERCHORD_EMAIL: 'svc@example.com', POWERCHORD_PASSWORD: 's3cret-pw' });
    expect(both.issues).toEqual(['POWERCHORD_TOKEN, POWERCHORD_EMAIL/PASSWORD: set one way for PowerChord to authenticate, not several']);
    expect(both.message).not.toMatch(/s3cret|svc@/);
    const noTrunk = configError({ POWERCHORD_ORGANIZATION_ID: 'org', POWERCHORD_CLIENT_ID: 'id', POWERCHORD_CLIENT_SECRET: 'secret' });
    expect(noTrunk.issues).toEqual([expect.stringMatching(/^POWERCHORD_TRUNK_ID: required/)]);
  });

  it('without any credential there is no connection (the sandbox simulates PowerChord)', () => {
    expect(connectionsFromEnv(parseEnv({ ...BASE, POWERCHORD_BASE_URL: 'https://api.powerchord.com' })).has('powerchord')).toBe(false);
  });
});
