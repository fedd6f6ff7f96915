import pRetry, { AbortError } from 'p-retry';
import type { Logger } from '../logger.ts';
import { isRedisDown } from './errors.ts';

/** How long an enqueue a request answered 202 for is tried again while Redis does not take it. */
export const PROMISED_ENQUEUE_RETRY_MS = 10 * 60_000;
/** An enqueue answered 202 without Redis's answer this long later (or one try of it) is checked and sent again. */
export const UNANSWERED_ENQUEUE_MS = 5_000;

/** One enqueue a request answered 202 for: how to send it again, and how to see whether its job exists. */
export interface PromisedEnqueue {
  enqueue(): Promise<unknown>;
  exists(): Promise<boolean>;
}

/**
 * Enqueues that a request answered 202 for before Redis answered them (the request's deadline came first, after the
 * commit). A 202 says the work will run, but the add can still be lost: the connection or a Cluster node goes down
 * before it lands ("Too many Cluster redirections", seen by the chaos harness), or ioredis re-sends a command that
 * was in flight when its connection dropped and reports it done though Redis never ran it (measured by
 * `promised-enqueue.int.test.ts`: the add resolved, the job did not exist). So once the add has settled, or after
 * UNANSWERED_ENQUEUE_MS without an answer, the job is looked up, and if it is not there the add is sent again under
 * the same job id (BullMQ adds an id once, so an add that did land meanwhile is not doubled), with backoff up to 5 s,
 * for PROMISED_ENQUEUE_RETRY_MS. Each outcome is one log line naming the job. The tries live in this process: if it
 * stops first they stop with it, and the log names every job left without its job (`GET /v1/jobs/{id}`: 404).
 */
export class PromisedEnqueues {
  readonly #logger: Logger | undefined;
  readonly #retryMs: number;
  readonly #stop = new AbortController();
  readonly #pending = new Set<string>();

  constructor(logger: Logger | undefined, retryMs = PROMISED_ENQUEUE_RETRY_MS) {
    this.#logger = logger;
    this.#retryMs = retryMs;
  }

  /** Job ids being checked or sent again. */
  get pending(): ReadonlySet<string> {
    return this.#pending;
  }

  /** `first`: the add the request made; the job is made sure of once it settles or goes unanswered. */
  watch(jobId: string, first: Promise<unknown>, promised: PromisedEnqueue): void {
    const timer = setTimeout(() => this.#ensure(jobId, promised, 'no answer from Redis'), UNANSWERED_ENQUEUE_MS);
    timer.unref();
    first.then(
      () => {
        clearTimeout(timer);
        this.#ensure(jobId, promised, 'the add was answered');
      },
      (error: unknown) => {
        clearTimeout(timer);
        this.#ensure(jobId, promised, error instanceof Error ? error.message : String(error));
      },
    );
  }

  /** Stops every try (the API is closing); each job not enqueued yet is logged. */
  close(): void {
    this.#stop.abort();
  }

  #ensure(jobId: string, promised: PromisedEnqueue, after: string): void {
    if (this.#pending.has(jobId) || this.#stop.signal.aborted) return;
    this.#pending.add(jobId);
    let tries = 0;
    const once = async () => {
      if (await timed(promised.exists())) return;
      if (tries++ === 0) this.#logger?.warn({ jobId, after }, 'a job answered 202 is not in Redis: sending its enqueue again until Redis takes it');
      await timed(promised.enqueue());
      if (!(await timed(promised.exists()))) throw new NotThereError(`job ${jobId} not in Redis after its add`);
    };
    pRetry(() => once().catch(retryable), { retries: Number.POSITIVE_INFINITY, maxRetryTime: this.#retryMs, minTimeout: 250, maxTimeout: 5_000, signal: this.#stop.signal, unref: true })
      .then(
        () => tries > 0 && this.#logger?.info({ jobId, tries }, 'a job answered 202 is enqueued now'),
        (error: unknown) =>
          this.#logger?.error(
            { err: error, jobId },
            `a job answered 202 was never enqueued${this.#stop.signal.aborted ? ' (the API stopped first)' : ''}: it does not exist, GET /v1/jobs/${jobId} answers 404 and the work must be started again`,
          ),
      )
      .finally(() => this.#pending.delete(jobId));
  }
}

class UnansweredError extends Error {}
class NotThereError extends Error {}

/** An unreachable Redis, no answer in time or a job still missing is waited out; any other error would repeat. */
function retryable(error: unknown): never {
  if (error instanceof UnansweredError || error instanceof NotThereError || isRedisDown(error)) throw error;
  throw new AbortError(error instanceof Error ? error : String(error));
}

async function timed<T>(work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const unanswered = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new UnansweredError(`no answer from Redis in ${UNANSWERED_ENQUEUE_MS} ms`)), UNANSWERED_ENQUEUE_MS);
    timer.unref();
  });
  try {
    return await Promise.race([work, unanswered]);
  } finally {
    clearTimeout(timer);
  }
}
