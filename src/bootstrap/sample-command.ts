/**
 * `crm-bridge sample <provider>`: one source record of a provider, for `crm-bridge preview`. It is not written down
 * here: the provider's simulator is started on loopback with the sandbox's seed (the records `npm start` syncs), and
 * its connector reads the first one, so the record is exactly what a sync's mapping gets from that provider.
 * (samples/<provider>.json hold fuller records, from the providers' documented examples.)
 */
import { commandUsage } from '../cli-args.ts';
import { providers } from '../providers/registry.ts';
import { PROVIDER_NAMES, type ProviderName } from '../providers/types.ts';
import { startSandbox } from './sandbox.ts';

export interface SampleIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** The providers a sync can read from (PowerChord is write-only). */
export const SAMPLE_PROVIDERS = PROVIDER_NAMES.filter((name) => providers[name].capabilities.list);

/** Exit 0 with the record as JSON on `out`; 2 for an unknown or write-only provider. */
export async function runSampleCommand(args: string[], io: SampleIo): Promise<number> {
  const [name, extra] = args;
  const refuse = (line: string) => {
    io.err(`crm-bridge sample: ${line}\n${commandUsage('sample')}`);
    return 2;
  };
  if (name === undefined || extra !== undefined) return refuse(name === undefined ? 'which provider?' : `one provider at a time (got "${extra}" too)`);
  if (!(PROVIDER_NAMES as readonly string[]).includes(name)) return refuse(`unknown provider "${name}" (one of ${SAMPLE_PROVIDERS.join(', ')})`);
  const provider = name as ProviderName;
  if (!SAMPLE_PROVIDERS.includes(provider)) return refuse(`${provider} is write-only: no record is ever read from it (one of ${SAMPLE_PROVIDERS.join(', ')})`);

  const sandbox = await startSandbox({ providers: [provider], records: 1, timeoutMs: 10_000 });
  try {
    const connection = sandbox.connections.get(provider);
    const connector = connection ? providers[provider].connect(connection) : undefined;
    const page = await connector?.listPage?.(null, { pageSize: 1 });
    const record = page?.records[0];
    if (!record) throw new Error(`the ${provider} simulator served no record`);
    io.out(`${JSON.stringify(record.data, null, 2)}\n`);
    return 0;
  } finally {
    await sandbox.close();
  }
}
