import type { PropexoSimulator } from '../../simulators/propexo/index.ts';
import type { ProviderSandbox } from '../types.ts';

/** The integration the sandbox's prospects belong to (the simulator's webhooks name it too). */
const SANDBOX_INTEGRATION = 'integration-sim';

/**
 * Propexo's simulator seeded with sample renters, and the connection aimed at it. The simulator enforces Propexo's
 * documented budget, so the sandbox keeps to the same one.
 */
export const propexoSandbox: ProviderSandbox<PropexoSimulator> = {
  ports: 1,
  async start({ port, records }) {
    // Loaded only when a sandbox starts: a worker with real credentials never loads the simulators.
    const { startPropexoSimulator } = await import('../../simulators/propexo/index.ts');
    const sim = await startPropexoSimulator({ port });
    sim.store.seed(
      Array.from({ length: records }, (_, i) => ({
        // The connection below names this integration, and reads only its prospects.
        integration_id: SANDBOX_INTEGRATION,
        first_name: 'Sample',
        last_name: `Renter ${i + 1}`,
        email_1: `renter${i + 1}@example.com`,
        phone_1: `+1415555${String(3000 + i).padStart(4, '0')}`,
      })),
    );
    return sim;
  },
  // `leaseId` is the fallback lease of updates whose mapping names none (PROPEXO_LEASE_ID).
  connection: (sim) => ({
    baseUrl: sim.url,
    token: sim.token,
    options: { integrationId: SANDBOX_INTEGRATION, leaseId: 'lease-sim', rateLimitWindowMs: String(sim.limiter.config.windowMs) },
  }),
  budget: (sim) => ({ limit: sim.limiter.config.budget, windowMs: sim.limiter.config.windowMs }),
};
