import type { RunningOverplaneSimulator } from '../../simulators/overplane/server.ts';
import type { ProviderSandbox } from '../types.ts';
import { OVERPLANE_BASE_PATH } from './hosts.ts';

/** Overplane's simulator seeded with sample companies, each with one contact row, and the connection aimed at it. */
export const overplaneSandbox: ProviderSandbox<RunningOverplaneSimulator> = {
  ports: 1,
  async start({ port, records }) {
    // Loaded only when a sandbox starts: a worker with real credentials never loads the simulators.
    const { startOverplaneSimulator } = await import('../../simulators/overplane/index.ts');
    const sim = await startOverplaneSimulator({ port });
    sim.store.seed(
      Array.from({ length: records }, (_, i) => ({
        company: `Sample Company ${i + 1}`,
        company_name: `Sample Company ${i + 1} Ltd`,
        industry: 'Retail',
        leads: [{ lead: `LEAD-${i + 1}`, lead_name: `Sample Contact ${i + 1}`, email: `contact${i + 1}@example.com`, mobile_no: `+1415555${String(2000 + i).padStart(4, '0')}`, status: 'Open' }],
      })),
    );
    return sim;
  },
  // The simulator serves Overplane's routes under the documented base path, as the real API does.
  connection: (sim) => ({ baseUrl: `${sim.url}${OVERPLANE_BASE_PATH}`, token: sim.token, options: {} }),
};
