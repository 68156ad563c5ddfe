/** Explore could not judge an interleaving: a worker failed or stalled. Infrastructure, not a race. */
export class HarnessFailure extends Error {
  override name = 'HarnessFailure';
}

/** Ctrl-C during an exploration: it stops between interleavings. */
export class ExploreInterrupted extends Error {
  override name = 'ExploreInterrupted';
}
