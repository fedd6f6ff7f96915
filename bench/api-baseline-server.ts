/**
 * The floor bench/api-load.ts compares the enqueue API with: a bare Fastify in its own process answering the same
 * route with a 202 and a job id, touching nothing else (no auth, no validation, no Redis, no logging). Whatever
 * latency it shows at a rate is this machine and the load generator; what the product adds is above it.
 *
 *   PORT=… node bench/api-baseline-server.ts
 */
import { randomUUID } from 'node:crypto';
import Fastify from 'fastify';

const app = Fastify({ logger: false });
app.get('/healthz', async () => ({ status: 'ok' }));
app.post('/v1/syncs/:name/runs', async (_request, reply) => reply.code(202).send({ job_id: `run-${randomUUID()}`, data: { kind: 'sync-run' } }));
await app.listen({ host: '127.0.0.1', port: Number(process.env['PORT'] ?? 0) });
process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
