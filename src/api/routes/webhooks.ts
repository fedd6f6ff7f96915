import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PROPEXO_SIGNATURE_HEADER } from '../../simulators/propexo/webhooks.ts';
import type { AppDeps } from '../deps.ts';
import { ApiError, ApiErrorCode, withDeadline } from '../errors.ts';
import { ErrorResponse } from '../schemas.ts';

/** Propexo's delivery, checked loosely here (it is a provider's payload) and per trigger in the handler. */
const Delivery = z.looseObject({ trigger: z.string().min(1), data: z.looseObject({}) });
const DataEvent = z.looseObject({ object: z.string(), id: z.union([z.string().min(1), z.number()]).transform(String) });
const WriteFailure = z.looseObject({ root_job_id: z.string().min(1) });

const Received = z.object({
  trigger: z.string(),
  /** Runs started for the changed record, one per sync reading from Propexo. */
  job_ids: z.array(z.string()),
  /** WRITE_OPERATION_FAILURE: whether a parked confirmation was woken. */
  promoted: z.boolean().optional(),
  ignored: z.boolean().optional(),
});

/**
 * `POST /v1/webhooks/propexo`: authenticated by `propexo-signature` (HMAC-SHA256 of the raw body), not by our
 * bearer tokens, which Propexo cannot send. The body is kept as bytes until the signature is verified: the
 * signature covers the exact bytes, and nothing is parsed or enqueued for an unsigned delivery.
 * Without PROPEXO_WEBHOOK_SECRET the route answers 503 WEBHOOK_NOT_CONFIGURED (so Propexo retries once it is set).
 */
export const webhookRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const { engine } = deps;
  const deadline = deps.redisDeadlineMs ?? 800;
  const secret = deps.webhookSecret;

  // Encapsulated: only this route sees JSON as raw bytes.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post('/v1/webhooks/propexo', {
    config: { public: true },
    schema: {
      summary: 'Propexo webhook receiver',
      description: 'DATA_NEW / DATA_UPDATE enqueue a run for the changed record; WRITE_OPERATION_FAILURE resolves the matching pending write at once.',
      tags: ['webhooks'],
      headers: z.object({ [PROPEXO_SIGNATURE_HEADER]: z.string().optional() }),
      body: Delivery,
      response: { 202: Received, 400: ErrorResponse, 401: ErrorResponse, 503: ErrorResponse },
    },
    preValidation: async (request) => {
      if (!secret) throw new ApiError(503, ApiErrorCode.WEBHOOK_NOT_CONFIGURED, 'PROPEXO_WEBHOOK_SECRET is not set: webhooks are not accepted');
      const raw = request.body;
      if (!Buffer.isBuffer(raw)) throw new ApiError(400, ApiErrorCode.VALIDATION, 'expected a JSON body', [{ field: 'body', message: 'missing' }]);
      const signature = request.headers[PROPEXO_SIGNATURE_HEADER];
      if (typeof signature !== 'string' || !signatureMatches(secret, raw, signature)) {
        throw new ApiError(401, ApiErrorCode.BAD_SIGNATURE, `missing or invalid ${PROPEXO_SIGNATURE_HEADER}`);
      }
      try {
        request.body = JSON.parse(raw.toString('utf8')) as typeof request.body;
      } catch (error) {
        throw new ApiError(400, ApiErrorCode.VALIDATION, `body is not JSON: ${(error as Error).message}`, [{ field: 'body', message: 'not JSON' }]);
      }
    },
  }, async (request, reply) => {
    const { trigger, data } = request.body;
    if (trigger === 'DATA_NEW' || trigger === 'DATA_UPDATE') {
      const event = parseOr400(DataEvent, data);
      // Other objects (units, leases…) are not synced; answering 202 stops Propexo from redelivering them.
      if (event.object !== 'prospect') return reply.code(202).send({ trigger, job_ids: [], ignored: true });
      const syncs = [...engine.syncs.values()].filter((s) => s.enabled && s.source.provider === 'propexo');
      const raw = JSON.stringify(request.body);
      const jobIds = await withDeadline(
        Promise.all(
          syncs.map((sync) =>
            // A redelivery of the same event maps to the same job id, so it starts nothing new.
            engine.enqueueRun(sync.name, { sourceIds: [event.id], trigger: 'webhook', jobId: `webhook-${createHash('sha256').update(sync.name).update(raw).digest('hex').slice(0, 32)}` }),
          ),
        ),
        deadline,
      );
      return reply.code(202).send({ trigger, job_ids: jobIds });
    }
    if (trigger === 'WRITE_OPERATION_FAILURE') {
      const failure = parseOr400(WriteFailure, data);
      const promoted = await withDeadline(engine.promotePendingWrite(failure.root_job_id), deadline);
      return reply.code(202).send({ trigger, job_ids: [], promoted });
    }
    return reply.code(202).send({ trigger, job_ids: [], ignored: true });
  });
};

function signatureMatches(secret: string, raw: Buffer, signature: string): boolean {
  const expected = createHmac('sha256', secret).update(raw).digest();
  const given = /^[0-9a-fA-F]{64}$/.test(signature.trim()) ? Buffer.from(signature.trim(), 'hex') : null;
  return given !== null && timingSafeEqual(expected, given);
}

function parseOr400<S extends z.ZodType>(schema: S, data: unknown): z.infer<S> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({ field: ['body', 'data', ...i.path.map(String)].join('.'), message: i.message }));
  throw new ApiError(400, ApiErrorCode.VALIDATION, `invalid webhook payload: ${issues.map((i) => i.field).join(', ')}`, issues);
}
