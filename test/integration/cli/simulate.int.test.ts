import { spawn, spawnSync } from 'node:child_process';
import { createServer } from 'node:net';
import got from 'got';
import { describe, expect, it } from 'vitest';
import { checkConnections, connectionsFromEnv } from '../../../src/config/connections.ts';
import { parseEnv } from '../../../src/config/env.ts';
import { exitOf, until } from '../../helpers/worker-process.ts';

/** Starts `crm-bridge simulate …`, waits for its last line, and parses the `NAME=value` lines it printed. */
async function simulate(args: string[]) {
  const child = spawn(process.execPath, ['src/cli.ts', 'simulate', ...args], { env: { PATH: process.env['PATH'] }, stdio: ['ignore', 'pipe', 'inherit'] });
  let output = '';
  let exited: number | null = null;
  child.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.once('exit', (code) => (exited = code ?? -1));
  // Generous: a Node start on a loaded 2-core machine has taken over 20 s. A command that ended is not waited for.
  await until(() => output.includes('# stop with Ctrl-C') || exited !== null, 45_000, 'the simulators to start');
  if (exited !== null) throw new Error(`simulate ${args.join(' ')} exited ${exited} before serving`);
  const env = Object.fromEntries(output.split('\n').filter((l) => /^[A-Z_]+=/.test(l)).map((l) => {
    const [name, ...value] = l.split('=');
    return [name!, value.join('=').replace(/^'(.*)'$/, '$1')];
  }));
  const stop = async () => {
    child.kill('SIGTERM');
    return (await exitOf(child)).code;
  };
  return { env, output, stop };
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('crm-bridge simulate', () => {
  it('serves a seeded simulator and prints the environment lines that reach it', async () => {
    const sim = await simulate(['trata', '--records', '5']);
    try {
      const prospects = await got(`${sim.env['TRATA_BASE_URL']}/v1/prospects`, { headers: { authorization: `Bearer ${sim.env['TRATA_TOKEN']}` } }).json<unknown[]>();
      expect(prospects).toHaveLength(5);
      expect((await got(`${sim.env['TRATA_BASE_URL']}/v1/prospects`, { throwHttpErrors: false })).statusCode).toBe(401);
      // NAME=value lines pasted into a shell as they are stay unexported: the output says how to use them.
      expect(sim.output).toContain('set -a');
    } finally {
      expect(await sim.stop()).toBe(0);
    }
  });

  it('simulate powerchord --port N listens on N and prints a complete, valid connection', async () => {
    // PowerChord's simulator serves its four hosts on N … N+3: only N is known free, and a parallel test file can
    // take one of the others in between (EADDRINUSE, seen in CI), so a port range that is taken is tried again.
    let port = 0;
    let sim: Awaited<ReturnType<typeof simulate>> | undefined;
    for (let attempt = 0; !sim; attempt++) {
      port = await freePort();
      sim = await simulate(['powerchord', '--port', String(port)]).catch((error: unknown) => {
        if (attempt >= 4) throw error;
        return undefined;
      });
    }
    try {
      expect(sim.env['POWERCHORD_BASE_URL']).toBe(`http://127.0.0.1:${port}`);
      expect(Object.keys(sim.env)).toEqual(expect.arrayContaining(['POWERCHORD_TRUNK_ID', 'POWERCHORD_ORGANIZATION_ID', 'POWERCHORD_LEADS_BASE_URL', 'POWERCHORD_REGION']));
      // What a worker does with these lines: its configuration accepts them whole.
      const connections = connectionsFromEnv(parseEnv(sim.env));
      expect(() => checkConnections(connections)).not.toThrow();
      expect(connections.get('powerchord')?.options).toMatchObject({ trunkId: sim.env['POWERCHORD_TRUNK_ID'] });
      // The API host answers on N itself (a login or a 401/403 is an answer; a refused connection is not).
      const answer = await got.post(`http://127.0.0.1:${port}/v3/oauth2/login`, { json: { email: sim.env['POWERCHORD_EMAIL'] ?? 'x', password: sim.env['POWERCHORD_PASSWORD'] ?? 'x' }, throwHttpErrors: false });
      expect(answer.statusCode).toBeLessThan(500);
    } finally {
      expect(await sim.stop()).toBe(0);
    }
  });

  it('a port of the range that is taken is one line naming it, exit 1, no stack', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const taken = (blocker.address() as { port: number }).port;
    try {
      const result = spawnSync(process.execPath, ['src/cli.ts', 'simulate', 'powerchord', '--port', String(taken - 2)], { env: { PATH: process.env['PATH'] }, encoding: 'utf8', timeout: 30_000 });
      expect(result.status).toBe(1);
      // Usually `taken` itself (another of N … N+3 may happen to be in use too).
      expect(result.stderr.trim()).toMatch(/^crm-bridge simulate: port \d+ is in use; the simulators listen on --port N and the ports after it \(PowerChord: four\), choose another --port$/);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('simulate all prints Propexo\'s integration id beside its URL and token', async () => {
    const sim = await simulate(['all', '--records', '1']);
    try {
      expect(Object.keys(sim.env)).toEqual(expect.arrayContaining(['TRATA_TOKEN', 'OVERPLANE_TOKEN', 'PROPEXO_TOKEN', 'PROPEXO_INTEGRATION_ID', 'POWERCHORD_TRUNK_ID']));
      expect(() => checkConnections(connectionsFromEnv(parseEnv(sim.env)))).not.toThrow();
    } finally {
      expect(await sim.stop()).toBe(0);
    }
  });
});

describe('crm-bridge <command> --help and bad options', () => {
  const cli = (...args: string[]) => spawnSync(process.execPath, ['src/cli.ts', ...args], { env: { PATH: process.env['PATH'] }, encoding: 'utf8', timeout: 20_000 });

  it('run --help prints its usage and exits 0', () => {
    const help = cli('run', '--help');
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/^usage: crm-bridge run <sync> \[--full\] \[--wait\]/);
    expect(cli('help', 'simulate').stdout).toMatch(/^usage: crm-bridge simulate/);
  });

  it('an unknown option is one line naming it, then the usage, exit 2, no stack', () => {
    const bad = cli('run', 'trata-to-powerchord', '--fast');
    expect(bad.status).toBe(2);
    const [first, second] = bad.stderr.split('\n');
    expect(first).toBe("crm-bridge run: unknown option '--fast'");
    expect(second).toMatch(/^usage: crm-bridge run/);
    expect(bad.stderr).not.toMatch(/ERR_PARSE_ARGS|\n\s+at /);
    expect(cli('simulate', 'trata', '--port').status).toBe(2);
  });
});
