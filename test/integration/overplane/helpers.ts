import type { ConnectionConfig } from '../../../src/providers/types.ts';
import type { RunningOverplaneSimulator } from '../../../src/simulators/overplane/index.ts';

/** A connection to a running simulator (the token may be overridden to test auth failures). */
export function simConnection(sim: RunningOverplaneSimulator, token = sim.token): ConnectionConfig {
  return { name: 'overplane-test', provider: 'overplane', baseUrl: sim.baseUrl, token, timeoutMs: 5_000, options: {} };
}

/** Awaits a promise expected to reject, and answers the error. */
export async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}
