/**
 * `npx node bench/http-clients.ts [--calls N] [--rounds R]`: the CPU one provider call costs the worker, for got
 * (as the naive baseline configures it, and without its `timeout` option) against undici's `request` (as
 * src/providers/http.ts uses it). Each client POSTs the same lead to the PowerChord simulator, in its own process,
 * at concurrency 50; the clients alternate for R rounds and the medians are printed. This is why provider calls
 * use undici (README, design notes).
 */
import http from 'node:http';
import path from 'node:path';
import { parseArgs } from 'node:util';
import got from 'got';
import { Agent } from 'undici';
import { ChildHandle } from './ipc.ts';
import type { SimulatorsInfo } from './simulators-process.ts';

const { values: flags } = parseArgs({
  options: { calls: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '3' } },
  strict: true,
});
const calls = Number(flags.calls);
const rounds = Number(flags.rounds);
const CONCURRENCY = 50;

const simulators = new ChildHandle('simulators', path.join(import.meta.dirname, 'simulators-process.ts'));
await simulators.ready;
const { powerchord } = await simulators.call<SimulatorsInfo>('info');
const body = {
  organizationID: 'org-1',
  content: { name: 'Sample Prospect', email: 'prospect@example.com', phone: '+14155551000' },
  typeKey: 'contact-us',
  typeLabel: 'Contact Us',
  status: 'open',
};
const path$ = `/v1/${powerchord.trunkId}`;
const headers = { authorization: `Bearer ${powerchord.token}` };

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const gotWithTimeout = got.extend({ prefixUrl: powerchord.leadsUrl, headers, agent: { http: agent }, timeout: { request: 10_000 }, retry: { limit: 0 } });
const gotNoTimeout = got.extend({ prefixUrl: powerchord.leadsUrl, headers, agent: { http: agent }, retry: { limit: 0 } });
const dispatcher = new Agent({ connections: 256, keepAliveTimeout: 30_000 });
const origin = new URL(powerchord.leadsUrl).origin;

const clients: Record<string, () => Promise<unknown>> = {
  'got (timeout 10 s)': () => gotWithTimeout.post(path$.slice(1), { json: body }).json(),
  'got (no timeout)': () => gotNoTimeout.post(path$.slice(1), { json: body }).json(),
  'undici request': async () => {
    const response = await dispatcher.request({
      origin,
      path: path$,
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json' },
      body: JSON.stringify(body),
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    return JSON.parse(await response.body.text());
  },
};

async function measure(call: () => Promise<unknown>): Promise<{ perSecond: number; cpuUs: number }> {
  let started = 0;
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (started++ < calls) await call();
    }),
  );
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  return { perSecond: calls / (ms / 1000), cpuUs: (cpu.user + cpu.system) / calls };
}

const results = new Map<string, Array<{ perSecond: number; cpuUs: number }>>();
await measure(clients['undici request']!); // warm-up: JIT and connections
for (let round = 0; round < rounds; round++) {
  for (const [name, call] of Object.entries(clients)) {
    results.set(name, [...(results.get(name) ?? []), await measure(call)]);
    await simulators.call('clearPowerChord');
  }
}
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
process.stdout.write(`${calls} POSTs per client and round, concurrency ${CONCURRENCY}, medians of ${rounds} rounds\n`);
for (const [name, runs] of results) {
  process.stdout.write(`${name.padEnd(20)} ${String(Math.round(median(runs.map((r) => r.perSecond)))).padStart(6)} calls/s  ${String(Math.round(median(runs.map((r) => r.cpuUs)))).padStart(4)} CPU µs/call\n`);
}
await simulators.stop();
await dispatcher.close();
agent.destroy();
