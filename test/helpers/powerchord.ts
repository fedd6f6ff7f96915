import { connectionOf } from '../../src/config/connections.ts';
import { getProvider } from '../../src/providers/registry.ts';
import type { ConnectionConfig } from '../../src/providers/types.ts';
import type { PowerChordSimRegion, PowerChordSimulator } from '../../src/simulators/powerchord/server.ts';

export interface PowerChordConnectionOptions {
  /** Which of the simulator's regions (and so which two hosts) the connection uses. @default the simulator's */
  region?: PowerChordSimRegion;
  /** `token`: the static token; `login`: the service account's email and password; `client`: an OAuth client. @default 'token' */
  auth?: 'token' | 'login' | { clientId: string; clientSecret: string };
  name?: string;
  timeoutMs?: number;
}

/**
 * A PowerChord connection aimed at one region of the simulator: the sandbox's (the provider's `sandbox.connection`,
 * which logs in as the service account) for that region's pair of hosts, then authenticated as asked.
 */
export function powerChordConnection(sim: PowerChordSimulator, options: PowerChordConnectionOptions = {}): ConnectionConfig {
  const region = options.region ?? sim.region;
  const hosts = sim.regions[region];
  // The sandbox connection names the simulator's own region (`region`, `url`, `leadsUrl`): seen from another region.
  const seenFrom: PowerChordSimulator = { ...sim, region, url: hosts.api.url, leadsUrl: hosts.leads.url };
  const sandbox = connectionOf('powerchord', getProvider('powerchord').sandbox.connection(seenFrom), options.timeoutMs ?? 5_000);
  const { email: _email, password: _password, ...rest } = sandbox.options;
  const auth = options.auth ?? 'token';
  const byAuth: Pick<ConnectionConfig, 'token' | 'options'> =
    auth === 'login'
      ? { token: '', options: sandbox.options }
      : auth === 'token'
        ? { token: sim.token, options: rest }
        : { token: '', options: { ...rest, clientId: auth.clientId, clientSecret: auth.clientSecret } };
  return { ...sandbox, ...byAuth, name: options.name ?? 'powerchord' };
}
