/**
 * CPU per enqueue of `crm-bridge api`, A/B: what bench/api-load.ts's latency hangs on (at 50 connections every
 * autocannon second opens with 50 requests in flight, so p99 ≈ 50 × the time per request), measured without its
 * pacing, so a comparison of two versions takes seconds rather than minutes.
 *
 *   npx node bench/api-cpu.ts [--compare DIR] [--bursts 200] [--rounds 5] [--cpu-prof]
 *
 * Each server is `node src/cli.ts api` as bench/api-load.ts starts it (own process, LOG_LEVEL info, the Dockerfile's
 * Node flags, a private Redis). The load: bursts of 50 concurrent `POST /v1/syncs/trata-to-powerchord/runs` over 50
 * keep-alive connections, the next burst once all are answered; 20 unmeasured bursts first. CPU is the server's
 * (/proc, user + system) over the measured bursts. The versions alternate per round; medians and spreads printed.
 * `--cpu-prof`: the API's V8 profile, summarized over the measured bursts only (bench/profile.ts).
 *
 * Its bursts arrive all at once, which flatters whatever batches across requests: ioredis auto-pipelining of the
 * enqueues measured 13 % cheaper here, yet under `npm run bench:api` it was 6 % cheaper with autocannon's bursts and
 * 31 % dearer with evenly spaced requests (557 vs 425 µs), so it was not kept. Confirm a gain with bench:api.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Pool } from 'undici';
import { freePort, startEmbeddedRedis } from '../src/redis/embedded-redis.ts';
import { formatAllocations, type AllocationProfile } from './alloc-profile.ts';
import { summarize, type CpuProfile } from './profile.ts';

const { values: flags } = parseArgs({
  options: {
    compare: { type: 'string' },
    bursts: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '5' },
    connections: { type: 'string', default: '50' },
    'cpu-prof': { type: 'boolean', default: false },
    /** Samples the API's allocations over the measured bursts (collected objects counted): KB per request by site. */
    alloc: { type: 'boolean', default: false },
    'api-flags': { type: 'string', default: '--max-semi-space-size=32 --max-old-space-size=192' },
  },
  strict: true,
});
const bursts = Number(flags.bursts);
const rounds = Number(flags.rounds);
const connections = Number(flags.connections);
const root = path.resolve(import.meta.dirname, '..');
const TOKEN = 'bench-api-token-0123456789abcdef0123456789';
const PATH = '/v1/syncs/trata-to-powerchord/runs';

const cpuMsOf = (pid: number) => {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

const redisDir = path.join(root, '.data/bench-api-redis', String(process.pid));
const redis = await startEmbeddedRedis({ dataDir: redisDir, fresh: true });

async function measureOnce(cwd: string): Promise<{ cpuUsPerRequest: number; profile?: CpuProfile; window?: [number, number] }> {
  const port = await freePort();
  const profDir = flags['cpu-prof'] ? mkdtempSync(path.join(tmpdir(), 'api-cpu-')) : null;
  const allocFile = flags.alloc ? path.join(mkdtempSync(path.join(tmpdir(), 'api-alloc-')), 'api.heapprofile') : null;
  const args = [
    ...flags['api-flags'].split(' ').filter(Boolean),
    ...(profDir ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []),
    ...(allocFile ? ['--import', path.join(root, 'bench/alloc-on-signal.ts')] : []),
    path.join(cwd, 'src/cli.ts'),
    'api',
  ];
  const child = spawn(process.execPath, args, {
    cwd,
    env: { ...process.env, ...(allocFile ? { ALLOC_OUT: allocFile } : {}), NODE_ENV: 'production', REDIS_URL: redis.url, API_TOKENS: TOKEN, LOG_LEVEL: process.env['BENCH_LOG_LEVEL'] ?? 'info', HOST: '127.0.0.1', PORT: String(port) },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (await fetch(`${url}/healthz`).then((r) => r.ok, () => false)) break;
    if (i > 300) throw new Error('the API did not start');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const pool = new Pool(url, { connections, pipelining: 1 });
  const burst = async () => {
    await Promise.all(
      Array.from({ length: connections }, async () => {
        const response = await pool.request({ path: PATH, method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: '{"full":false}' });
        await response.body.dump();
        if (response.statusCode !== 202) throw new Error(`answered ${response.statusCode}`);
      }),
    );
  };
  for (let i = 0; i < 20; i++) await burst();
  if (allocFile) child.kill('SIGUSR2');
  if (allocFile) await new Promise((resolve) => setTimeout(resolve, 200));
  const t0 = process.hrtime.bigint();
  const cpu0 = cpuMsOf(child.pid!);
  for (let i = 0; i < bursts; i++) await burst();
  const cpu1 = cpuMsOf(child.pid!);
  const t1 = process.hrtime.bigint();
  if (allocFile) {
    child.kill('SIGUSR2');
    for (let i = 0; i < 100 && !existsSync(allocFile); i++) await new Promise((resolve) => setTimeout(resolve, 100));
    console.log(`== allocations of the measured bursts (${allocFile})\n${formatAllocations(JSON.parse(readFileSync(allocFile, 'utf8')) as AllocationProfile, bursts * connections, 30)}`);
  }
  await pool.close();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  const result = { cpuUsPerRequest: ((cpu1 - cpu0) * 1000) / (bursts * connections) };
  if (!profDir) return result;
  const file = readdirSync(profDir).find((f) => f.endsWith('.cpuprofile'))!;
  const profile = JSON.parse(readFileSync(path.join(profDir, file), 'utf8')) as CpuProfile;
  // KEEP_PROFILE=1 keeps the whole profile for a closer look (e.g. who calls a native function).
  if (process.env['KEEP_PROFILE']) console.error(`profile kept: ${path.join(profDir, file)}`);
  else rmSync(profDir, { recursive: true, force: true });
  return { ...result, profile: sliceProfile(profile, Number(t0 / 1000n), Number(t1 / 1000n)) };
}

/** The samples between two CLOCK_MONOTONIC instants (µs): V8's profile timestamps are on the same clock. */
function sliceProfile(profile: CpuProfile, fromUs: number, toUs: number): CpuProfile {
  const samples: number[] = [];
  const timeDeltas: number[] = [];
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i] ?? 0;
    if (t >= fromUs && t <= toUs) {
      samples.push(id);
      timeDeltas.push(profile.timeDeltas[i] ?? 0);
    }
  });
  return { ...profile, samples, timeDeltas, startTime: fromUs, endTime: toUs };
}

const versions: Array<{ name: string; cwd: string }> = [{ name: 'this', cwd: root }, ...(flags.compare ? [{ name: 'compare', cwd: path.resolve(flags.compare) }] : [])];
const results = new Map<string, number[]>(versions.map((v) => [v.name, []]));
try {
  for (let round = 0; round < rounds; round++) {
    for (const version of round % 2 ? [...versions].reverse() : versions) {
      const { cpuUsPerRequest, profile } = await measureOnce(version.cwd);
      results.get(version.name)!.push(cpuUsPerRequest);
      process.stderr.write(`round ${round + 1} ${version.name}: ${cpuUsPerRequest.toFixed(0)} µs CPU per request\n`);
      if (profile && round === rounds - 1) {
        const summary = summarize(profile, 40);
        const per = (ms: number) => ((ms * 1000) / (bursts * connections)).toFixed(1);
        console.log(`== ${version.name}: profile of the measured bursts, busy ${per(summary.busyMs)} µs per request`);
        for (const m of summary.modules.slice(0, 25)) console.log(`${m.share.toFixed(1).padStart(6)} % ${per(m.ms).padStart(7)} µs  ${m.name}`);
        console.log('-- functions');
        for (const f of summary.functions.slice(0, 40)) console.log(`${f.share.toFixed(1).padStart(6)} % ${per(f.ms).padStart(7)} µs  ${f.name}`);
        console.log('-- nearest src/ caller');
        for (const o of summary.ownCallers.slice(0, 20)) console.log(`${o.share.toFixed(1).padStart(6)} % ${per(o.ms).padStart(7)} µs  ${o.name}`);
      }
    }
  }
  // Redis commands per request: what each enqueue costs in round trips (every request, warm-up included).
  const { Redis } = await import('ioredis');
  const client = new Redis(redis.url);
  const stats = await client.info('commandstats');
  await client.quit();
  const requests = rounds * versions.length * (bursts + 20) * connections;
  for (const line of stats.split('\n')) {
    const match = /^cmdstat_(\w+):calls=(\d+),usec=(\d+)/.exec(line);
    if (match && Number(match[2]) > requests / 100) console.log(`redis ${match[1]}: ${(Number(match[2]) / requests).toFixed(2)} per request, ${(Number(match[3]) / requests).toFixed(1)} µs of Redis's time per request`);
  }
} finally {
  await redis.stop();
  rmSync(redisDir, { recursive: true, force: true });
}
for (const [name, values] of results) {
  console.log(`${name}: median ${median(values).toFixed(0)} µs CPU per request (rounds ${values.map((v) => v.toFixed(0)).join(' / ')})`);
}
