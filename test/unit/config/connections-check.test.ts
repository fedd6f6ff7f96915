import { describe, expect, it } from 'vitest';
import { CONNECTION_ENV, checkConnections, connectionsFromEnv } from '../../../src/config/connections.ts';
import { parseEnv } from '../../../src/config/env.ts';
import { ConfigError } from '../../../src/errors.ts';
import { POWERCHORD_HOSTS } from '../../../src/providers/powerchord/index.ts';
import type { ConnectionConfig } from '../../../src/providers/types.ts';
import { ConnectorPool } from '../../../src/sync/connectors.ts';

const powerchord = (options: Record<string, string>): ConnectionConfig => ({
  name: 'powerchord',
  provider: 'powerchord',
  baseUrl: POWERCHORD_HOSTS.us.api,
  token: 's3cret-token',
  timeoutMs: 1_000,
  options,
});

function refusal(connections: Map<string, ConnectionConfig>): ConfigError {
  try {
    checkConnections(connections);
  } catch (error) {
    return error as ConfigError;
  }
  throw new Error('checkConnections accepted a broken connection');
}

describe('connections are built and checked at start', () => {
  it('a connection the provider refuses is reported by its environment variable, never by its value', () => {
    const error = refusal(new Map([['powerchord', powerchord({ region: 'us', organizationId: 'org-1' })]]));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.issues).toEqual(['POWERCHORD_TRUNK_ID: required by the powerchord connection (POWERCHORD_TOKEN is set)']);
    expect(error.message).not.toContain('s3cret');
  });

  it('accepts complete connections, and the pool builds every one up front (not in a job)', () => {
    const ok = new Map([['powerchord', powerchord({ region: 'us', trunkId: 't', organizationId: 'o' })]]);
    expect(() => checkConnections(ok)).not.toThrow();
    expect(() => new ConnectorPool(new Map([['powerchord', powerchord({ region: 'us' })]]))).toThrow();
  });

  it('knows the variable behind every setting the environment can give a connection', () => {
    const env = parseEnv({
      TRATA_TOKEN: 't',
      OVERPLANE_TOKEN: 'o',
      PROPEXO_TOKEN: 'p',
      PROPEXO_INTEGRATION_ID: 'i',
      PROPEXO_LEASE_ID: 'l',
      POWERCHORD_TOKEN: 'c',
      POWERCHORD_TRUNK_ID: 'trunk',
      POWERCHORD_ORGANIZATION_ID: 'org',
      POWERCHORD_LEADS_BASE_URL: POWERCHORD_HOSTS.us.leads,
    });
    for (const connection of connectionsFromEnv(env).values()) {
      for (const setting of Object.keys(connection.options)) expect(CONNECTION_ENV[connection.provider], `${connection.provider}.${setting}`).toHaveProperty(setting);
    }
  });
});
