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

/** A PowerChord connection aimed at one region of the simulator, as the sandbox makes it. */
export function powerChordConnection(sim: PowerChordSimulator, options: PowerChordConnectionOptions = {}): ConnectionConfig {
  const region = options.region ?? sim.region;
  const hosts = sim.regions[region];
  const auth = options.auth ?? 'token';
  const credentials: Record<string, string> =
    auth === 'token' ? {} : auth === 'login' ? { email: sim.serviceAccount.email, password: sim.serviceAccount.password } : { clientId: auth.clientId, clientSecret: auth.clientSecret };
  return {
    name: options.name ?? 'powerchord',
    provider: 'powerchord',
    baseUrl: hosts.api.url,
    token: auth === 'token' ? sim.token : '',
    timeoutMs: options.timeoutMs ?? 5_000,
    options: { region, trunkId: sim.trunkId, organizationId: 'org-1', leadsBaseUrl: hosts.leads.url, ...credentials },
  };
}
