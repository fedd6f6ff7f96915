import DataLoader from 'dataloader';
import type { Job, JobsOptions, Queue } from 'bullmq';

interface AddRequest {
  name: string;
  data: unknown;
  opts: JobsOptions & { jobId: string };
}

/**
 * Sends the adds to one queue that arrive in the same turn of the event loop as one pipeline (BullMQ's addBulk):
 * one write to Redis and one read of its answers instead of one each per add. A burst of API requests (50 clients
 * whose requests land together) is parsed in one turn, and each request's write to Redis over loopback TCP cost more
 * CPU than the rest of its enqueue (~38 of ~210 µs, the kernel delivering to Redis in the sender's system call).
 *
 * Batches close at `setImmediate`, after the turn's I/O callbacks: a lone request waits for nothing but the end of
 * its own turn. Every add carries a job id, so an add is idempotent: when a pipeline fails, each add of it is tried
 * again alone and its caller gets its own outcome (BullMQ adds a job id only once).
 */
export class AddBatcher {
  readonly #loader: DataLoader<AddRequest, Job>;

  constructor(queue: Queue, maxBatchSize = 100) {
    this.#loader = new DataLoader<AddRequest, Job>(
      async (requests) => {
        if (requests.length === 1) return [await queue.add(requests[0]!.name, requests[0]!.data, requests[0]!.opts)];
        try {
          return await queue.addBulk([...requests]);
        } catch (bulkError) {
          // The pipeline may have run in part (cut after some answers: ioredis aborts the rest), so an add that cannot
          // even be sent now keeps the pipeline's error: its outcome is unknown, not "nothing was started" (test:
          // enqueue-batch).
          return Promise.all(
            requests.map((request) =>
              queue.add(request.name, request.data, request.opts).catch((error: unknown) => toError(NOT_SENT.test(String(error)) ? bulkError : error)),
            ),
          );
        }
      },
      { cache: false, maxBatchSize, batchScheduleFn: (send) => setImmediate(send) },
    );
  }

  add(name: string, data: unknown, opts: JobsOptions & { jobId: string }): Promise<Job> {
    return this.#loader.load({ name, data, opts });
  }
}

const toError = (error: unknown) => (error instanceof Error ? error : new Error(String(error)));
/** ioredis refused to send the command (not connected, no offline queue): Redis never saw it. */
const NOT_SENT = /enableOfflineQueue/;
