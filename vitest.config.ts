import { defineConfig } from 'vitest/config';

/** Integration test files that also run on the cluster (see the `cluster` project). */
const CLUSTER_SUITE = [
  'test/integration/sync/trata-to-powerchord.int.test.ts',
  'test/integration/sync/shipped-jobs.int.test.ts',
  'test/integration/sync/crash.int.test.ts',
  'test/integration/sync/scale-out.int.test.ts',
];

// Three projects: pure unit tests, integration tests that cross a socket (real Redis, the simulators), and a
// part of the integration tests again on a Redis Cluster.
export default defineConfig({
  test: {
    reporters: ['default'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['test/**/*.int.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/**/*.int.test.ts'],
          exclude: ['test/cluster/**'],
          globalSetup: ['test/helpers/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Two cores: files run in parallel, but not so many that Redis and the simulators starve.
          maxWorkers: 2,
        },
      },
      {
        // The same end-to-end syncs, the kill -9 test and the two-process test on a 3-master Redis Cluster.
        test: {
          name: 'cluster',
          include: [...CLUSTER_SUITE, 'test/cluster/**/*.int.test.ts'],
          globalSetup: ['test/cluster/global-setup.ts'],
          // The kill -9 test at a quarter of its size: the same faults, fewer of them (the suite stays near a minute).
          env: { CRASH_TEST_SCALE: '0.25' },
          // After the other projects, not beside them: two cores cannot run both suites' worker processes at once.
          sequence: { groupOrder: 1 },
          testTimeout: 60_000,
          hookTimeout: 60_000,
          maxWorkers: 2,
        },
      },
    ],
  },
});
