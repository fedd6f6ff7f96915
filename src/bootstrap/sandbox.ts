import type { ConnectionConfig, ProviderName } from '../providers/types.ts';
import { startOverplaneSimulator } from '../simulators/overplane/index.ts';
import { startPowerChordSimulator } from '../simulators/powerchord/server.ts';
import { startPropexoSimulator } from '../simulators/propexo/index.ts';
import type { RunningSimulator } from '../simulators/server.ts';
import { startTrataSimulator } from '../simulators/trata/server.ts';

export interface Sandbox {
  simulators: Map<ProviderName, RunningSimulator & { store: unknown }>;
  /** Connection configs pointing at the simulators, named after their providers. */
  connections: Map<string, ConnectionConfig>;
  close(): Promise<void>;
}

export interface SandboxOptions {
  /** Which providers to simulate. */
  providers: readonly ProviderName[];
  /** Sample records seeded in each source simulator. @default 40 (five of each Trata status) */
  records?: number;
  timeoutMs?: number;
  /** Fixed ports (e.g. for `crm-bridge simulate --port`); 0 picks free ones. */
  basePort?: number;
}

/**
 * The four providers as local simulators, seeded with sample prospects, so a new user sees records flow with no
 * credentials at all. Each gets its documented base path and a connection config aimed at it.
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const records = options.records ?? 40;
  const timeoutMs = options.timeoutMs ?? 10_000;
  // One provider asked gets basePort itself; with several, each keeps its slot (PowerChord's four from +3).
  const port = (i: number) => (options.basePort ? options.basePort + (options.providers.length === 1 ? 0 : i) : 0);
  const simulators = new Map<ProviderName, RunningSimulator & { store: unknown }>();
  const connections = new Map<string, ConnectionConfig>();
  const connect = (provider: ProviderName, baseUrl: string, token: string, extra: Record<string, string> = {}) =>
    connections.set(provider, { name: provider, provider, baseUrl, token, timeoutMs, options: extra });

  for (const provider of options.providers) {
    if (provider === 'trata') {
      const sim = await startTrataSimulator({ port: port(0) });
      sim.store.seed(records);
      simulators.set(provider, sim);
      connect(provider, sim.url, sim.token);
    } else if (provider === 'overplane') {
      const sim = await startOverplaneSimulator({ port: port(1) });
      sim.store.seed(
        Array.from({ length: records }, (_, i) => ({
          company: `Sample Company ${i + 1}`,
          company_name: `Sample Company ${i + 1} Ltd`,
          industry: 'Retail',
          leads: [{ lead: `LEAD-${i + 1}`, lead_name: `Sample Contact ${i + 1}`, email: `contact${i + 1}@example.com`, mobile_no: `+1415555${String(2000 + i).padStart(4, '0')}`, status: 'Open' }],
        })),
      );
      simulators.set(provider, sim);
      connect(provider, `${sim.url}/api/crm`, sim.token);
    } else if (provider === 'propexo') {
      const sim = await startPropexoSimulator({ port: port(2) });
      sim.store.seed(
        Array.from({ length: records }, (_, i) => ({
          first_name: 'Sample',
          last_name: `Renter ${i + 1}`,
          email_1: `renter${i + 1}@example.com`,
          phone_1: `+1415555${String(3000 + i).padStart(4, '0')}`,
        })),
      );
      simulators.set(provider, sim);
      connect(provider, sim.url, sim.token, { integrationId: 'integration-sim', leaseId: 'lease-sim' });
      // The simulator enforces Propexo's documented budget; the engine keeps under it.
      connections.get(provider)!.rateLimit = { limit: 150, windowMs: 60_000 };
    } else {
      // Four listeners (US/EU × API/leads host), from port(3) on. The connection logs in as the simulator's service
      // account, as a real one does, and is pointed at its own region's hosts: loopback URLs carry no region.
      const sim = await startPowerChordSimulator({ port: port(3), region: 'us' });
      simulators.set(provider, sim);
      const hosts = sim.regions[sim.region];
      connect(provider, hosts.api.url, sim.token, {
        region: sim.region,
        trunkId: sim.trunkId,
        organizationId: 'org-sim',
        leadsBaseUrl: hosts.leads.url,
        email: sim.serviceAccount.email,
        password: sim.serviceAccount.password,
      });
    }
  }
  return {
    simulators,
    connections,
    close: async () => {
      await Promise.all([...simulators.values()].map((sim) => sim.close()));
    },
  };
}
