import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { registry } from '../../metrics.ts';
import type { AppDeps, ReadinessReport } from '../deps.ts';
import { ErrorResponse } from '../schemas.ts';

const Ready = z.object({ ready: z.boolean(), redis: z.boolean(), workers: z.number() });

/** Liveness, readiness and Prometheus metrics. Only `/healthz` is open: the others tell an attacker too much. */
export const opsRoutes: FastifyPluginAsyncZod<{ deps: AppDeps; readiness: () => Promise<ReadinessReport> }> = async (app, { readiness }) => {
  app.get('/healthz', {
    config: { public: true },
    schema: { summary: 'Liveness: the process is up', tags: ['operations'], response: { 200: z.object({ ok: z.literal(true) }) } },
  }, async () => ({ ok: true as const }));

  app.get('/readyz', {
    schema: {
      summary: 'Readiness: Redis answers and workers are connected',
      tags: ['operations'],
      response: { 200: Ready, 401: ErrorResponse, 503: Ready },
    },
  }, async (_request, reply) => {
    const report = await readiness();
    const ready = report.redis && report.workers > 0;
    return reply.code(ready ? 200 : 503).send({ ready, ...report });
  });

  app.get('/metrics', {
    schema: { summary: 'Prometheus metrics', tags: ['operations'], produces: ['text/plain'] },
  }, async (_request, reply) => {
    const text = await registry.metrics();
    return reply.type(registry.contentType).send(text);
  });
};
