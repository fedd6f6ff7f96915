import { connectionOf } from '../../src/config/connections.ts';
import { getProvider } from '../../src/providers/registry.ts';
import type { ConnectionConfig, ProviderName } from '../../src/providers/types.ts';
import type { RunningSimulator } from '../../src/simulators/server.ts';

/** A connection config aimed at a running simulator, as the sandbox makes them (the provider's `sandbox.connection`). */
export function simulatorConnection(provider: ProviderName, sim: RunningSimulator & { store: unknown }, extra: Partial<ConnectionConfig> = {}): [string, ConnectionConfig] {
  return [provider, { ...connectionOf(provider, getProvider(provider).sandbox.connection(sim), 5_000), ...extra }];
}
