/**
 * The load generator of bench/api-load.ts, run as its own process (so its CPU is not the server's): one measured
 * load at a fixed rate, printed as one JSON line on stdout. The argument is a JSON `GeneratorArgs`.
 *
 * Two ways to hold a rate:
 * - `autocannon`: autocannon's `overallRate` (`-R`). Each connection sends its share of a second's requests back
 *   to back, then waits for the next second; so at 50 connections the requests come in bursts of 50 in flight.
 * - `even`: requests start at evenly spaced instants (1/rate apart) on an undici pool of `connections` keep-alive
 *   connections. Latency is from the instant a request was due, so a request queued behind a slow one counts its
 *   wait (no coordinated omission).
 *
 * DUMP_LATENCIES=FILE appends every response as "sent-at (epoch ms) latency-ms" lines, one block per measurement,
 * to line latencies up with the server's GC or event-loop stalls.
 *
 * Each first sends one second at the rate over the same connections, unmeasured (connections opened, both sides
 * warm). Latency percentiles
 * come from every response's own time (autocannon's histogram "corrects" rate-limited runs with
 * an expected interval of ceil(1 / rate) ms = 1 ms, which adds a made-up sample per millisecond of each response).
 */
import autocannon from 'autocannon';
import { Pool } from 'undici';

export interface GeneratorArgs {
  url: string;
  method: 'POST' | 'GET';
  headers: Record<string, string>;
  body: string;
  connections: number;
  rate: number;
  seconds: number;
  pacing: 'autocannon' | 'even';
}

export interface GeneratorResult {
  requests: number;
  requests_per_s: number;
  latency_ms: { p50: number; p90: number; p99: number; max: number };
  errors: number;
  non_2xx: number;
  /** Requests sent in the unmeasured first second (the server's CPU figure counts them too). */
  warmup_requests: number;
  /** Latency of the unmeasured first second (autocannon: the connections opened in it, their first requests). */
  first_second_ms?: GeneratorResult['latency_ms'];
  /** autocannon's own p99, from its histogram with the rate correction described above (for comparison only). */
  autocannon_p99_ms?: number;
}

/** Seconds of load before the measured window, at the same rate. */
const WARMUP_S = 1;

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

function summarise(latencies: number[], errors: number, non2xx: number, seconds: number): GeneratorResult {
  const sorted = latencies.sort((a, b) => a - b);
  const round2 = (n: number) => Math.round(n * 100) / 100;
  return {
    requests: sorted.length + errors,
    requests_per_s: Math.round((sorted.length + errors) / seconds),
    latency_ms: { p50: round2(percentile(sorted, 50)), p90: round2(percentile(sorted, 90)), p99: round2(percentile(sorted, 99)), max: round2(sorted.at(-1) ?? 0) },
    errors,
    non_2xx: non2xx,
    warmup_requests: 0,
  };
}

async function withAutocannon(args: GeneratorArgs): Promise<GeneratorResult> {
  // One autocannon over the warm-up and the measured window, so the measured requests go over connections that are
  // open and warm, as a client's keep-alive connections are: a second autocannon after the warm-up opened 50 new
  // ones, and its first second's burst paid for the connections (20-67 ms for its first requests, on this product
  // and on the bare Fastify alike). Requests sent in the first second are not measured; what they cost is in the
  // JSON as `first_second`.
  const latencies: number[] = [];
  const warmupLatencies: number[] = [];
  const dump: string[] = [];
  let non2xx = 0;
  let errors = 0;
  let warmupRequests = 0;
  const started = performance.now();
  const measuredFrom = started + WARMUP_S * 1000;
  const instance = autocannon({
    url: args.url,
    method: args.method,
    headers: args.headers,
    body: args.body,
    connections: args.connections,
    overallRate: args.rate,
    duration: WARMUP_S + args.seconds,
  });
  instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
    const sentAt = performance.now() - ms;
    if (process.env['DUMP_LATENCIES']) dump.push(`${(performance.timeOrigin + sentAt).toFixed(2)} ${ms.toFixed(2)}`);
    if (sentAt < measuredFrom) {
      warmupRequests++;
      warmupLatencies.push(ms);
      return;
    }
    latencies.push(ms);
    if (status < 200 || status > 299) non2xx++;
  });
  instance.on('reqError', () => errors++);
  const result = await instance;
  if (process.env['DUMP_LATENCIES']) (await import('node:fs')).appendFileSync(process.env['DUMP_LATENCIES'], `${dump.join('\n')}\n---\n`);
  const warm = summarise(warmupLatencies, 0, 0, WARMUP_S);
  return { ...summarise(latencies, errors + result.timeouts, non2xx, args.seconds), warmup_requests: warmupRequests, first_second_ms: warm.latency_ms, autocannon_p99_ms: result.latency.p99 };
}

async function evenlyPaced(args: GeneratorArgs): Promise<GeneratorResult> {
  const url = new URL(args.url);
  const pool = new Pool(url.origin, { connections: args.connections, pipelining: 1, keepAliveTimeout: 30_000 });
  const latencies: number[] = [];
  let non2xx = 0;
  let errors = 0;
  const intervalMs = 1000 / args.rate;
  const send = async (due: number, record: boolean) => {
    try {
      const response = await pool.request({ path: url.pathname + url.search, method: args.method, headers: args.headers, body: args.method === 'GET' ? null : args.body });
      await response.body.dump();
      if (!record) return;
      latencies.push(performance.now() - due);
      if (response.statusCode < 200 || response.statusCode > 299) non2xx++;
    } catch {
      if (record) errors++;
    }
  };
  const pace = async (seconds: number, record: boolean) => {
    const start = performance.now();
    const inFlight: Array<Promise<void>> = [];
    for (let i = 0; i < Math.round(args.rate * seconds); i++) {
      const due = start + i * intervalMs;
      const wait = due - performance.now();
      // setTimeout's granularity is ~1 ms: sleep only when the next request is that far off, and send every request
      // that is due (a late timer sends the ones it owes at once, each timed from when it was due).
      if (wait >= 1) await new Promise((resolve) => setTimeout(resolve, wait));
      inFlight.push(send(due, record));
    }
    await Promise.all(inFlight);
  };
  // Not measured: opening the pool's connections and the generator's own warm-up.
  await pace(WARMUP_S, false);
  await pace(args.seconds, true);
  await pool.close();
  return { ...summarise(latencies, errors, non2xx, args.seconds), warmup_requests: Math.round(args.rate * WARMUP_S) };
}

const args = JSON.parse(process.argv[2] ?? '{}') as GeneratorArgs;
const result = args.pacing === 'even' ? await evenlyPaced(args) : await withAutocannon(args);
process.stdout.write(`${JSON.stringify(result)}\n`);
