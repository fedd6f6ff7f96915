import { createHash } from 'node:crypto';
import type { FastifyBaseLogger } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { PROPEXO_SIGNATURE_HEADER, readPropexoDelivery, verifyPropexoSignature, type PropexoDelivery } from '../../providers/propexo/webhooks.ts';
import type { AppDeps } from '../deps.ts';
import { ApiError, ApiErrorCode, withDeadline } from '../errors.ts';
import { ErrorResponse } from '../schemas.ts';

/** An accepted delivery is remembered this long; the same bytes again within it are a replay. */
export const WEBHOOK_REPLAY_TTL_S = 24 * 3600;

const Received = z.object({
  /** The delivery's event (`trigger` or `event`): DATA_NEW, DATA_UPDATE, WRITE_OPERATION_FAILURE, SYNC_COMPLETE... */
  trigger: z.string(),
  /** The first run started for the changed prospect (null when none was). */
  job_id: z.string().nullable().optional(),
  /** Runs started for the changed prospect, one per sync reading from Propexo. */
  job_ids: z.array(z.string()),
  /** WRITE_OPERATION_FAILURE: whether a parked confirmation was woken. */
  promoted: z.boolean().optional(),
  /** Acknowledged, nothing to do (another model, an integration-level event, an integration no connection reads). */
  ignored: z.boolean().optional(),
  /** Why nothing was started, when that is not plain from the event (an integration no connection reads). */
  reason: z.string().optional(),
  /** The same signed delivery was accepted before: this answer repeats that one and started nothing. */
  replayed: z.boolean().optional(),
});
type Received = z.infer<typeof Received>;

const Remembered = z.object({ answer: Received.nullable() });

/**
 * `POST /v1/webhooks/propexo`: authenticated by `propexo-signature` (HMAC-SHA256 of the raw body, hex), not by our
 * bearer tokens, which Propexo cannot send. The body is kept as bytes until the signature is verified: the
 * signature covers the exact bytes, and nothing is parsed or enqueued for an unsigned delivery. Every documented
 * shape is read (see providers/propexo/webhooks.ts).
 *
 * Answers: 202 when work started (a run for a changed prospect, a woken confirmation); 200 when there is nothing
 * to do (another model, an integration-level event, an integration no connection reads) or the delivery is a
 * replay. Propexo retries any non-2xx answer every 15 minutes, 10 times at most, so only a malformed body (400), a
 * bad signature (401) and our own outage (503) are refused.
 *
 * Replays: Propexo signs no timestamp, so the signature of every accepted delivery is remembered for 24 h; the same
 * bytes again answer 200 with the first answer and `replayed: true`, starting nothing.
 * Without PROPEXO_WEBHOOK_SECRET the route answers 503 WEBHOOK_NOT_CONFIGURED (so Propexo retries once it is set).
 */
export const webhookRoutes: FastifyPluginAsyncZod<{ deps: AppDeps }> = async (app, { deps }) => {
  const { engine, redis } = deps;
  const deadline = deps.redisDeadlineMs ?? 800;
  const secret = deps.webhookSecret;

  // Encapsulated: only this route sees JSON as raw bytes.
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));

  app.post('/v1/webhooks/propexo', {
    config: { public: true },
    schema: {
      summary: 'Propexo webhook receiver',
      description:
        'DATA_NEW / DATA_UPDATE of a prospect enqueue a run for that record in each sync reading its integration (202 with job_id); one naming an integration no connection reads is acknowledged with a reason (200); WRITE_OPERATION_FAILURE wakes the matching pending write; other models and integration-level events are acknowledged (200). A replayed delivery answers 200 and starts nothing.',
      tags: ['webhooks'],
      headers: z.object({ [PROPEXO_SIGNATURE_HEADER]: z.string().optional() }),
      body: z.looseObject({}),
      response: { 200: Received, 202: Received, 400: ErrorResponse, 401: ErrorResponse, 503: ErrorResponse },
    },
    preValidation: async (request) => {
      if (!secret) throw new ApiError(503, ApiErrorCode.WEBHOOK_NOT_CONFIGURED, 'PROPEXO_WEBHOOK_SECRET is not set: webhooks are not accepted');
      const raw = request.body;
      if (!Buffer.isBuffer(raw)) throw new ApiError(400, ApiErrorCode.VALIDATION, 'expected a JSON body', [{ field: 'body', message: 'missing' }]);
      const signature = request.headers[PROPEXO_SIGNATURE_HEADER];
      if (typeof signature !== 'string' || !verifyPropexoSignature(secret, raw, signature)) {
        throw new ApiError(401, ApiErrorCode.BAD_SIGNATURE, `missing or invalid ${PROPEXO_SIGNATURE_HEADER}`);
      }
      try {
        request.body = JSON.parse(raw.toString('utf8')) as typeof request.body;
      } catch (error) {
        throw new ApiError(400, ApiErrorCode.VALIDATION, `body is not JSON: ${(error as Error).message}`, [{ field: 'body', message: 'not JSON' }]);
      }
    },
  }, async (request, reply) => {
    const read = readPropexoDelivery(request.body);
    if (!read.ok) throw new ApiError(400, ApiErrorCode.VALIDATION, `invalid webhook payload: ${read.issues.map((i) => i.field).join(', ')}`, read.issues);
    const delivery = read.delivery;

    // Verified already, so the signature is the HMAC of these exact bytes: equal signatures, equal deliveries.
    const signature = String(request.headers[PROPEXO_SIGNATURE_HEADER]).trim().toLowerCase();
    const key = engine.ctx.keys.idempotency(`propexo-webhook:${createHash('sha256').update(signature).digest('hex')}`);
    const claimed = await withDeadline(redis.set(key, JSON.stringify({ answer: null }), 'EX', WEBHOOK_REPLAY_TTL_S, 'NX'), deadline);
    if (claimed !== 'OK') {
      const before = Remembered.safeParse(parseJson(await withDeadline(redis.get(key), deadline)));
      // Still being handled by the first delivery (answer null): acknowledged, it does the work.
      const answer = before.success && before.data.answer ? before.data.answer : { trigger: delivery.event, job_ids: [] };
      return reply.code(200).send({ ...answer, replayed: true });
    }
    try {
      const { status, answer } = await handle(delivery, signature, request.log);
      await withDeadline(redis.set(key, JSON.stringify({ answer }), 'EX', WEBHOOK_REPLAY_TTL_S), deadline);
      return reply.code(status).send(answer);
    } catch (error) {
      // Not accepted: Propexo's redelivery must be handled, not taken for a replay.
      await redis.del(key).catch(() => undefined);
      throw error;
    }
  });

  async function handle(delivery: PropexoDelivery, signature: string, log: FastifyBaseLogger): Promise<{ status: 200 | 202; answer: Received }> {
    if (delivery.kind === 'record') {
      const ignored = { status: 200 as const, answer: { trigger: delivery.event, job_id: null, job_ids: [], ignored: true } };
      // Other models (leases, events…) are not synced; a 2xx stops Propexo from redelivering them.
      if (!delivery.prospect || delivery.recordId === null) return ignored;
      const recordId = delivery.recordId;
      // Routed by integration: a Propexo connection with an integrationId reads only that integration, one without
      // reads every integration its token sees. A delivery naming an integration that no connection reads starts
      // nothing and says so with a 200 (a 4xx would only make Propexo redeliver it 10 times). A delivery naming no
      // integration (no documented example lacks it) goes to every Propexo-sourced sync: each connector's get
      // answers only a record of its own integration.
      const fromPropexo = [...engine.syncs.values()].filter((s) => s.enabled && s.source.provider === 'propexo');
      const reads = (connection: string) => {
        const own = engine.connectionConfig(connection)?.options['integrationId'];
        return !own || delivery.integrationId === null || own === delivery.integrationId;
      };
      const syncs = fromPropexo.filter((s) => reads(s.source.connection));
      if (syncs.length === 0 && fromPropexo.length > 0 && delivery.integrationId !== null) {
        const reason = `no Propexo connection reads integration ${delivery.integrationId.slice(0, 64)}`;
        log.warn({ integration: delivery.integrationId.slice(0, 64), recordId }, `propexo webhook ignored: ${reason}`);
        return { status: 200, answer: { ...ignored.answer, reason } };
      }
      if (syncs.length === 0) return ignored;
      const jobIds = await withDeadline(
        Promise.all(
          syncs.map((sync) =>
            engine.enqueueRun(sync.name, {
              sourceIds: [recordId],
              trigger: 'webhook',
              // The same delivery for the same sync maps to the same run id: a redelivery past the replay window
              // still starts nothing new while the first run's job is kept.
              jobId: `webhook-${createHash('sha256').update(sync.name).update('\n').update(signature).digest('hex').slice(0, 32)}`,
            }),
          ),
        ),
        deadline,
      );
      return { status: 202, answer: { trigger: delivery.event, job_id: jobIds[0] ?? null, job_ids: jobIds } };
    }
    if (delivery.kind === 'write-failure') {
      const promoted = await withDeadline(engine.promotePendingWrite(delivery.rootJobId), deadline);
      return { status: promoted ? 202 : 200, answer: { trigger: delivery.event, job_ids: [], promoted } };
    }
    // SYNC_COMPLETE, FIRST_SYNC_COMPLETE, JOB_FAILURE: integration-level, nothing to do here.
    return { status: 200, answer: { trigger: delivery.event, job_ids: [], ignored: true } };
  }
};

function parseJson(text: string | null): unknown {
  if (text === null) return null;
  try {
    return JSON.parse(text);
  } catch {
    return null;
  }
}
