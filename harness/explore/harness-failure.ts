import type { ExploreRun } from './explore-run.ts';

/** Explore could not judge an interleaving: a worker failed or stalled. Infrastructure, not a race. */
export class HarnessFailure extends Error {
  override name = 'HarnessFailure';
}

/** How far a property search had got when it was stopped. */
export interface SearchProgress {
  seed: number;
  /** Inputs run to their end, up to and including the first that broke the property. */
  inputs: number;
  /** Distinct interleavings among the inputs that held. */
  interleavings: number;
  /** The first interleaving that broke the property, before any shrinking, if one did. */
  violation?: ExploreRun;
}

/** Ctrl-C during an exploration: it stops between interleavings. A search says how far it got. */
export class ExploreInterrupted extends Error {
  override name = 'ExploreInterrupted';

  constructor(
    message: string,
    readonly progress?: SearchProgress,
  ) {
    super(message);
  }
}
