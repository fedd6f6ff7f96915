import { randomUUID } from 'node:crypto';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { Queue } from 'bullmq';
import Fastify, { type FastifyBaseLogger, type FastifyReply } from 'fastify';
import { jsonSchemaTransform, serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { setMetricQueues } from '../metrics.ts';
import { SYNC_QUEUE } from '../queues/contracts.ts';
import { scrubJsonText } from '../secrets.ts';
import { authHook, TokenChecker, type ApiAuth } from './auth.ts';
import { AuthThrottle, DEFAULT_AUTH_THROTTLE } from './auth-throttle.ts';
import { guardBody } from './body-guard.ts';
import { OneLinePerRequest } from './request-log.ts';
import { registerDashboard } from './dashboard.ts';
import { registerRunsPage } from './runs-page.ts';
import { withOperationIds } from './operation-ids.ts';
import type { ApiApp, AppDeps, ReadinessReport } from './deps.ts';
import { ApiError, ApiErrorCode, clientErrorAnswer, errorBody, frameworkErrorAnswer, handleError, withDeadline } from './errors.ts';
import { IdempotencyStore } from './idempotency.ts';
import { jobRoutes } from './routes/jobs.ts';
import { opsRoutes } from './routes/ops.ts';
import { runRoutes } from './routes/runs.ts';
import { syncRoutes } from './routes/syncs.ts';
import { definitionRoutes } from './routes/definitions.ts';
import { connectionRoutes } from './routes/connections.ts';
import { webhookRoutes } from './routes/webhooks.ts';
import { SessionStore } from './sessions.ts';
import { PromisedEnqueues } from './promised-enqueues.ts';

export const DEFAULT_BODY_LIMIT = 1024 * 1024;
/** A whole request (1 MB at most) arrives well within this; a client dribbling its body is cut off. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;

/** A client's X-Request-Id is kept when it looks like an id; anything else (long, spaced, JSON) gets a fresh one. */
const CLIENT_REQUEST_ID = /^[\w.:-]{1,128}$/;

/**
 * The HTTP API, the OpenAPI document and the dashboard, wired around one engine. Never listens: the entrypoint
 * does (src/api/server.ts), tests use `app.inject()`.
 */
export async function buildApp(deps: AppDeps): Promise<ApiApp> {
  const requestTimeoutMs = deps.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger.child({ component: 'api' }) as FastifyBaseLogger } : { logger: false }),
    bodyLimit: deps.bodyLimit ?? DEFAULT_BODY_LIMIT,
    // Fastify's default is no limit: a client that sends its headers and then its body a byte a minute (or never)
    // held a connection for ever. Node checks every `connectionsCheckingInterval` (30 s by default): check often
    // enough that the limit is the limit. Node ignores requestTimeout when headersTimeout (60 s) is the longer.
    requestTimeout: requestTimeoutMs,
    http: { connectionsCheckingInterval: Math.min(5_000, requestTimeoutMs), headersTimeout: Math.min(60_000, requestTimeoutMs) },
    // Job ids are path segments; Fastify's default 100 chars is enough, but scheduled ids can be longer.
    routerOptions: { maxParamLength: 256 },
    // Request ids in logs tie a 503 or 500 to its cause. The client's own id is taken only when it looks like one:
    // it is written into every log line of the request, before authentication.
    requestIdHeader: false,
    genReqId: (request) => {
      const given = request.headers['x-request-id'];
      return typeof given === 'string' && CLIENT_REQUEST_ID.test(given) ? given : randomUUID();
    },
    // One line per request, when answered (Fastify's default adds an "incoming request" line: CPU for nothing new).
    logController: new OneLinePerRequest(),
    trustProxy: trustProxyOption(deps.trustProxy),
    // The router's own refusals (bad %-escape, over-long parameter) answer in our error format.
    frameworkErrors: (error, _request, reply) => {
      const answer = frameworkErrorAnswer(error);
      // The reply is typed per route; this one belongs to none.
      void (reply as unknown as FastifyReply).code(answer.status).send(answer.body);
    },
    // What Node's parser refuses (a 408, headers over 16 KB) answers in our format too.
    clientErrorHandler: clientErrorAnswer,
    // Bodies keep a `__proto__` key as a plain key, so the guard below can name it (Fastify's default answers
    // "Body is not valid JSON", which is not what is wrong); no route ever copies a body with assignment.
    onProtoPoisoning: 'ignore',
    onConstructorPoisoning: 'ignore',
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send(errorBody(ApiErrorCode.NOT_FOUND, `no route ${request.method} ${request.url.split('?')[0]}`)),
  );

  // Enqueues answered 202 whose add then failed are sent again until Redis takes them (src/api/promised-enqueues.ts).
  const promised = new PromisedEnqueues(deps.logger, deps.promisedEnqueueRetryMs);
  app.decorate('promisedEnqueues', promised);
  app.addHook('onClose', (_instance, done) => {
    promised.close();
    done();
  });

  const deadlineMs = deps.redisDeadlineMs ?? 800;
  const apiKey = (...parts: string[]) => [deps.engine.queues.prefix, 'cb', 'api', ...parts].join(':');
  const auth: ApiAuth = {
    checker: new TokenChecker(deps.tokens),
    sessions: new SessionStore(deps.redis, (digest) => apiKey('session', digest), deadlineMs),
    throttle: new AuthThrottle(deps.redis, (address) => apiKey('auth-failures', address), deps.authThrottle ?? DEFAULT_AUTH_THROTTLE, deadlineMs),
  };
  app.addHook('onRequest', authHook(auth));
  // No parser here decodes a compressed body: gzip answered "not valid JSON" and br was read as if it were plain.
  app.addHook('preParsing', (request, _reply, payload, done) => {
    const encoding = request.headers['content-encoding'];
    const hasBody = request.headers['content-length'] !== undefined || request.headers['transfer-encoding'] !== undefined;
    if (encoding === undefined || !hasBody || encoding.trim().toLowerCase() === 'identity') return done(null, payload);
    done(new ApiError(415, ApiErrorCode.UNSUPPORTED_MEDIA_TYPE, `Content-Encoding "${encoding.slice(0, 40)}" is not supported: send the body uncompressed`, [{ field: 'headers.content-encoding', message: 'only identity' }]));
  });
  // Body shape limits (depth, string length, prototype keys): before validation for parsed bodies, and again
  // before the handler for routes that parse their own (the signed webhook keeps raw bytes until it verified them).
  // These three are synchronous: callback hooks, since an async hook costs every request a promise and a turn.
  // A body checked as parsed is not walked again: what validation makes of it is no deeper and no longer.
  app.decorateRequest('bodyGuarded', false);
  app.addHook('preValidation', (request, _reply, done) => {
    request.bodyGuarded = guardBody(request.body);
    done();
  });
  app.addHook('preHandler', (request, _reply, done) => {
    if (!request.bodyGuarded) guardBody(request.body);
    done();
  });
  // No configured secret leaves in a JSON answer, whatever a provider echoed into an error we keep. Scrubbed in the
  // serialized text (one pass of the secrets pattern, their JSON-escaped forms included), which covers every answer
  // a deep copy of the payload before serialization covered, without the copy.
  app.addHook('onSend', (_request, reply, payload, done) => done(null, typeof payload === 'string' && isJsonAnswer(reply) ? scrubJsonText(payload) : payload));

  const queueNames = [SYNC_QUEUE, ...deps.engine.pushQueueNames()];
  setMetricQueues(queueNames.map((name) => engineQueue(deps, name)));

  await app.register(swagger, {
    openapi: {
      info: { title: 'crm-bridge API', version: '1', description: 'Start syncs, push records, look up jobs. Every route but /healthz needs `Authorization: Bearer <token>`.', license: { name: 'MIT', url: 'https://opensource.org/license/mit' } },
      // Relative: the document describes the instance that serves it.
      servers: [{ url: '/', description: 'this crm-bridge instance' }],
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
    transform: withOperationIds(jsonSchemaTransform),
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const idempotency = new IdempotencyStore(deps.redis, deps.engine.ctx.keys.idempotency);
  const readiness = deps.readiness ?? defaultReadiness(deps);
  await app.register(runRoutes, { deps, idempotency });
  await app.register(jobRoutes, { deps });
  await app.register(syncRoutes, { deps });
  await app.register(definitionRoutes, { deps });
  await app.register(connectionRoutes, { deps });
  await app.register(webhookRoutes, { deps });
  await app.register(opsRoutes, { deps, readiness });
  await registerDashboard(app, deps.engine, auth, deps.dashboardDeadlineMs ?? 2_000);
  await registerRunsPage(app, deps);
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    promisedEnqueues: PromisedEnqueues;
  }
  interface FastifyRequest {
    /** The parsed body kept to BODY_LIMITS when validation began (raw bodies are checked once a route parsed them). */
    bodyGuarded: boolean;
  }
}

function isJsonAnswer(reply: FastifyReply): boolean {
  const type = reply.getHeader('content-type');
  return typeof type === 'string' && type.startsWith('application/json');
}

/**
 * TRUST_PROXY as Fastify takes it: a hop count ("1": the nearest proxy) or a comma-separated list of addresses
 * and CIDRs. Never `true`: trusting every sender would let any client pick its own address and dodge throttling.
 */
function trustProxyOption(value: string | undefined): string | ((address: string, hop: number) => boolean) | false {
  if (value === undefined || value.trim() === '') return false;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) {
    const hops = Number(trimmed);
    return (_address, hop) => hop < hops;
  }
  return trimmed;
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
