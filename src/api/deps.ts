import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { RedisClient } from '../redis/connection.ts';
import type { Logger } from '../logger.ts';
import type { AuthThrottleOptions } from './auth-throttle.ts';
import type { SyncEngine } from '../sync/engine.ts';
import type { DefinitionsStatus, ReloadResult } from '../bootstrap/live-definitions.ts';

export interface ReadinessReport {
  redis: boolean;
  /** Workers connected to the sync queue, in any process. */
  workers: number;
}

export interface AppDeps {
  engine: SyncEngine;
  /**
   * The job and mapping files in use, reloadable (src/bootstrap/live-definitions.ts). Without it `/v1/syncs` shows
   * no `definitions` and `POST /v1/definitions/reload` answers 404.
   */
  definitions?: { status(): DefinitionsStatus; reload(reason: string): Promise<ReloadResult> } | undefined;
  /** Data connection for the API's own keys (idempotency). */
  redis: RedisClient;
  /** Accepted bearer tokens; at least one. */
  tokens: readonly string[];
  /** Propexo's webhook signing secret. Without it `POST /v1/webhooks/propexo` answers 503. */
  webhookSecret?: string | undefined;
  /** Request logging goes here; none when absent. */
  logger?: Logger | undefined;
  /** Largest request body accepted, bytes. @default 1048576 */
  bodyLimit?: number | undefined;
  /** How long a client may take to send a whole request (headers and body) before it is answered 408, ms. @default 30000 */
  requestTimeoutMs?: number | undefined;
  /** How long a Redis call may take before the request answers 503, ms. @default 800 */
  redisDeadlineMs?: number | undefined;
  /** How long an enqueue answered 202 whose add failed is sent again, ms. @default 600000 (promised-enqueues.ts) */
  promisedEnqueueRetryMs?: number | undefined;
  /** `/readyz`'s check. @default PING Redis and count the sync queue's workers */
  readiness?: (() => Promise<ReadinessReport>) | undefined;
  /**
   * How long one dashboard (bull-board) request may take before it answers 503, ms. A dashboard page makes tens
   * of Redis calls in one request where an API route makes one to three. @default 2000
   */
  dashboardDeadlineMs?: number | undefined;
  /** Failed authentication allowed per client address and window before 429. @default 10 per 60 s */
  authThrottle?: AuthThrottleOptions | undefined;
  /**
   * TRUST_PROXY: the proxies (comma-separated addresses or CIDRs, or a hop count such as "1") whose
   * `X-Forwarded-For` and `X-Forwarded-Proto` are believed, for the client address (throttling) and HTTPS (the
   * `Secure` cookie). @default none: the socket's own address and protocol
   */
  trustProxy?: string | undefined;
}

/** The app `buildApp` makes: Fastify with zod schemas as its type provider. */
export type ApiApp = FastifyInstance<Server, IncomingMessage, ServerResponse, FastifyBaseLogger, ZodTypeProvider>;
