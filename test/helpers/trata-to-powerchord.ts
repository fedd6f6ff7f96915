import { startPowerChordSimulator, type PowerChordSimulator } from '../../src/simulators/powerchord/server.ts';
import { startTrataSimulator, type TrataSimulator } from '../../src/simulators/trata/server.ts';
import { simulatorConnection } from './connections.ts';
import { createTestEngine, type TestEngine } from './engine.ts';

export interface TrataToPowerChord {
  trata: TrataSimulator;
  powerchord: PowerChordSimulator;
  t: TestEngine;
  close(): Promise<void>;
}

/** A Trata and a PowerChord simulator with an engine connected to both: the shipped trata-to-powerchord sync. */
export async function startTrataToPowerChord(engine: Omit<Parameters<typeof createTestEngine>[0], 'connections'> = {}): Promise<TrataToPowerChord> {
  const trata = await startTrataSimulator();
  const powerchord = await startPowerChordSimulator();
  const connections = new Map([simulatorConnection('trata', trata), simulatorConnection('powerchord', powerchord)]);
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
