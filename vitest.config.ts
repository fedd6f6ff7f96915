import { defineConfig } from 'vitest/config';
import { longestFirst } from './test/helpers/longest-first-sequencer.ts';

/** Integration test files that also run on the cluster (see the `cluster` project). */
const CLUSTER_SUITE = [
  'test/integration/sync/trata-to-powerchord.int.test.ts',
  'test/integration/sync/shipped-jobs.int.test.ts',
  'test/integration/sync/crash.int.test.ts',
  'test/integration/sync/scale-out.int.test.ts',
  'test/integration/sync/run-watchdog.int.test.ts',
];

/**
 * Seconds each of the longest files took in `npm test` on the 2-core machine: they start first even where vitest
 * has no timings of its own (a clean checkout), so that none of them starts late and becomes the suite's tail.
 */
const LONG_FILES: Record<string, number> = {
  'integration:test/integration/sync/crash.int.test.ts': 40,
  'integration:test/integration/chaos/chaos-short.int.test.ts': 33,
  'integration:test/integration/sync/run-watchdog.int.test.ts': 26,
  'cluster:test/integration/sync/run-watchdog.int.test.ts': 12,
  'cluster:test/integration/sync/crash.int.test.ts': 21,
  'integration:test/integration/cli/simulate.int.test.ts': 15,
  'integration:test/integration/sync/redis-pause-attempts.int.test.ts': 15,
  'integration:test/integration/sync/redis-outage.int.test.ts': 15,
  'integration:test/integration/cli/log-format.int.test.ts': 14,
  'integration:test/integration/sync/resilience.int.test.ts': 12,
  'integration:test/integration/sync/redis-crash.int.test.ts': 11,
  'integration:test/integration/sync/scale-out.int.test.ts': 11,
  'cluster:test/integration/sync/scale-out.int.test.ts': 11,
  'integration:test/integration/propexo/sync.int.test.ts': 10,
  'integration:test/integration/sync/fairness.int.test.ts': 9,
  'integration:test/integration/cli/check-connections.int.test.ts': 8,
};

// Three projects: pure unit tests, integration tests that cross a socket (real Redis, the simulators), and a
// part of the integration tests again on a Redis Cluster. All three share one pool of two workers (two cores: not
// so many that Redis and the simulators starve), the longest files first whatever their project.
export default defineConfig({
  test: {
    reporters: ['default'],
    sequence: { sequencer: longestFirst(LONG_FILES) },
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.int.test.ts'],
          // Two, like the others: with one, vitest runs this project's files one by one after everything else.
          maxWorkers: 2,
          // Pure functions over their inputs: the files share a worker and its loaded modules (each file in a fresh
          // process spent ~0.5 s starting and importing for a few ms of tests: 22 s of 42 files became 6 s).
          isolate: false,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.int.test.ts'],
          exclude: ['test/cluster/**'],
          globalSetup: ['test/helpers/global-setup.ts'],
          // Threads, and files share a worker and its loaded modules (isolate: false): each file in a fresh worker
          // spent ~1 s importing the app for tests that mostly take a fraction of that (npm test 256 -> 228 s). Every
          // file starts its own Redis keys, simulators and engine; what is process-wide (the metrics registry) is
          // reset by the file that asserts on all of it.
          pool: 'threads',
          isolate: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
          maxWorkers: 2,
        },
      },
      {
        // The same end-to-end syncs, the kill -9 test and the two-process test on a 3-master Redis Cluster.
        test: {
          name: 'cluster',
          include: [...CLUSTER_SUITE, 'test/cluster/**/*.int.test.ts'],
          globalSetup: ['test/cluster/global-setup.ts'],
          pool: 'threads',
          // The kill -9 test at a quarter of its size: the same faults, fewer of them (the suite stays near a minute).
          env: { CRASH_TEST_SCALE: '0.25' },
          testTimeout: 60_000,
          hookTimeout: 60_000,
          maxWorkers: 2,
        },
      },
    ],
  },
});
