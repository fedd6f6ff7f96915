import { startPowerChordSimulator, type PowerChordSimulator, type PowerChordSimulatorOptions } from '../../src/simulators/powerchord/server.ts';
import { startTrataSimulator, type TrataSimulator } from '../../src/simulators/trata/server.ts';
import { simulatorConnection } from './connections.ts';
import { createTestEngine, type TestEngine } from './engine.ts';
import { powerChordConnection, type PowerChordConnectionOptions } from './powerchord.ts';

export interface TrataToPowerChord {
  trata: TrataSimulator;
  powerchord: PowerChordSimulator;
  t: TestEngine;
  close(): Promise<void>;
}

/**
 * A Trata and a PowerChord simulator with an engine connected to both: the shipped trata-to-powerchord sync.
 * `powerchord` sets up the PowerChord simulator (token lifetime, region) and how the connection authenticates.
 */
export async function startTrataToPowerChord(
  engine: Omit<Parameters<typeof createTestEngine>[0], 'connections'> = {},
  powerchordSetup: { simulator?: PowerChordSimulatorOptions; connection?: PowerChordConnectionOptions } = {},
): Promise<TrataToPowerChord> {
  const trata = await startTrataSimulator();
  const powerchord = await startPowerChordSimulator(powerchordSetup.simulator);
  const connections = new Map([simulatorConnection('trata', trata), ['powerchord', powerChordConnection(powerchord, powerchordSetup.connection)] as const]);
  const t = await createTestEngine({ connections, ...engine });
  return {
    trata,
    powerchord,
    t,
    async close() {
      await t.close();
      await trata.close();
      await powerchord.close();
    },
  };
}
