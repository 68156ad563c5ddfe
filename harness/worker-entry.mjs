// The worker thread's entry. Node 20 cannot strip types, and loader hooks registered with
// `--import tsx` reach a worker's own module but not the modules it imports dynamically (the
// scenario and the store, loaded by URL). Registering tsx inside the thread covers both.
import { register } from 'tsx/esm/api';

register();

/** Stress mode: one task per worker per run. */
export default (await import('./worker.ts')).default;
/** Explore mode: one long-lived task per worker for a whole exploration. */
export const explore = (await import('./explore/explore-worker.ts')).default;
