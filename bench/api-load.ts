/**
 * Enqueue throughput and latency of the API under load: a private Redis, the real app (no workers, so only the
 * enqueue path is measured), autocannon against POST /v1/syncs/<sync>/runs.
 *
 *   node bench/api-load.ts [--seconds 10] [--connections 50] [--pipelining 1]
 *
 * Prints requests/s and latency percentiles; the jobs it leaves are in a throwaway Redis.
 */
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { buildApp } from '../src/api/app.ts';
import { loadDefinitions } from '../src/bootstrap/definitions.ts';
import { createLogger } from '../src/logger.ts';
import { dataConnection, producerConnection, workerConnection } from '../src/redis/connection.ts';
import { startEmbeddedRedis } from '../src/redis/embedded-redis.ts';
import { SyncEngine } from '../src/sync/engine.ts';

const { values } = parseArgs({ options: { seconds: { type: 'string', default: '10' }, connections: { type: 'string', default: '50' }, pipelining: { type: 'string', default: '1' } } });
const TOKEN = 'bench-token';

const redisServer = await startEmbeddedRedis({ dataDir: '.data/bench-api-redis', fresh: true });
const { syncs } = await loadDefinitions({ mappingsDir: 'mappings', jobsDir: 'jobs' });
const sync = syncs.has('trata-to-powerchord') ? 'trata-to-powerchord' : (syncs.keys().next().value ?? 'trata-to-powerchord');
const redis = dataConnection(redisServer.url);
const producer = producerConnection(redisServer.url);
const engine = new SyncEngine({ redis, producer, workerConnection: () => workerConnection(redisServer.url), prefix: '{bench-api}', syncs, connections: new Map(), logger: createLogger('silent') });
const app = await buildApp({ engine, redis, tokens: [TOKEN] });
const url = await app.listen({ host: '127.0.0.1', port: 0 });

const result = await autocannon({
  url: `${url}/v1/syncs/${sync}/runs`,
  method: 'POST',
  headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
  body: '{"full":false}',
  connections: Number(values.connections),
  pipelining: Number(values.pipelining),
  duration: Number(values.seconds),
});

const enqueued = await engine.queues.queue('sync').count();
const non2xx = result.non2xx + result.errors + result.timeouts;
console.log(JSON.stringify({
  endpoint: `POST /v1/syncs/${sync}/runs`,
  seconds: Number(values.seconds),
  connections: Number(values.connections),
  requests: result.requests.total,
  requests_per_s: { mean: result.requests.average, p50: result.requests.p50 },
  latency_ms: { p50: result.latency.p50, p90: result.latency.p90, p99: result.latency.p99, max: result.latency.max },
  non_2xx_or_errors: non2xx,
  jobs_in_queue: enqueued,
}, null, 2));

await app.close();
await engine.close(1_000);
await Promise.all([redis.quit(), producer.quit()]);
await redisServer.stop();
