import { PropexoConnector } from '../../../src/providers/propexo/index.ts';
import type { WriteStatus } from '../../../src/providers/types.ts';
import type { PropexoSimulator } from '../../../src/simulators/propexo/index.ts';

/** A connector pointed at a running simulator (the simulator's URL is the host, like api.propexo.com). */
export function connectTo(sim: PropexoSimulator, options: Record<string, string> = {}, token = sim.token): PropexoConnector {
  return new PropexoConnector({
    name: 'propexo-test',
    provider: 'propexo',
    baseUrl: sim.url,
    token,
    timeoutMs: 5_000,
    options: { integrationId: 'int_1', ...options },
  });
}

/** Polls write-status until the job leaves PENDING (every poll spends rate budget, as on Propexo). */
export async function settle(connector: PropexoConnector, jobId: string, timeoutMs = 5_000): Promise<WriteStatus> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = await connector.writeStatus(jobId);
    if (status.status !== 'PENDING') return status;
    if (Date.now() > deadline) throw new Error(`job ${jobId} still PENDING after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
