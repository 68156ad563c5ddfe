/** Explore could not judge an interleaving: a worker failed or stalled. Infrastructure, not a race. */
export class HarnessFailure extends Error {
  override name = 'HarnessFailure';
}
