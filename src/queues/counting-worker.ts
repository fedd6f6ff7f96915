import { Worker } from 'bullmq';

/**
 * A BullMQ Worker that knows how many jobs it holds: from the moment it takes one until its outcome (completed,
 * failed, delayed, back to waiting) is recorded in Redis. A shutdown that runs out of time abandons exactly these:
 * their locks lapse and BullMQ re-delivers them as stalled.
 */
export class CountingWorker extends Worker {
  #holding = 0;

  get holding(): number {
    return this.#holding;
  }

  override async processJob(...args: Parameters<Worker['processJob']>): ReturnType<Worker['processJob']> {
    this.#holding++;
    try {
      return await super.processJob(...args);
    } finally {
      this.#holding--;
    }
  }
}
