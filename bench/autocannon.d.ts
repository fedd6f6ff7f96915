// autocannon ships no types; this is the part bench/api-load-generator.ts uses.
declare module 'autocannon' {
  interface Stats { average: number; p50: number; p90: number; p99: number; max: number; total: number }
  interface Result { requests: Stats; latency: Stats; non2xx: number; errors: number; timeouts: number }
  interface Options {
    url: string;
    method?: string;
    headers?: Record<string, string>;
    body?: string;
    connections?: number;
    pipelining?: number;
    duration?: number;
    /** Requests per second over all connections (`-R`). */
    overallRate?: number;
  }
  /** The running load: a promise of its result that also emits each response and request error. */
  interface Instance extends PromiseLike<Result> {
    on(event: 'response', listener: (client: unknown, statusCode: number, resBytes: number, responseTimeMs: number) => void): Instance;
    on(event: 'reqError', listener: (error: Error) => void): Instance;
  }
  function autocannon(options: Options): Instance;
  export default autocannon;
}
