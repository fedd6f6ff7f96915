import { describe, expect, it } from 'vitest';
import type { ConnectionConfig } from '../../../src/providers/types.ts';
import { budgetOwners } from '../../../src/sync/budget-owner.ts';

const connection = (name: string, provider: ConnectionConfig['provider'], baseUrl: string, token: string): ConnectionConfig => ({ name, provider, baseUrl, token, timeoutMs: 1, options: {} });

describe('budgetOwners', () => {
  it('connections with one token at one host spend the budget of the first by name; others keep their own', () => {
    const owners = budgetOwners([
      connection('propexo-b', 'propexo', 'https://api.propexo.com', 'account-token'),
      connection('propexo-a', 'propexo', 'https://api.propexo.com/', 'account-token'),
      connection('propexo-other', 'propexo', 'https://api.propexo.com', 'another-account'),
      connection('propexo-sandbox', 'propexo', 'https://api.sandbox.propexo.com', 'account-token'),
      connection('trata', 'trata', 'https://api.propexo.com', 'account-token'),
    ]);
    expect(Object.fromEntries(owners)).toEqual({
      'propexo-a': 'propexo-a',
      'propexo-b': 'propexo-a',
      'propexo-other': 'propexo-other',
      'propexo-sandbox': 'propexo-sandbox',
      trata: 'trata',
    });
  });

  it('connections without a static token (PowerChord sign-ins) each keep their own', () => {
    const owners = budgetOwners([connection('brand-us', 'powerchord', 'https://api.powerchord.com', ''), connection('brand-us-2', 'powerchord', 'https://api.powerchord.com', '')]);
    expect(Object.fromEntries(owners)).toEqual({ 'brand-us': 'brand-us', 'brand-us-2': 'brand-us-2' });
  });
});
