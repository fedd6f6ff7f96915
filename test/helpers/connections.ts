import type { ConnectionConfig, ProviderName } from '../../src/providers/types.ts';
import type { RunningSimulator } from '../../src/simulators/server.ts';

/** A connection config aimed at a running simulator, as the sandbox makes them. */
export function simulatorConnection(provider: ProviderName, sim: RunningSimulator & { trunkId?: string; leadsUrl?: string }, extra: Partial<ConnectionConfig> = {}): [string, ConnectionConfig] {
  const baseUrl = provider === 'overplane' ? `${sim.url}/api/crm` : sim.url;
  const options: Record<string, string> =
    provider === 'propexo'
      ? { integrationId: 'integration-1', leaseId: 'lease-1', rateLimitWindowMs: String(extra.rateLimit?.windowMs ?? 60_000) }
      : provider === 'powerchord'
        ? { region: 'us', trunkId: sim.trunkId ?? 'trunk-sim', organizationId: 'org-1', leadsBaseUrl: sim.leadsUrl ?? sim.url }
        : {};
  return [provider, { name: provider, provider, baseUrl, token: sim.token, timeoutMs: 5_000, options, ...extra }];
}
