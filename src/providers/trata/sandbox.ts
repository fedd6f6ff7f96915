import type { TrataSimulator } from '../../simulators/trata/server.ts';
import type { ProviderSandbox } from '../types.ts';

/** Trata's simulator seeded with sample prospects (every status in turn), and the connection aimed at it. */
export const trataSandbox: ProviderSandbox<TrataSimulator> = {
  ports: 1,
  async start({ port, records }) {
    // Loaded only when a sandbox starts: a worker with real credentials never loads the simulators.
    const { startTrataSimulator } = await import('../../simulators/trata/server.ts');
    const sim = await startTrataSimulator({ port });
    sim.store.seed(records);
    return sim;
  },
  connection: (sim) => ({ baseUrl: sim.url, token: sim.token, options: {} }),
};
