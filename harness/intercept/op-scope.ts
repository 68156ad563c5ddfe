import { AsyncLocalStorage } from 'node:async_hooks';
import type { ObservedStore } from '../observed-store.ts';

/**
 * Which worker's op the code running now belongs to: its store, through which every statement
 * the op's code sends is observed. A thread carries several workers, whose ops interleave on its
 * event loop; AsyncLocalStorage follows each op through its awaits, callbacks and timers, into
 * whatever pool or ORM it calls.
 */
export const opScope = new AsyncLocalStorage<ObservedStore>();
