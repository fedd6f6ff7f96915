import pRetry from 'p-retry';

/**
 * A Redis write that records a provider's side effect (a create's new id, what the target now holds). The provider
 * has acted; losing this write to a short Redis outage would make a retry act again (a duplicate), so it is tried
 * again until Redis answers, for up to `maxMs` (well inside a job's lock, so no other worker takes the job over
 * meanwhile). Only if Redis stays away longer does the error go up; the create intent then stays in place and the
 * record is looked up, or held for review, instead of created twice.
 */
export async function durably<T>(write: () => Promise<T>, maxMs = 15_000): Promise<T> {
  return pRetry(write, { retries: 1_000, minTimeout: 100, maxTimeout: 2_000, factor: 2, maxRetryTime: maxMs });
}
