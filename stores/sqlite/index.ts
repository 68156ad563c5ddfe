import { moduleBeside } from '../../harness/module-url.ts';

/** The module the workers open their sessions with: handed to the harness by URL. */
export const SESSION_STORE = moduleBeside('./session-store', import.meta.url);
