/**
 * Latency of the enqueue API at fixed request rates, with the load generated from another process.
 *
 *   npm run bench:api [-- --rates 100,250,500,1000 --connections 50 --seconds 5 --rounds 3 --pacing autocannon]
 *
 * Processes, as a user runs them: a private redis-server; `crm-bridge api` (`node src/cli.ts api`, API_TOKENS set,
 * LOG_LEVEL info, the Dockerfile's Node flags, workers elsewhere: none here, so only the enqueue is measured); a
 * bare Fastify answering the same route (bench/api-baseline-server.ts: the machine's and the generator's floor);
 * and for every measurement a fresh load generator (bench/api-load-generator.ts) sending
 * `POST /v1/syncs/trata-to-powerchord/runs` at one fixed rate over N keep-alive connections. The baseline and the
 * product alternate, `--rounds` times per (connections, rate), so a slow spell of this shared machine lands on
 * both; per rate the JSON gives the median p50/p99 over the rounds and each round's, errors and non-2xx answers.
 *
 * stdout: a table, then one JSON object as the last line. Progress goes to stderr.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { freePort, startEmbeddedRedis, type EmbeddedRedis } from '../src/redis/embedded-redis.ts';
import type { GeneratorArgs, GeneratorResult } from './api-load-generator.ts';

const { values: flags } = parseArgs({
  options: {
    rates: { type: 'string', default: '100,250,500,1000' },
    connections: { type: 'string', default: '50' },
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    /** `autocannon` (its `-R`: per-second bursts per connection), `even` (evenly spaced starts), or both. */
    pacing: { type: 'string', default: 'autocannon' },
    /** The API process's LOG_LEVEL; `info` is the default a user gets (one line per request and per answer). */
    'log-level': { type: 'string', default: 'info' },
    /** Node flags of the API process; default the Dockerfile's. */
    'api-flags': { type: 'string', default: '--max-semi-space-size=32 --max-old-space-size=192' },
    /** Writes a V8 CPU profile of the API process to .data/bench-prof when it stops. */
    'cpu-prof': { type: 'boolean', default: false },
    'no-baseline': { type: 'boolean', default: false },
    /**
     * Another crm-bridge checkout (its node_modules in place or symlinked), run the same way and measured in the same
     * rounds: an A/B of two versions under the same noise, e.g. `git archive HEAD~1 | tar -x -C /tmp/prev`.
     */
    compare: { type: 'string' },
    /** Node flags of the `--compare` server (default: --api-flags). With `--compare .` an A/B of Node flags alone. */
    'compare-flags': { type: 'string' },
  },
  strict: true,
});

const list = (name: string, value: string) =>
  value.split(',').map((part) => {
    const n = Number(part.trim());
    if (!Number.isInteger(n) || n <= 0) throw new Error(`--${name}: "${part}" is not a positive integer`);
    return n;
  });
const rates = list('rates', flags.rates);
const connectionCounts = list('connections', flags.connections);
const [seconds] = list('seconds', flags.seconds);
const [rounds] = list('rounds', flags.rounds);
const pacings = flags.pacing.split(',').map((p) => p.trim());
for (const pacing of pacings) if (pacing !== 'autocannon' && pacing !== 'even') throw new Error(`--pacing: "${pacing}" is neither autocannon nor even`);
const root = path.resolve(import.meta.dirname, '..');
const TOKEN = 'bench-api-token-0123456789abcdef0123456789'; // API_TOKENS wants 32+ characters
const SYNC = 'trata-to-powerchord';
const GOAL = { connections: 50, rate: 500, p99Ms: 20 };

const log = (message: string) => process.stderr.write(`[bench:api ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const round1 = (n: number) => Math.round(n * 10) / 10;

/** User + system CPU a process has used, ms (Linux /proc; clock ticks are 100 a second there). */
function cpuMsOf(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

interface Server {
  name: 'product' | 'compare' | 'baseline';
  url: string;
  child: ChildProcess;
}

async function waitForHealth(url: string, child: ChildProcess): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`server exited (${child.exitCode}) before it answered ${url}/healthz`);
    const ok = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`${url}/healthz did not answer within 30 s`);
}

async function startServer(name: Server['name'], args: string[], env: NodeJS.ProcessEnv, cwd = root): Promise<Server> {
  const port = await freePort();
  // stdout (the API's request log) goes to /dev/null: reading it here would put a consumer's CPU on these cores.
  const child = spawn(process.execPath, args, { cwd, env: { ...env, HOST: '127.0.0.1', PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
  const url = `http://127.0.0.1:${port}`;
  await waitForHealth(url, child);
  return { name, url, child };
}

async function stopServer(server: Server): Promise<void> {
  if (server.child.exitCode !== null) return;
  const exited = new Promise((resolve) => server.child.once('exit', resolve));
  server.child.kill('SIGTERM');
  await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 10_000))]);
  if (server.child.exitCode === null) server.child.kill('SIGKILL');
}

/** One measured load from a fresh generator process; the server's CPU over it too. */
async function measure(server: Server, connections: number, rate: number, pacing: GeneratorArgs['pacing'], secs: number): Promise<GeneratorResult & { cpu_us_per_request: number }> {
  const args: GeneratorArgs = {
    url: `${server.url}/v1/syncs/${SYNC}/runs`,
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: '{"full":false}',
    connections,
    rate,
    seconds: secs,
    pacing,
  };
  const child = spawn(process.execPath, [path.join(import.meta.dirname, 'api-load-generator.ts'), JSON.stringify(args)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  // The server idles while the generator loads, so its CPU from spawn to exit is the load's.
  const cpuBefore = cpuMsOf(server.child.pid!);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  const cpuAfter = cpuMsOf(server.child.pid!);
  if (code !== 0) throw new Error(`load generator exited ${code}`);
  const result = JSON.parse(out.trim().split('\n').at(-1)!) as GeneratorResult;
  return { ...result, cpu_us_per_request: Math.round(((cpuAfter - cpuBefore) * 1000) / Math.max(1, result.requests + result.warmup_requests)) };
}

interface Cell {
  pacing: string;
  connections: number;
  rate: number;
  product: Array<Awaited<ReturnType<typeof measure>>>;
  compare: Array<Awaited<ReturnType<typeof measure>>>;
  baseline: Array<Awaited<ReturnType<typeof measure>>>;
}

const summary = (runs: Cell['product']) =>
  runs.length === 0
    ? null
    : {
        p50_ms: round1(median(runs.map((r) => r.latency_ms.p50))),
        p99_ms: round1(median(runs.map((r) => r.latency_ms.p99))),
        p99_ms_rounds: runs.map((r) => round1(r.latency_ms.p99)),
        p50_ms_rounds: runs.map((r) => round1(r.latency_ms.p50)),
        max_ms: round1(Math.max(...runs.map((r) => r.latency_ms.max))),
        requests_per_s: Math.round(median(runs.map((r) => r.requests_per_s))),
        errors: runs.reduce((sum, r) => sum + r.errors, 0),
        non_2xx: runs.reduce((sum, r) => sum + r.non_2xx, 0),
        cpu_us_per_request: Math.round(median(runs.map((r) => r.cpu_us_per_request))),
        ...(runs[0]?.first_second_ms === undefined ? {} : { first_second_p99_ms_rounds: runs.map((r) => round1(r.first_second_ms?.p99 ?? 0)) }),
        ...(runs[0]?.autocannon_p99_ms === undefined ? {} : { autocannon_p99_ms: round1(median(runs.map((r) => r.autocannon_p99_ms ?? 0))) }),
      };

let redis: EmbeddedRedis | null = null;
const servers: Server[] = [];
const redisDir = path.join(root, '.data/bench-api-redis', String(process.pid));

async function cleanup(): Promise<void> {
  await Promise.allSettled(servers.map(stopServer));
  await redis?.stop();
  rmSync(redisDir, { recursive: true, force: true });
}

async function main(): Promise<void> {
  redis = await startEmbeddedRedis({ dataDir: redisDir, fresh: true, log });
  const apiFlags = flags['api-flags'].split(' ').filter(Boolean);
  const prof = flags['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${path.join(root, '.data/bench-prof')}`] : [];
  const apiEnv = { ...process.env, NODE_ENV: 'production', REDIS_URL: redis.url, API_TOKENS: TOKEN, LOG_LEVEL: flags['log-level'] };
  const product = await startServer('product', [...apiFlags, ...prof, 'src/cli.ts', 'api'], apiEnv);
  servers.push(product);
  // Its own key prefix, so neither version reads the other's queues.
  const compareFlags = flags['compare-flags'] === undefined ? apiFlags : flags['compare-flags'].split(' ').filter(Boolean);
  const compare = flags.compare ? await startServer('compare', [...compareFlags, 'src/cli.ts', 'api'], { ...apiEnv, QUEUE_PREFIX: '{crm-bridge-compare}' }, path.resolve(flags.compare)) : null;
  if (compare) {
    servers.push(compare);
    log(`compare: crm-bridge api from ${path.resolve(flags.compare!)} at ${compare.url} (flags ${compareFlags.join(' ') || 'none'})`);
  }
  log(`crm-bridge api at ${product.url} (LOG_LEVEL ${flags['log-level']}, flags ${apiFlags.join(' ') || 'none'})`);
  const baseline = flags['no-baseline'] ? null : await startServer('baseline', [...apiFlags, path.join(import.meta.dirname, 'api-baseline-server.ts')], process.env);
  if (baseline) servers.push(baseline);

  // Warm both up (JIT, connections, Redis's first allocations) before anything is measured.
  for (const server of [product, compare, baseline]) if (server) await measure(server, Math.max(...connectionCounts), Math.max(...rates), 'autocannon', 3);

  const cells: Cell[] = [];
  for (const pacing of pacings as Array<GeneratorArgs['pacing']>) {
    for (const connections of connectionCounts) {
      for (const rate of rates) {
        const cell: Cell = { pacing, connections, rate, product: [], compare: [], baseline: [] };
        cells.push(cell);
        for (let r = 1; r <= rounds!; r++) {
          // Alternate which goes first, so neither always follows the other's leftovers.
          const all = [product, compare, baseline].filter((server): server is Server => server !== null);
          const order = r % 2 === 0 ? all.reverse() : all;
          for (const server of order) {
            const result = await measure(server, connections, rate, pacing, seconds!);
            cell[server.name].push(result);
            log(`${pacing} c=${connections} R=${rate} round ${r} ${server.name}: p50 ${result.latency_ms.p50} ms, p99 ${result.latency_ms.p99} ms, max ${result.latency_ms.max} ms, ${result.requests_per_s}/s, errors ${result.errors}, non-2xx ${result.non_2xx}, server CPU ${result.cpu_us_per_request} µs/request`);
          }
        }
      }
    }
  }
  await cleanup();

  const results = cells.map((cell) => ({ pacing: cell.pacing, connections: cell.connections, rate: cell.rate, product: summary(cell.product)!, ...(compare ? { compare: summary(cell.compare) } : {}), baseline: summary(cell.baseline) }));
  const goalCell = results.find((r) => r.pacing === 'autocannon' && r.connections === GOAL.connections && r.rate === GOAL.rate) ?? results.find((r) => r.connections === GOAL.connections && r.rate === GOAL.rate);
  const goal = goalCell
    ? {
        pacing: goalCell.pacing,
        connections: GOAL.connections,
        rate: GOAL.rate,
        p99_ms: goalCell.product.p99_ms,
        p99_ms_rounds: goalCell.product.p99_ms_rounds,
        errors: goalCell.product.errors + goalCell.product.non_2xx,
        target_p99_ms: GOAL.p99Ms,
        ok: goalCell.product.p99_ms < GOAL.p99Ms && goalCell.product.errors + goalCell.product.non_2xx === 0,
      }
    : null;

  const rows: string[][] = [['pacing', 'conns', 'rate/s', 'server', 'p50 ms', 'p99 ms (rounds)', 'max ms', 'errors', 'non-2xx', 'CPU µs/req']];
  for (const r of results) {
    for (const [name, x] of [['crm-bridge api', r.product], ['compare', 'compare' in r ? r.compare : null], ['bare Fastify', r.baseline]] as const) {
      if (!x) continue;
      rows.push([r.pacing, String(r.connections), String(r.rate), name, String(x.p50_ms), `${x.p99_ms} (${x.p99_ms_rounds.join(' / ')})`, String(x.max_ms), String(x.errors), String(x.non_2xx), String(x.cpu_us_per_request)]);
    }
  }
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const table = rows.map((row) => row.map((cell, i) => (i === 0 || i === 3 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
  const out = [
    `crm-bridge API load: POST /v1/syncs/${SYNC}/runs, ${seconds} s per measurement, ${rounds} rounds, generator in its own process; medians of the rounds; bare Fastify: the same route answering 202 with nothing behind it`,
    ...table,
    ...(goal ? ['', `goal: ${goal.rate}/s at ${goal.connections} connections (${goal.pacing}): p99 ${goal.p99_ms} ms (rounds ${goal.p99_ms_rounds.join(' / ')}), ${goal.errors} errors  (target p99 < ${GOAL.p99Ms} ms, 0 errors): ${goal.ok ? 'met' : 'NOT met'}`] : []),
    JSON.stringify({ endpoint: `POST /v1/syncs/${SYNC}/runs`, seconds, rounds, log_level: flags['log-level'], results, goal }),
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping`);
    void cleanup().finally(() => process.exit(130));
  });
}

try {
  await main();
} catch (error) {
  log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  await cleanup();
  process.exitCode = 1;
}
