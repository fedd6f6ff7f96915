import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Queue } from 'bullmq';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { setMetricQueues } from '../metrics.ts';
import { PUSH_QUEUES, SYNC_QUEUE } from '../queues/contracts.ts';
import { authHook, TokenChecker } from './auth.ts';
import { registerDashboard } from './dashboard.ts';
import type { ApiApp, AppDeps, ReadinessReport } from './deps.ts';
import { ApiErrorCode, errorBody, handleError, withDeadline } from './errors.ts';
import { IdempotencyStore } from './idempotency.ts';
import { jobRoutes } from './routes/jobs.ts';
import { opsRoutes } from './routes/ops.ts';
import { runRoutes } from './routes/runs.ts';
import { syncRoutes } from './routes/syncs.ts';
import { webhookRoutes } from './routes/webhooks.ts';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;

/**
 * The HTTP API, the OpenAPI document and the dashboard, wired around one engine. Never listens: the entrypoint
 * does (src/api/server.ts), tests use `app.inject()`.
 */
export async function buildApp(deps: AppDeps): Promise<ApiApp> {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger.child({ component: 'api' }) as FastifyBaseLogger } : { logger: false }),
    bodyLimit: deps.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Job ids are path segments; Fastify's default 100 chars is enough, but scheduled ids can be longer.
    routerOptions: { maxParamLength: 256 },
    // Request ids in logs tie a 503 or 500 to its cause.
    requestIdHeader: 'x-request-id',
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(errorBody(ApiErrorCode.NOT_FOUND, `no route ${request.method} ${request.url.split('?')[0]}`)),
  );

  const checker = new TokenChecker(deps.tokens);
  app.addHook('onRequest', authHook(checker));

  const queueNames = [SYNC_QUEUE, ...PUSH_QUEUES];
  setMetricQueues(queueNames.map((name) => engineQueue(deps, name)));

  await app.register(swagger, {
    openapi: {
      info: { title: 'crm-bridge API', version: '1', description: 'Start syncs, push records, look up jobs. Every route but /healthz needs `Authorization: Bearer <token>`.' },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: jsonSchemaTransform,
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const idempotency = new IdempotencyStore(deps.redis, deps.engine.ctx.keys.idempotency);
  const readiness = deps.readiness ?? defaultReadiness(deps);
  await app.register(runRoutes, { deps, idempotency });
  await app.register(jobRoutes, { deps });
  await app.register(syncRoutes, { deps });
  await app.register(webhookRoutes, { deps });
  await app.register(opsRoutes, { deps, readiness });
  await registerDashboard(app, deps.engine, checker);
  return app;
}

/**
 * BullMQ prints every connection error of a queue that has no 'error' listener (once per reconnect attempt).
 * While Redis is down the API answers 503 and /readyz says why; one warning per queue every 30 s is enough.
 */
function listenForQueueErrors(deps: AppDeps, queue: Queue): void {
  if (queue.listenerCount('error') > 0) return;
  let lastAt = 0;
  queue.on('error', (error) => {
    if (Date.now() - lastAt < 30_000) return;
    lastAt = Date.now();
    deps.logger?.warn({ queue: queue.name, err: error }, 'queue connection error');
  });
}

function engineQueue(deps: AppDeps, name: string) {
  const queue = deps.engine.queues.queue(name);
  listenForQueueErrors(deps, queue);
  return { name, getJobCounts: (...states: string[]) => withDeadline(queue.getJobCounts(...(states as Parameters<typeof queue.getJobCounts>)), 1_000) };
}

/** Ready when Redis answers a PING and at least one worker (any process) listens on the sync queue. */
function defaultReadiness(deps: AppDeps): () => Promise<ReadinessReport> {
  return async () => {
    const ms = deps.redisDeadlineMs ?? 800;
    const redis = await withDeadline(deps.redis.ping(), ms).then(() => true, () => false);
    if (!redis) return { redis, workers: 0 };
    const workers = await withDeadline(deps.engine.queues.queue(SYNC_QUEUE).getWorkersCount(), ms).catch(() => 0);
    return { redis, workers };
  };
}
