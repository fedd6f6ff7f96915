/**
 * The baselines, each in a fresh process like the product's worker:
 * - `addBulk`: queueing N small jobs with `Queue.addBulk` (1000 a call), the cost of merely queueing;
 * - `naive` (kind `got`): one BullMQ job per record, each one got POST of an already-mapped body to the PowerChord
 *   simulator: a create, without the ExternalID the product also sets;
 * - `naive` (kind `same-calls`): the loop a user would hand-write to do what the product does: one BullMQ job per
 *   record making exactly the product's calls for it with the product's HTTP client (undici's `request`, one
 *   keep-alive pool): the create POST on the leads host, then the PATCH setting `ExternalID` on the API host.
 * Both naive loops run at the product's push concurrency; their jobs are queued before the clock starts, so only
 * their processing is timed (the product's timing includes its own queueing and mapping). All use the product's
 * queue retention options, so only the work per job differs.
 */
import http from 'node:http';
import { Queue, Worker, type Job } from 'bullmq';
import got from 'got';
import { Agent } from 'undici';
import { DEFAULT_JOB_OPTIONS } from '../src/queues/factory.ts';
import { producerConnection, workerConnection } from '../src/redis/connection.ts';
import { RssSampler, serve } from './ipc.ts';
import { profilerFor } from './profile.ts';

const PREFIX = '{bench-baseline}';
const CHUNK = 1_000;
const rss = new RssSampler();

export type NaiveKind = 'got' | 'same-calls';

interface NaiveArgs {
  redisUrl: string;
  cluster: boolean;
  kind: NaiveKind;
  records: number;
  concurrency: number;
  powerchord: { url: string; leadsUrl: string; token: string; trunkId: string };
  /** Writes a CPU profile of the timed part to this file. */
  profile?: string;
}

const queueName = (kind: NaiveKind) => (kind === 'got' ? 'naive' : 'naive-same-calls');

/** A mapped PowerChord create body, as crm-bridge would send it for a seeded Trata prospect. */
function leadBody(i: number) {
  return {
    organizationID: 'org-1',
    content: { name: `Sample Prospect ${i}`, email: `prospect${i}@example.com`, phone: `+1415555${String(1000 + (i % 9000))}` },
    typeKey: 'contact-us',
    typeLabel: 'Contact Us',
    status: 'open',
  };
}

async function addInChunks(queue: Queue, records: number, data: (i: number) => object): Promise<void> {
  for (let start = 0; start < records; start += CHUNK) {
    const jobs = [];
    for (let i = start; i < Math.min(start + CHUNK, records); i++) jobs.push({ name: 'job', data: data(i) });
    await queue.addBulk(jobs);
  }
}

serve({
  addBulk: async ({ redisUrl, cluster, records }: { redisUrl: string; cluster: boolean; records: number }) => {
    const connection = producerConnection(redisUrl, {}, undefined, cluster);
    const queue = new Queue('addbulk', { connection, prefix: PREFIX, defaultJobOptions: DEFAULT_JOB_OPTIONS });
    await queue.waitUntilReady();
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    await addInChunks(queue, records, (i) => ({ i }));
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    await queue.obliterate({ force: true });
    await queue.close();
    connection.disconnect();
    return { ms, cpuMs };
  },

  /** Queues the naive jobs (not timed): the product's timing includes its own queueing, the naive one does not. */
  naivePrepare: async (args: NaiveArgs) => {
    const producer = producerConnection(args.redisUrl, {}, undefined, args.cluster);
    const queue = new Queue(queueName(args.kind), { connection: producer, prefix: PREFIX, defaultJobOptions: DEFAULT_JOB_OPTIONS });
    // The same-calls loop also sets the ExternalID (the Trata id the product maps into it).
    await addInChunks(queue, args.records, args.kind === 'got' ? leadBody : (i) => ({ body: leadBody(i), externalId: `pro.bench.${i}` }));
    await queue.close();
    producer.disconnect();
    return true;
  },

  /** Works off the queued jobs: timed from the worker's start until the last one completed. */
  naiveRun: async (args: NaiveArgs) => {
    const work = args.kind === 'got' ? gotCreate(args) : sameCalls(args);
    let completed = 0;
    let failed = 0;
    rss.reset();
    const profiler = args.profile ? await profilerFor(args.profile) : null;
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    const worker = new Worker(queueName(args.kind), work, {
      connection: workerConnection(args.redisUrl, {}, undefined, args.cluster),
      prefix: PREFIX,
      concurrency: args.concurrency,
    });
    // Events are emitted asynchronously: listening right after construction misses none.
    const finished = new Promise<void>((resolve) => {
      const check = () => {
        if (completed + failed >= args.records) resolve();
      };
      worker.on('completed', () => (completed++, check()));
      worker.on('failed', () => (failed++, check()));
    });
    await finished;
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpu0);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    if (profiler && args.profile) await profiler.stop(args.profile);
    const peakRssMb = rss.peakMb();
    await worker.close();
    const producer = producerConnection(args.redisUrl, {}, undefined, args.cluster);
    const queue = new Queue(queueName(args.kind), { connection: producer, prefix: PREFIX });
    await queue.obliterate({ force: true });
    await queue.close();
    producer.disconnect();
    return { ms, cpuMs, completed, failed, peakRssMb };
  },
});

/** What a careful hand-written worker does with got: keep-alive, a timeout, throw on non-2xx. One create POST. */
function gotCreate(args: NaiveArgs): (job: Job) => Promise<void> {
  const client = got.extend({
    prefixUrl: args.powerchord.leadsUrl,
    headers: { authorization: `Bearer ${args.powerchord.token}` },
    agent: { http: new http.Agent({ keepAlive: true, maxSockets: 256 }) },
    timeout: { request: 10_000 },
    retry: { limit: 0 },
  });
  const path = `v1/${args.powerchord.trunkId}`;
  return async (job) => {
    await client.post(path, { json: job.data }).json<{ leadID: string }>();
  };
}

/**
 * The product's calls for a new record, hand-written with the product's client: undici `request` on one keep-alive
 * pool (as src/providers/http.ts sets it up), a timeout, throw on non-2xx; the create POST, then the ExternalID
 * PATCH on the lead it made.
 */
function sameCalls(args: NaiveArgs): (job: Job<{ body: object; externalId: string }>) => Promise<void> {
  const dispatcher = new Agent({ connections: 256, keepAliveTimeout: 30_000, connect: { timeout: 10_000 } });
  const headers = { authorization: `Bearer ${args.powerchord.token}`, 'content-type': 'application/json' };
  const call = async (base: string, path: string, method: 'POST' | 'PATCH', body: object): Promise<unknown> => {
    const url = new URL(base);
    const response = await dispatcher.request({
      origin: url.origin,
      path: `${url.pathname.replace(/\/+$/, '')}${path}`,
      method,
      headers,
      body: JSON.stringify(body),
      headersTimeout: 10_000,
      bodyTimeout: 10_000,
    });
    const text = await response.body.text();
    if (response.statusCode >= 300) throw new Error(`${method} ${path} answered ${response.statusCode}`);
    return JSON.parse(text);
  };
  const createPath = `/v1/${encodeURIComponent(args.powerchord.trunkId)}`;
  return async (job) => {
    const { leadID } = (await call(args.powerchord.leadsUrl, createPath, 'POST', job.data.body)) as { leadID: string };
    await call(args.powerchord.url, `/v3/lead/${encodeURIComponent(leadID)}`, 'PATCH', { ExternalID: job.data.externalId });
  };
}
