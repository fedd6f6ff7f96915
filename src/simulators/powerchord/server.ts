import type { FastifyInstance } from 'fastify';
import { Faults } from '../faults.ts';
import { CallCounter, type RunningSimulator } from '../server.ts';
import { PowerChordSimAuth, type ServiceAccount } from './auth.ts';
import { buildHostApp, type PowerChordHostKind, type PowerChordSimRegion } from './host.ts';
import { apiRoutes, leadsRoutes, type RegionState } from './routes.ts';
import { PowerChordStore } from './store.ts';

export type { PowerChordHostKind, PowerChordSimRegion } from './host.ts';

export interface PowerChordSimulatorOptions {
  /** A long-lived bearer token accepted on every host (what `POWERCHORD_TOKEN` holds); null accepts none. @default 'powerchord-sim-token' */
  token?: string | null;
  seed?: number;
  /** First of four consecutive ports (US API, US leads, EU API, EU leads); 0 picks free ones. @default 0 */
  port?: number;
  /** The trunk (brand) organization id the leads hosts accept. @default 'trunk-sim' */
  trunkId?: string;
  /** The region that `url`, `leadsUrl` and `store` name. @default 'us' */
  region?: PowerChordSimRegion;
  /** The service account (Command Center user) that may log in, in both regions. */
  serviceAccount?: ServiceAccount;
  /** How long issued tokens (login JWTs and access tokens) live, ms. *Assumed* default: one hour. */
  tokenLifetimeMs?: number;
}

export interface PowerChordSimHost {
  region: PowerChordSimRegion;
  kind: PowerChordHostKind;
  url: string;
  /** Calls that reached this host. */
  calls: CallCounter;
  app: FastifyInstance;
}

export interface PowerChordSimRegionState {
  store: PowerChordStore;
  auth: PowerChordSimAuth;
  api: PowerChordSimHost;
  leads: PowerChordSimHost;
}

export type PowerChordSimulator = RunningSimulator & {
  /** The default region's store (`options.region`). */
  store: PowerChordStore;
  trunkId: string;
  region: PowerChordSimRegion;
  /** The default region's leads host; `url` is its API host. */
  leadsUrl: string;
  serviceAccount: ServiceAccount;
  regions: Record<PowerChordSimRegion, PowerChordSimRegionState>;
  /** Calls per host since the last `calls.reset()`: `{ 'us-api': 0, 'us-leads': 0, 'eu-api': 2, 'eu-leads': 1 }`. */
  callsByHost(): Record<`${PowerChordSimRegion}-${PowerChordHostKind}`, number>;
};

const REGIONS: readonly PowerChordSimRegion[] = ['us', 'eu'];
const KINDS: readonly PowerChordHostKind[] = ['api', 'leads'];
const TOP_LEVEL = { us: 'com', eu: 'eu' } as const;

/** The whole simulator's counter; resetting it resets every host's too. */
class TotalCalls extends CallCounter {
  readonly hosts: CallCounter[] = [];
  override reset(): void {
    super.reset();
    for (const host of this.hosts) host.reset();
  }
}

/**
 * PowerChord's two regions with their four hosts, each on its own loopback port, as the real service has them
 * (`api.powerchord.com`, `leads.powerchord.com`, `api.powerchord.eu`, `leads.powerchord.eu`). Each region has its
 * own leads and its own OAuth service (a US token is refused in the EU). Faults are set once for all hosts.
 */
export async function startPowerChordSimulator(options: PowerChordSimulatorOptions = {}): Promise<PowerChordSimulator> {
  const trunkId = options.trunkId ?? 'trunk-sim';
  const staticToken = options.token === undefined ? 'powerchord-sim-token' : options.token;
  const serviceAccount = options.serviceAccount ?? { email: 'service-account@crm-bridge.example', password: 'sim-password' };
  const faults = new Faults(options.seed ?? 1);
  const total = new TotalCalls();
  const basePort = options.port ?? 0;
  const started: PowerChordSimHost[] = [];
  const regions = {} as Record<PowerChordSimRegion, PowerChordSimRegionState>;
  try {
    for (const [r, region] of REGIONS.entries()) {
      const auth = new PowerChordSimAuth({
        issuer: `https://api.powerchord.${TOP_LEVEL[region]}`,
        serviceAccount,
        staticToken,
        tokenLifetimeMs: options.tokenLifetimeMs ?? 3_600_000,
      });
      const state: RegionState = { store: new PowerChordStore(), auth, trunkId };
      const hosts = {} as Record<PowerChordHostKind, PowerChordSimHost>;
      for (const [k, kind] of KINDS.entries()) {
        const { app, calls } = buildHostApp({ region, kind, auth, faults, total });
        total.hosts.push(calls);
        (kind === 'api' ? apiRoutes : leadsRoutes)(app, state);
        const url = await app.listen({ host: '127.0.0.1', port: basePort ? basePort + r * 2 + k : 0 });
        hosts[kind] = { region, kind, url, calls, app };
        started.push(hosts[kind]);
      }
      regions[region] = { store: state.store, auth, api: hosts.api, leads: hosts.leads };
    }
  } catch (error) {
    await Promise.all(started.map((host) => host.app.close()));
    throw error;
  }
  const region = options.region ?? 'us';
  const home = regions[region];
  return {
    name: `powerchord-${region}`,
    url: home.api.url,
    leadsUrl: home.leads.url,
    token: staticToken ?? '',
    calls: total,
    faults,
    app: home.api.app,
    store: home.store,
    trunkId,
    region,
    serviceAccount,
    regions,
    callsByHost: () =>
      Object.fromEntries(started.map((host) => [`${host.region}-${host.kind}`, host.calls.count()])) as Record<`${PowerChordSimRegion}-${PowerChordHostKind}`, number>,
    close: async () => {
      await Promise.all(started.map((host) => host.app.close()));
    },
  };
}
