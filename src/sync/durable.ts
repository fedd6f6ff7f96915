import { setTimeout as sleep } from 'node:timers/promises';
import pRetry from 'p-retry';

const FIRST_RETRY_MS = 100;

/**
 * A Redis write that records a provider's side effect (a create's new id, what the target now holds). The provider
 * has acted; losing this write to a short Redis outage would make a retry act again (a duplicate), so it is tried
 * again until Redis answers, for up to `maxMs` (well inside a job's lock, so no other worker takes the job over
 * meanwhile). Only if Redis stays away longer does the error go up; the create intent then stays in place and the
 * record is looked up, or held for review, instead of created twice.
 *
 * The first try is a plain call: this runs for every record written, it almost always succeeds, and p-retry's
 * set-up per call was a visible share of a first sync's CPU (bench --perf). Only a failure pays for the backoff.
 */
export async function durably<T>(write: () => Promise<T>, maxMs = 15_000): Promise<T> {
  const started = Date.now();
  try {
    return await write();
  } catch {
    // Redis did not answer: the same backoff as before, from its first wait on.
  }
  await sleep(FIRST_RETRY_MS);
  return pRetry(write, { retries: 1_000, minTimeout: FIRST_RETRY_MS, maxTimeout: 2_000, factor: 2, maxRetryTime: Math.max(0, maxMs - (Date.now() - started)) });
}
