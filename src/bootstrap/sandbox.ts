import { connectionOf } from '../config/connections.ts';
import { getProvider } from '../providers/registry.ts';
import { PROVIDER_NAMES, type ConnectionConfig, type ProviderName } from '../providers/types.ts';
import type { RunningSimulator } from '../simulators/server.ts';

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
 * The providers as local simulators, seeded with sample prospects, so a new user sees records flow with no
 * credentials at all. Each provider's folder says how its simulator starts and how a connection is aimed at it
 * (its `sandbox`): this only walks the registry.
 */
export async function startSandbox(options: SandboxOptions): Promise<Sandbox> {
  const records = options.records ?? 40;
  const timeoutMs = options.timeoutMs ?? 10_000;
  const simulators = new Map<ProviderName, RunningSimulator & { store: unknown }>();
  const connections = new Map<string, ConnectionConfig>();
  const close = async () => {
    await Promise.all([...simulators.values()].map((sim) => sim.close()));
  };
  try {
    for (const provider of options.providers) {
      const { sandbox } = getProvider(provider);
      const sim = await sandbox.start({ port: portOf(provider, options), records });
      simulators.set(provider, sim);
      const budget = sandbox.budget?.(sim);
      connections.set(provider, { ...connectionOf(provider, sandbox.connection(sim), timeoutMs), ...(budget ? { rateLimit: budget } : {}), definedIn: 'sandbox' });
    }
  } catch (error) {
    await close();
    throw error;
  }
  return { simulators, connections, close };
}

/**
 * Where a provider's simulator listens: 0 (free ports) without `basePort`; one provider asked gets `basePort`
 * itself; with several, each keeps its slot in registry order, after the ports of the ones before it (PowerChord's
 * four from +3), so a provider's ports do not depend on which others run.
 */
function portOf(provider: ProviderName, options: SandboxOptions): number {
  if (!options.basePort) return 0;
  if (options.providers.length === 1) return options.basePort;
  const before = PROVIDER_NAMES.slice(0, PROVIDER_NAMES.indexOf(provider));
  return options.basePort + before.reduce((sum, name) => sum + getProvider(name).sandbox.ports, 0);
}
