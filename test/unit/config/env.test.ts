import { describe, expect, it } from 'vitest';
import { connectionsFromEnv, pushConcurrencyOf } from '../../../src/config/connections.ts';
import { parseEnv } from '../../../src/config/env.ts';
import { ConfigError } from '../../../src/errors.ts';
import { providers } from '../../../src/providers/registry.ts';

describe('environment', () => {
  it('has a working default for everything a sandbox needs', () => {
    const env = parseEnv({});
    expect(env).toMatchObject({ LOG_LEVEL: 'info', PORT: 3000, QUEUE_PREFIX: '{crm-bridge}', PROPEXO_RATE_LIMIT: 150, API_TOKENS: [] });
    expect(connectionsFromEnv(env).size).toBe(0); // no token, no connection: the sandbox simulates them
  });

  it('lists every bad variable in one error, naming the variable but never echoing its value', () => {
    const error = (() => {
      try {
        parseEnv({ PORT: 'eighty', LOG_LEVEL: 'loud', REDIS_URL: 'localhost:6379', POWERCHORD_REGION: 'mars', TRATA_TOKEN: 's3cret', TRATA_BASE_URL: 'not a url s3cret' });
      } catch (e) {
        return e;
      }
      return null;
    })() as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.issues.map((i) => i.split(':')[0]).sort()).toEqual(['LOG_LEVEL', 'PORT', 'POWERCHORD_REGION', 'REDIS_URL', 'TRATA_BASE_URL']);
    expect(error.message).not.toContain('s3cret');
  });

  it('makes a connection per provider with a token, with its documented host, options and budget', () => {
    const env = parseEnv({
      TRATA_TOKEN: 't',
      PROPEXO_TOKEN: 'p',
      PROPEXO_ENVIRONMENT: 'sandbox',
      PROPEXO_INTEGRATION_ID: 'int-1',
      POWERCHORD_TOKEN: 'c',
      POWERCHORD_REGION: 'eu',
      POWERCHORD_TRUNK_ID: 'trunk',
      POWERCHORD_ORGANIZATION_ID: 'org',
      TRATA_RATE_LIMIT: '600',
      TRATA_PUSH_CONCURRENCY: '3',
      API_TOKENS: `${'a'.repeat(32)}, ${'b'.repeat(40)} ,,${'c'.repeat(32)}`,
    });
    const connections = connectionsFromEnv(env);
    expect(connections.get('trata')).toMatchObject({ baseUrl: providers.trata.defaultHosts['api'], token: 't', rateLimit: { limit: 600, windowMs: 60_000 } });
    expect(connections.get('propexo')).toMatchObject({ baseUrl: providers.propexo.defaultHosts['sandbox'], rateLimit: { limit: 150, windowMs: 60_000 }, options: { integrationId: 'int-1' } });
    expect(connections.get('powerchord')).toMatchObject({ baseUrl: providers.powerchord.defaultHosts['eu-api'], options: { region: 'eu', trunkId: 'trunk', organizationId: 'org' } });
    expect(connections.has('overplane')).toBe(false);
    expect(pushConcurrencyOf(env, 'trata')).toBe(3);
    expect(pushConcurrencyOf(env, 'propexo')).toBe(8);
    expect(env.API_TOKENS).toEqual(['a'.repeat(32), 'b'.repeat(40), 'c'.repeat(32)]);
  });
});
