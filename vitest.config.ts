import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'scratch/**'],
    // One embedded PostgreSQL for the suite; tests that need their own start it themselves.
    globalSetup: ['./test/global-setup.ts'],
    // Two files side by side: much of a file's time is spent waiting on the processes and databases
    // it started. vitest's default on a 2-core machine is one file at a time; with three, a Ctrl-C
    // during an embedded cluster's initdb took 5 to 7 s to end on the starved cores (its bound is 5).
    maxWorkers: 2,
    // A test's own time plus its share of a machine two files and CI's background load share:
    // a run of the catalogue that takes 40 s alone took over 60 s there. A hang is still caught:
    // every wait in the suite has a bound of its own.
    testTimeout: 180_000,
    hookTimeout: 180_000,
  },
});
