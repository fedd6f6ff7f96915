import { spawn, type ChildProcess } from 'node:child_process';
import { inject } from 'vitest';

/**
 * Starts `crm-bridge worker` as a real child process on the test Redis, with the given connections' environment
 * (base URLs and tokens of the simulators) and engine settings.
 */
export function startWorkerProcess(prefix: string, env: Record<string, string>): ChildProcess {
  return spawn(process.execPath, ['src/cli.ts', 'worker'], {
    env: { PATH: process.env['PATH'], REDIS_URL: inject('redisUrl'), QUEUE_PREFIX: prefix, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
}

export function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve({ code: child.exitCode, signal: child.signalCode, at: Date.now() });
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal, at: Date.now() })));
}

export async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Simulator connections as `crm-bridge worker` reads them from the environment. */
export function simulatorEnv(sims: {
  trata?: { url: string; token: string };
  overplane?: { url: string; token: string };
  /** `url` is the API host, `leadsUrl` the leads host (the simulator serves them apart). */
  powerchord?: { url: string; leadsUrl: string; token: string; trunkId: string };
  propexo?: { url: string; token: string };
}): Record<string, string> {
  const env: Record<string, string> = {};
  if (sims.trata) Object.assign(env, { TRATA_BASE_URL: sims.trata.url, TRATA_TOKEN: sims.trata.token });
  if (sims.overplane) Object.assign(env, { OVERPLANE_BASE_URL: `${sims.overplane.url}/api/crm`, OVERPLANE_TOKEN: sims.overplane.token });
  if (sims.propexo) {
    Object.assign(env, { PROPEXO_BASE_URL: sims.propexo.url, PROPEXO_TOKEN: sims.propexo.token, PROPEXO_INTEGRATION_ID: 'integration-1', PROPEXO_LEASE_ID: 'lease-1' });
  }
  if (sims.powerchord) {
    Object.assign(env, {
      POWERCHORD_BASE_URL: sims.powerchord.url,
      POWERCHORD_LEADS_BASE_URL: sims.powerchord.leadsUrl,
      POWERCHORD_TOKEN: sims.powerchord.token,
      POWERCHORD_TRUNK_ID: sims.powerchord.trunkId,
      POWERCHORD_ORGANIZATION_ID: 'org-1',
    });
  }
  return env;
}
