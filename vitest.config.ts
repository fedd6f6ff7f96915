import { defineConfig } from 'vitest/config';

// Two projects: pure unit tests, and integration tests that cross a socket (real Redis, the simulators).
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
          globalSetup: ['test/helpers/global-setup.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Two cores: files run in parallel, but not so many that Redis and the simulators starve.
          maxWorkers: 2,
        },
      },
    ],
  },
});
