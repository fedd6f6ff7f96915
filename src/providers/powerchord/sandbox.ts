import type { PowerChordSimulator } from '../../simulators/powerchord/server.ts';
import type { ProviderSandbox } from '../types.ts';

/**
 * PowerChord's simulator (four hosts: US and EU, API and leads) and the connection aimed at it. Write-only: nothing
 * to seed.
 */
export const powerchordSandbox: ProviderSandbox<PowerChordSimulator> = {
  ports: 4,
  async start({ port }) {
    // Loaded only when a sandbox starts: a worker with real credentials never loads the simulators.
    const { startPowerChordSimulator } = await import('../../simulators/powerchord/server.ts');
    return startPowerChordSimulator({ port, region: 'us' });
  },
  // The simulator's own region: `url` and `leadsUrl` are that region's API and leads hosts (loopback URLs carry no
  // region, so a connection is pointed at its own region's pair). It logs in as the simulator's service account, as
  // a real one does, so it has no static token.
  connection: (sim) => ({
    baseUrl: sim.url,
    token: '',
    options: {
      region: sim.region,
      trunkId: sim.trunkId,
      organizationId: 'org-sim',
      leadsBaseUrl: sim.leadsUrl,
      email: sim.serviceAccount.email,
      password: sim.serviceAccount.password,
    },
  }),
};
