import { spawn, type ChildProcess } from 'node:child_process';
import { inject } from 'vitest';
import { connectionEnv } from '../../src/config/connections.ts';
import { getProvider } from '../../src/providers/registry.ts';
import type { ProviderName } from '../../src/providers/types.ts';
import type { RunningSimulator } from '../../src/simulators/server.ts';

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

/**
 * The environment that points `crm-bridge worker` at running simulators: each provider's sandbox connection
 * (`sandbox.connection`) written as its environment variables.
 */
export function simulatorEnv(sims: Partial<Record<ProviderName, RunningSimulator & { store: unknown }>>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [provider, sim] of Object.entries(sims) as [ProviderName, RunningSimulator & { store: unknown }][]) {
    Object.assign(env, connectionEnv(provider, getProvider(provider).sandbox.connection(sim)));
  }
  return env;
}
