/**
 * The two baselines, each in a fresh process like the product's worker:
 * - `addBulk`: queueing N small jobs with `Queue.addBulk` (1000 a call), the cost of merely queueing;
 * - `naive`: what a user would hand-write instead of crm-bridge: one BullMQ job per record, each one got POST of
 *   an already-mapped body to the PowerChord simulator, at the product's push concurrency. The jobs are queued
 *   before the clock starts, so only their processing is timed (the product's timing includes its own queueing).
 * Both use the product's queue retention options, so only the work per job differs.
 */
import http from 'node:http';
import { Queue, Worker, type Job } from 'bullmq';
import got from 'got';
import { DEFAULT_JOB_OPTIONS } from '../src/queues/factory.ts';
import { producerConnection, workerConnection } from '../src/redis/connection.ts';
import { RssSampler, serve } from './ipc.ts';

const PREFIX = '{bench-baseline}';
const CHUNK = 1_000;
const rss = new RssSampler();

interface NaiveArgs {
  redisUrl: string;
  records: number;
  concurrency: number;
  powerchord: { url: string; leadsUrl: string; token: string; trunkId: string };
}

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
  addBulk: async ({ redisUrl, records }: { redisUrl: string; records: number }) => {
    const connection = producerConnection(redisUrl);
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
    const producer = producerConnection(args.redisUrl);
    const queue = new Queue('naive', { connection: producer, prefix: PREFIX, defaultJobOptions: DEFAULT_JOB_OPTIONS });
    await addInChunks(queue, args.records, leadBody);
    await queue.close();
    producer.disconnect();
    return true;
  },

  /** Works off the queued jobs: timed from the worker's start until the last one completed. */
  naiveRun: async (args: NaiveArgs) => {
    // What a careful hand-written worker does: keep-alive, a timeout, throw on non-2xx.
    const client = got.extend({
      prefixUrl: args.powerchord.leadsUrl,
      headers: { authorization: `Bearer ${args.powerchord.token}` },
      agent: { http: new http.Agent({ keepAlive: true, maxSockets: 256 }) },
      timeout: { request: 10_000 },
      retry: { limit: 0 },
    });
    const path = `v1/${args.powerchord.trunkId}`;
    let completed = 0;
    let failed = 0;
    rss.reset();
    const started = performance.now();
    const cpu0 = process.cpuUsage();
    const worker = new Worker(
      'naive',
      async (job: Job) => {
        await client.post(path, { json: job.data }).json<{ leadID: string }>();
      },
      { connection: workerConnection(args.redisUrl), prefix: PREFIX, concurrency: args.concurrency },
    );
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
    const peakRssMb = rss.peakMb();
    await worker.close();
    const producer = producerConnection(args.redisUrl);
    const queue = new Queue('naive', { connection: producer, prefix: PREFIX });
    await queue.obliterate({ force: true });
    await queue.close();
    producer.disconnect();
    return { ms, cpuMs, completed, failed, peakRssMb };
  },
});
