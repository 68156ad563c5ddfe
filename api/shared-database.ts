/**
 * Where racelab/vitest's global setup hands the database it started to the test run's race()
 * calls. A module of its own: the global setup imports it without the engine, which it does not
 * need and whose import would be most of its start.
 */

/** Where racelab/vitest's global setup leaves the URL of the database it started for the test run. */
export const SHARED_DATABASE_ENV = 'RACELAB_SHARED_DATABASE_URL';
/**
 * Where it leaves the `--db` a rerun of a race() on that database names: `embedded` when it
 * started a throwaway server, whose URL is dead once the test run ends; DATABASE_URL when it used that.
 */
export const SHARED_DATABASE_RERUN_ENV = 'RACELAB_SHARED_DATABASE_RERUN';
