import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { auth, startHarness, type Harness } from './harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await startHarness({ seed: 1 });
});
afterAll(() => h?.close());

describe('GET /v1/connections, GET /v1/connections/{name}/check', () => {
  it('lists every configured connection: provider, region, hosts, where it is defined and its syncs, never a credential', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/v1/connections', headers: auth() });
    expect(res.statusCode).toBe(200);
    const by = Object.fromEntries(res.json().connections.map((c: { name: string }) => [c.name, c]));
    expect(by['trata']).toMatchObject({ provider: 'trata', region: null, hosts: { baseUrl: h.trata.url }, defined_in: 'sandbox', syncs: expect.arrayContaining(['trata-to-powerchord']) });
    expect(by['powerchord']).toMatchObject({ provider: 'powerchord', region: 'us', hosts: { baseUrl: expect.any(String), leadsBaseUrl: expect.any(String) } });
    expect(by['trata'].check).toBeUndefined();
    const config = h.engine.ctx.connectors.config('powerchord')!;
    for (const secret of [config.token, config.options['password'], config.options['clientSecret']].filter((v) => v !== undefined && v !== '')) {
      expect(res.body).not.toContain(secret);
    }
    const filtered = await h.app.inject({ method: 'GET', url: '/v1/connections?provider=powerchord', headers: auth() });
    expect(filtered.json().connections.map((c: { name: string }) => c.name)).toEqual(['powerchord']);
    const syncs = await h.app.inject({ method: 'GET', url: '/v1/syncs?connection=powerchord', headers: auth() });
    expect(syncs.json().syncs.length).toBeGreaterThan(0);
    for (const sync of syncs.json().syncs) expect(sync.targets.map((t: { connection: string }) => t.connection)).toContain('powerchord');
  });

  it('with check=true, checks every configured connection with one authenticated call', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/v1/connections?check=true', headers: auth() });
    expect(res.statusCode).toBe(200);
    const by = Object.fromEntries(res.json().connections.map((c: { name: string; check: unknown }) => [c.name, c.check]));
    expect(by['trata']).toMatchObject({ provider: 'trata', status: 'ok', ok: true, setting: null });
    expect(by['powerchord']).toMatchObject({ provider: 'powerchord', status: 'ok', detail: 'signed in: a token was issued' });
  });

  it('reports a revoked credential as auth_refused with the variable to fix; 404 for an unknown connection; 401 without a token', async () => {
    h.trata.faults.set({ authRevoked: true });
    try {
      const res = await h.app.inject({ method: 'GET', url: '/v1/connections/trata/check', headers: auth() });
      expect(res.statusCode).toBe(200);
      expect(res.json()).toMatchObject({ connection: 'trata', status: 'auth_refused', ok: false, setting: 'TRATA_TOKEN' });
    } finally {
      h.trata.faults.reset();
    }
    expect((await h.app.inject({ method: 'GET', url: '/v1/connections/trata/check', headers: auth() })).json()).toMatchObject({ status: 'ok' });
    expect((await h.app.inject({ method: 'GET', url: '/v1/connections/nope/check', headers: auth() })).statusCode).toBe(404);
    expect((await h.app.inject({ method: 'GET', url: '/v1/connections' })).statusCode).toBe(401);
  });
});
