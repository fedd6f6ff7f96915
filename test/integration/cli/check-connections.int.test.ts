import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { checkAllConnections, runConnectionChecks } from '../../../src/bootstrap/connection-check.ts';
import { connectionsFromEnv } from '../../../src/config/connections.ts';
import { parseEnv } from '../../../src/config/env.ts';
import { providers } from '../../../src/providers/registry.ts';
import type { ConnectionConfig } from '../../../src/providers/types.ts';
import { exitOf, until } from '../../helpers/worker-process.ts';

/** `crm-bridge simulate all`, and the environment lines it printed. */
async function simulateAll() {
  const child = spawn(process.execPath, ['src/cli.ts', 'simulate', 'all', '--records', '2'], { env: { PATH: process.env['PATH'] }, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  await until(() => output.includes('# stop with Ctrl-C'), 20_000, 'the simulators to start');
  const env = Object.fromEntries(output.split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).replace(/^'(.*)'$/, '$1')]));
  return { env, stop: async () => (child.kill('SIGTERM'), (await exitOf(child)).code) };
}

const connect = (config: ConnectionConfig) => providers[config.provider].connect(config);
const configsOf = (env: Record<string, string>) => connectionsFromEnv(parseEnv(env));

describe('crm-bridge check --connections', () => {
  it('against `simulate all`: 0 with the printed settings, 1 naming the provider and its variable with one wrong token', { timeout: 60_000 }, async () => {
    const sim = await simulateAll();
    try {
      const cli = (env: Record<string, string>) => spawnSync(process.execPath, ['src/cli.ts', 'check', '--connections'], { env: { PATH: process.env['PATH'], ...env }, encoding: 'utf8', timeout: 30_000 });
      const good = cli(sim.env);
      expect(good.status, good.stdout + good.stderr).toBe(0);
      for (const name of ['trata', 'overplane', 'propexo', 'powerchord']) expect(good.stdout).toMatch(new RegExp(`^${name}\\s+ok\\s`, 'm'));
      expect(good.stdout).toContain('ok: 4 connections checked');

      const bad = cli({ ...sim.env, PROPEXO_TOKEN: 'wrong-token' });
      expect(bad.status).toBe(1);
      expect(bad.stdout).toMatch(/^propexo\s+auth refused\s.*→ check PROPEXO_TOKEN$/m);
      expect(bad.stdout).toMatch(/^trata\s+ok\s/m);
      expect(bad.stdout).toContain('1 of 4 connections failed: propexo');
      expect(bad.stdout + bad.stderr).not.toContain('wrong-token');
    } finally {
      expect(await sim.stop()).toBe(0);
    }
  });

  it('tells auth refused, unreachable and unverified apart, with the variable to fix', { timeout: 60_000 }, async () => {
    const sim = await simulateAll();
    try {
      const checks = await checkAllConnections(
        configsOf({
          ...sim.env,
          TRATA_TOKEN: 'not-the-token',
          // Nothing listens there (port 9 is discard; refused on loopback).
          OVERPLANE_BASE_URL: 'http://127.0.0.1:9/api/crm',
          POWERCHORD_PASSWORD: 'wrong-password',
        }).values(),
        connect,
        3_000,
      );
      const by = Object.fromEntries(checks.map((c) => [c.connection, c]));
      expect(by['trata']).toMatchObject({ status: 'auth_refused', ok: false, setting: 'TRATA_TOKEN' });
      expect(by['overplane']).toMatchObject({ status: 'unreachable', ok: false, setting: 'OVERPLANE_BASE_URL' });
      expect(by['powerchord']).toMatchObject({ status: 'auth_refused', ok: false, setting: 'POWERCHORD_EMAIL/POWERCHORD_PASSWORD' });
      expect(by['propexo']).toMatchObject({ status: 'ok', ok: true });

      // A static PowerChord token: no read endpoint to try it on.
      const { POWERCHORD_EMAIL: _email, POWERCHORD_PASSWORD: _password, ...rest } = sim.env;
      const [powerchord] = await checkAllConnections([configsOf({ ...rest, POWERCHORD_TOKEN: 'powerchord-sim-token' }).get('powerchord')!], connect);
      expect(powerchord).toMatchObject({ status: 'unverified', ok: true });

      const lines: string[] = [];
      expect(await runConnectionChecks(new Map(), connect, (l) => lines.push(l))).toBe(1);
      expect(lines[0]).toMatch(/^no connection is configured/);
    } finally {
      await sim.stop();
    }
  });
});
