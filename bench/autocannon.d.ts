// autocannon ships no types; this is the part bench/api-load.ts uses.
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
  }
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
