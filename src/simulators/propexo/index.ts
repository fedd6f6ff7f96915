import { buildSimulatorApp, startSimulator, type RunningSimulator, type SimulatorSpec } from '../server.ts';
import { FixedWindowLimiter, type RateLimitConfig } from './rate-limit.ts';
import { propexoErrorBody, registerPropexoRoutes, type PropexoRouteState } from './routes.ts';
import { PropexoStore, type StoreOptions } from './store.ts';

import { prospectNewWebhook, prospectUpdateWebhook, sendPropexoWebhook, writeFailureWebhook } from './webhooks.ts';

export { PropexoStore, type SimProspect, type StoredJob, type WriteOutcome, type WriteRequest } from './store.ts';
export { FixedWindowLimiter, DEFAULT_RATE_LIMIT, type RateLimitConfig } from './rate-limit.ts';
export { propexoErrorBody } from './routes.ts';
export * from './webhooks.ts';

export interface PropexoSimulatorOptions extends Pick<StoreOptions, 'decideWrite'> {
  /** The bearer token accepted. @default 'propexo-test-token' */
  token?: string;
  /** Seed of the id, failure and fault PRNGs. @default 1 */
  seed?: number;
  /** 0 picks a free port. @default 0 */
  port?: number;
  /** How long a write stays PENDING before it resolves. @default 100 */
  writeDelayMs?: number;
  /** Share of writes that resolve to FAILURE. @default 0 */
  failureRate?: number;
  /** Budget per fixed window, window length and the slowdown past 80 %. @default {budget: 150, windowMs: 60000, slowdownMs: 2000} */
  rateLimit?: Partial<RateLimitConfig>;
  /** Answer writes in the older `{meta: {job_id}, result}` shape. @default 'current' */
  writeAnswerShape?: PropexoRouteState['writeAnswerShape'];
  /**
   * Deliver signed webhooks here when a write resolves: DATA_NEW after a create, DATA_UPDATE after an update,
   * WRITE_OPERATION_FAILURE after a failure. Off by default.
   */
  webhooks?: { url: string; secret: string; integrationId?: string };
}

export interface PropexoSimulator extends RunningSimulator {
  readonly store: PropexoStore;
  readonly limiter: FixedWindowLimiter;
  /** Mutable: switch the write answer shape mid-test. */
  readonly state: PropexoRouteState;
}

function spec(options: PropexoSimulatorOptions): { spec: SimulatorSpec; state: PropexoRouteState } {
  const store = new PropexoStore({
    seed: options.seed ?? 1,
    writeDelayMs: options.writeDelayMs ?? 100,
    failureRate: options.failureRate ?? 0,
    ...(options.decideWrite ? { decideWrite: options.decideWrite } : {}),
  });
  if (options.webhooks) sendWebhooksFrom(store, options.webhooks);
  const state: PropexoRouteState = {
    store,
    limiter: new FixedWindowLimiter(options.rateLimit ?? {}),
    writeAnswerShape: options.writeAnswerShape ?? 'current',
  };
  return {
    state,
    spec: {
      name: 'propexo',
      token: options.token ?? 'propexo-test-token',
      seed: options.seed ?? 1,
      errorBody: (status, message) => propexoErrorBody(status, message),
      routes: (app) => registerPropexoRoutes(app, state),
    },
  };
}

/** The simulator's app without listening (for `app.inject()` tests). */
export function buildPropexoSimulatorApp(options: PropexoSimulatorOptions = {}) {
  const built = spec(options);
  return { ...buildSimulatorApp(built.spec), store: built.state.store, limiter: built.state.limiter, state: built.state };
}

/** Starts Propexo's simulator on 127.0.0.1; `close()` also cancels pending write resolutions. */
export async function startPropexoSimulator(options: PropexoSimulatorOptions = {}): Promise<PropexoSimulator> {
  const built = spec(options);
  const running = await startSimulator(built.spec, options.port ?? 0);
  return { ...running, store: built.state.store, limiter: built.state.limiter, state: built.state };
}

/** Wires the store's write outcomes to deliveries; a failed delivery is dropped (Propexo would redeliver later). */
function sendWebhooksFrom(store: PropexoStore, target: NonNullable<PropexoSimulatorOptions['webhooks']>): void {
  const options = { ...(target.integrationId ? { integrationId: target.integrationId } : {}) };
  store.onResolved = (job, before, after) => {
    const delivery =
      job.status === 'FAILURE'
        ? writeFailureWebhook(target.secret, job.id, job.errors, 'FAILURE', options)
        : before === null && after !== null
          ? prospectNewWebhook(target.secret, after, { ...options, jobId: job.id })
          : before !== null && after !== null
            ? prospectUpdateWebhook(target.secret, before, after, { ...options, jobId: job.id })
            : null;
    if (delivery) void sendPropexoWebhook(target.url, delivery).catch(() => undefined);
  };
}
