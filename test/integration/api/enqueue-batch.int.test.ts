import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SYNC_QUEUE } from '../../../src/queues/contracts.ts';
import { apiThroughProxy, pipeBothWays, type ApiThroughProxy } from '../../helpers/api-through-proxy.ts';

/**
 * The API's producer connection goes through a TCP proxy that can drop it at the worst moment: after Redis received
 * an enqueue, before its answer came back. Redis runs the add; the API cannot know it did. It must then say so
 * (503 naming the job to look up), never "nothing was started" (a client told that retries, and starts the work twice).
 */
const SYNC = 'trata-to-powerchord';
const auth = { authorization: 'Bearer t' };
/** Set: the next command batch is forwarded to Redis, its answer dropped and the connection cut. */
let armed = false;
/** Until then, Redis cannot be reached (a network partition): connections are cut as they come. */
let unreachableUntil = 0;
let api: ApiThroughProxy;

function cutAfterFirstAnswer(client: Socket, redis: { host: string; port: number }): void {
  if (Date.now() < unreachableUntil) return void client.destroy();
  const upstream = connect(redis.port, redis.host);
  let cutting = false;
  let held = Buffer.alloc(0);
  const cut = () => {
    client.destroy();
    upstream.destroy();
  };
  client.on('data', (chunk: Buffer) => {
    upstream.write(chunk);
    if (armed && /evalsha/i.test(chunk.toString('latin1'))) {
      armed = false;
      cutting = true;
      unreachableUntil = Date.now() + 1_000;
      setTimeout(cut, 500);
    }
  });
  upstream.on('data', (chunk: Buffer) => {
    if (!cutting) return void client.write(chunk);
    // Redis ran the batch: its first answer reaches the client, then the connection is cut.
    held = Buffer.concat([held, chunk]);
    const end = firstReplyEnd(held.toString('latin1'));
    if (end > 0) {
      client.write(held.subarray(0, end), cut);
      cutting = false;
      upstream.removeAllListeners('data');
    }
  });
  pipeBothWays(client, upstream);
}

/** Where the first RESP reply in `text` ends (a bulk string or a one-line reply), or -1 if it is not all there. */
function firstReplyEnd(text: string): number {
  const line = text.indexOf('\r\n');
  if (line < 0) return -1;
  if (text[0] !== '$') return line + 2;
  const length = Number(text.slice(1, line));
  const end = length < 0 ? line + 2 : line + 2 + length + 2;
  return text.length >= end ? end : -1;
}

async function jobIds(): Promise<string[]> {
  const jobs = await api.engine.queues.queue(SYNC_QUEUE).getJobs(['waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized']);
  return jobs.map((job) => job.id ?? '').sort();
}

beforeAll(async () => {
  api = await apiThroughProxy({ onConnection: cutAfterFirstAnswer, prefix: `{cbt-batch-${process.pid}}`, deadlineMs: 3_000 });
});
afterAll(() => api.close());

describe('runs enqueued together (one pipeline) whose answer is lost', () => {
  it('answer 503 naming each job to look up, never "nothing was started", when the jobs exist', { timeout: 10_000 }, async () => {
    const post = () => api.app.inject({ method: 'POST', url: `/v1/syncs/${SYNC}/runs`, headers: auth });
    // Warm up: the add scripts are loaded, so the pipeline below is the adds alone.
    const warm = await Promise.all([post(), post()]);
    expect(warm.map((r) => r.statusCode)).toEqual([202, 202]);
    const before = await jobIds();

    armed = true;
    const answers = await Promise.all([post(), post()]);
    // Redis is reachable again; what it ran is there.
    for (const deadline = Date.now() + 5_000; api.producer.status !== 'ready' && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
    const added = (await jobIds()).filter((id) => !before.includes(id));
    expect(added, 'jobs Redis added').toHaveLength(2);
    expect(answers.map((a) => a.statusCode), 'the cut reached the API').toContain(503);
    // Each job exists: 202, or a 503 that names it to look up. Never a 503 that says nothing was started.
    for (const answer of answers) {
      if (answer.statusCode !== 202) expect(`${answer.statusCode} ${answer.json().message}`, 'the answer for a job that exists').toMatch(/^503 .*may or may not exist/);
    }
  });
});
