import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'scratch/**'],
    // One embedded PostgreSQL for the suite; tests that need their own start it themselves.
    globalSetup: ['./test/global-setup.ts'],
    // Files side by side: most of a file's time is spent waiting on the processes and databases it
    // started, not on a core. vitest's default on a 2-core machine is one file at a time.
    maxWorkers: 3,
    // A test's own time plus its share of a machine three files and CI's background load share:
    // a run of the catalogue that takes 40 s alone took over 60 s there. A hang is still caught:
    // every wait in the suite has a bound of its own.
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
