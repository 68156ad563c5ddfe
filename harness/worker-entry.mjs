// The worker thread's entry, plain JavaScript so that it loads as it is from the package and from
// racelab's sources alike. From the package it imports the compiled engine; from the sources (in
// racelab's own tests) it first registers tsx in this thread: loader hooks registered elsewhere
// reach neither a worker's own modules nor the ones it imports by URL (the scenario, the store).
import { existsSync } from 'node:fs';

const fromSources = existsSync(new URL('./worker.ts', import.meta.url));
if (fromSources) {
  const { register } = await import('tsx/esm/api');
  register();
}
const extension = fromSources ? '.ts' : '.js';

/** Stress mode: one task per worker per run. */
export default (await import(`./worker${extension}`)).default;
/** Explore mode: one long-lived task per worker for a whole exploration. */
export const explore = (await import(`./explore/explore-worker${extension}`)).default;
