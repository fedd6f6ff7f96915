import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { Faults } from './faults.ts';

/** Counts the requests a simulator received, by `METHOD /route/:param` (admin routes are not counted). */
export class CallCounter {
  #counts = new Map<string, number>();
  #statuses = new Map<number, number>();
  #inFlight = 0;
  #maxInFlight = 0;
  /** A request arrived; `end` is called when its connection's answer is done (or the connection is gone). */
  begin(): () => void {
    this.#inFlight++;
    this.#maxInFlight = Math.max(this.#maxInFlight, this.#inFlight);
    let ended = false;
    return () => {
      if (!ended) this.#inFlight--;
      ended = true;
    };
  }
  /** The most requests that were being served at once since the last reset: what a client's concurrency really was. */
  maxInFlight(): number {
    return this.#maxInFlight;
  }
  record(route: string): void {
    this.#counts.set(route, (this.#counts.get(route) ?? 0) + 1);
  }
  recordStatus(status: number): void {
    this.#statuses.set(status, (this.#statuses.get(status) ?? 0) + 1);
  }
  /** Answers sent with this HTTP status (a hung or reset request has none). */
  status(status: number): number {
    return this.#statuses.get(status) ?? 0;
  }
  /** Calls to one route (`'PATCH /v3/lead/:leadID'`), or all calls when no route is given. */
  count(route?: string): number {
    if (route === undefined) return [...this.#counts.values()].reduce((a, b) => a + b, 0);
    return this.#counts.get(route) ?? 0;
  }
  all(): Record<string, number> {
    return Object.fromEntries(this.#counts);
  }
  reset(): void {
    this.#counts.clear();
    this.#statuses.clear();
    this.#maxInFlight = this.#inFlight;
  }
}

export interface SimulatorSpec {
  /** Provider name, for logs and the admin routes. */
  name: string;
  /** The bearer token the simulator accepts. */
  token: string;
  /** Seed of the fault PRNG. @default 1 */
  seed?: number;
  /** The provider's error body for a status and a message (auth failures, injected faults, unknown routes). */
  errorBody(status: number, message: string): unknown;
  /** Registers the provider's routes. */
  routes(app: FastifyInstance): void;
  /** Body size limit in bytes. @default 1 MiB */
  bodyLimit?: number;
}

export interface RunningSimulator {
  readonly name: string;
  readonly url: string;
  readonly token: string;
  readonly calls: CallCounter;
  readonly faults: Faults;
  readonly app: FastifyInstance;
  close(): Promise<void>;
}

const ADMIN_PREFIX = '/__sim';

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by fault injection: serve the request, then lose the answer. */
    simResetAfter?: boolean;
  }
}

/**
 * Plays the fault drawn for one request (latency, hang, reset before or after serving, 429, 5xx): every
 * simulator's onRequest hook ends here, so all providers fail the same ways. Returns nothing to serve the request.
 */
export async function applyFault(faults: Faults, route: string, request: FastifyRequest, reply: FastifyReply, errorBody: (status: number, message: string) => unknown): Promise<unknown> {
  if (!faults.applies(route)) return;
  const { latencyMs } = faults.config;
  if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
  const fault = faults.draw();
  if (fault === 'serve') return;
  if (fault === 'hang') return new Promise<void>(() => {});
  if (fault === 'reset') {
    reply.hijack();
    reply.raw.writeHead(200, { 'content-type': 'application/json', 'content-length': '64' });
    reply.raw.write('{"partial":');
    request.raw.socket.destroy();
    return;
  }
  if (fault === 'reset-after') {
    request.simResetAfter = true;
    return;
  }
  if (fault === 'rate-limit') {
    const seconds = faults.config.rateLimitRetryAfterSeconds;
    if (seconds !== null) reply.header('retry-after', String(seconds));
    return reply.code(429).send(errorBody(429, 'Too many requests'));
  }
  return reply.code(fault.status).send(errorBody(fault.status, 'Injected fault'));
}

/**
 * Builds a simulator's Fastify app with what every provider shares: bearer auth, call counting, fault injection
 * and body limits. Routes under `/__sim` are the simulator's own admin surface (no auth, no faults, not counted).
 */
export function buildSimulatorApp(spec: SimulatorSpec): { app: FastifyInstance; calls: CallCounter; faults: Faults } {
  const calls = new CallCounter();
  const faults = new Faults(spec.seed ?? 1);
  // forceCloseConnections: a hung request must not keep close() waiting.
  const app = Fastify({ logger: false, bodyLimit: spec.bodyLimit ?? 1024 * 1024, forceCloseConnections: true });

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.url.startsWith(ADMIN_PREFIX)) return;
    const route = `${request.method} ${request.routeOptions.url ?? '*'}`;
    calls.record(route);
    reply.raw.once('close', calls.begin());
    if (request.headers.authorization !== `Bearer ${spec.token}`) {
      return reply.code(401).send(spec.errorBody(401, 'Invalid or missing bearer token'));
    }
    return applyFault(faults, route, request, reply, spec.errorBody);
  });

  app.addHook('onResponse', async (request, reply) => {
    if (!request.url.startsWith(ADMIN_PREFIX)) calls.recordStatus(reply.statusCode);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    if (request.simResetAfter) {
      // The write already happened; the client never learns it did.
      request.raw.socket.destroy();
    }
    return payload;
  });

  app.setNotFoundHandler((request, reply) => {
    reply.code(404).send(spec.errorBody(404, `No route ${request.method} ${request.url.split('?')[0]}`));
  });

  app.get(`${ADMIN_PREFIX}/calls`, async () => calls.all());
  app.post(`${ADMIN_PREFIX}/calls/reset`, async () => (calls.reset(), { ok: true }));
  app.post(`${ADMIN_PREFIX}/faults`, async (request) => {
    faults.set((request.body ?? {}) as Partial<ReturnType<() => typeof faults.config>>);
    return faults.config;
  });

  spec.routes(app);
  return { app, calls, faults };
}

/** Starts a simulator on 127.0.0.1 (port 0 picks a free one). */
export async function startSimulator(spec: SimulatorSpec, port = 0): Promise<RunningSimulator> {
  const { app, calls, faults } = buildSimulatorApp(spec);
  const address = await app.listen({ host: '127.0.0.1', port });
  return {
    name: spec.name,
    url: address,
    token: spec.token,
    calls,
    faults,
    app,
    close: () => app.close(),
  };
}
