import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type Sandbox } from '../../../src/bootstrap/sandbox.ts';
import { ConfigError } from '../../../src/errors.ts';
import { getProvider } from '../../../src/providers/registry.ts';
import { PROVIDER_NAMES, type ProviderName } from '../../../src/providers/types.ts';

// Each provider's sandbox connection (its folder's `sandbox.connection`) must reach that provider's simulator and no
// other: one real call per provider through its connector, counted by every simulator.

let sandbox: Sandbox;
beforeAll(async () => {
  sandbox = await startSandbox({ providers: PROVIDER_NAMES, records: 3, timeoutMs: 5_000 });
});
afterAll(async () => {
  await sandbox?.close();
});

const callsByProvider = () => Object.fromEntries([...sandbox.simulators].map(([name, sim]) => [name, sim.calls.count()]));

/** One call that needs the provider's own API: a page of records, or (write-only PowerChord) a lead created. */
async function oneCall(name: ProviderName): Promise<void> {
  const connector = getProvider(name).connect(sandbox.connections.get(name)!);
  if (connector.listPage) {
    const page = await connector.listPage(null, { pageSize: 2 });
    expect(page.records.length, name).toBeGreaterThan(0);
  } else {
    const created = await connector.create!({ Status: 'open', Content: { firstName: 'Sandbox' } });
    expect(created.kind).toBe('done');
  }
}

describe('the sandbox connection of each provider points at that provider’s simulator', () => {
  it('makes one simulator and one connection per provider, in registry order', () => {
    expect([...sandbox.simulators.keys()]).toEqual([...PROVIDER_NAMES]);
    expect([...sandbox.connections.keys()]).toEqual([...PROVIDER_NAMES]);
  });

  it.each([...PROVIDER_NAMES])('%s: a call through its connector reaches its simulator and no other', async (name) => {
    const sim = sandbox.simulators.get(name)!;
    expect(sandbox.connections.get(name)!.baseUrl.startsWith(sim.url)).toBe(true);
    for (const other of sandbox.simulators.values()) other.calls.reset();
    await oneCall(name);
    const calls = callsByProvider();
    expect(calls[name], `${name} simulator calls`).toBeGreaterThan(0);
    for (const other of PROVIDER_NAMES.filter((p) => p !== name)) expect(calls[other], `${other} simulator calls`).toBe(0);
  });

  it('an unknown provider gets no simulator (no fallback to any other provider’s)', async () => {
    await expect(startSandbox({ providers: ['acme' as ProviderName] })).rejects.toThrow(ConfigError);
    await expect(startSandbox({ providers: ['acme' as ProviderName] })).rejects.toThrow(/unknown provider "acme"/);
  });
});
