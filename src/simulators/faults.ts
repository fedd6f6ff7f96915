/**
 * Fault injection for the provider simulators, set from a test (`sim.faults.set({...})`). Every fault is drawn
 * from a seeded PRNG, so a test that seeds it sees the same faults in the same order.
 */
export interface FaultConfig {
  /** Added to every response, in ms. */
  latencyMs: number;
  /** Share of requests (0..1) that answer one of `errorStatuses` instead of being served. */
  errorRate: number;
  errorStatuses: number[];
  /** The next N requests answer 429. */
  rateLimitBurst: number;
  /** Retry-After (seconds) sent with burst 429s; null sends none. */
  rateLimitRetryAfterSeconds: number | null;
  /** Share of requests whose connection hangs (no answer until the client gives up or the server closes). */
  hangRate: number;
  /** Share of requests whose connection is reset after the headers and part of the body were sent. */
  resetRate: number;
  /** Share of requests that are processed (the write happens) but whose answer is lost by a reset. */
  resetAfterProcessingRate: number;
  /** The token is revoked: every faulted request answers 401 until this is cleared (a withdrawn credential). */
  authRevoked: boolean;
  /** Only requests whose `METHOD /route` matches are faulted; empty means all (the admin routes never are). */
  routes: string[];
  /** Only requests with one of these methods are faulted (`['POST', 'PUT', 'PATCH']`: writes); empty means all. */
  methods: string[];
}

export const NO_FAULTS: FaultConfig = Object.freeze({
  latencyMs: 0,
  errorRate: 0,
  errorStatuses: [500, 502, 503],
  rateLimitBurst: 0,
  rateLimitRetryAfterSeconds: 1,
  hangRate: 0,
  resetRate: 0,
  resetAfterProcessingRate: 0,
  authRevoked: false,
  routes: [],
  methods: [],
});

/** mulberry32: small, fast, seedable; plenty for fault draws. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class Faults {
  #config: FaultConfig = { ...NO_FAULTS };
  #random: () => number;

  constructor(seed = 1) {
    this.#random = seededRandom(seed);
  }

  get config(): Readonly<FaultConfig> {
    return this.#config;
  }

  set(partial: Partial<FaultConfig>, seed?: number): void {
    this.#config = { ...this.#config, ...partial };
    if (seed !== undefined) this.#random = seededRandom(seed);
  }

  reset(): void {
    this.#config = { ...NO_FAULTS };
  }

  applies(route: string): boolean {
    const { routes, methods } = this.#config;
    return (routes.length === 0 || routes.includes(route)) && (methods.length === 0 || methods.includes(route.slice(0, route.indexOf(' '))));
  }

  /** Decides what happens to one request, before it is served. */
  draw(): 'hang' | 'reset' | 'reset-after' | { status: number } | 'rate-limit' | 'serve' {
    const c = this.#config;
    if (c.authRevoked) return { status: 401 };
    if (c.rateLimitBurst > 0) {
      this.#config = { ...c, rateLimitBurst: c.rateLimitBurst - 1 };
      return 'rate-limit';
    }
    if (c.hangRate > 0 && this.#random() < c.hangRate) return 'hang';
    if (c.resetRate > 0 && this.#random() < c.resetRate) return 'reset';
    if (c.errorRate > 0 && this.#random() < c.errorRate) {
      const statuses = c.errorStatuses.length ? c.errorStatuses : [503];
      return { status: statuses[Math.floor(this.#random() * statuses.length)] ?? 503 };
    }
    if (c.resetAfterProcessingRate > 0 && this.#random() < c.resetAfterProcessingRate) return 'reset-after';
    return 'serve';
  }
}
