/**
 * What a rerun with the printed seed repeats, and what it does not, as every report says it. Each
 * worker's generator is seeded from the seed, so its stream of random keys is the same every time;
 * but an op that finds its key taken draws again, and whether it is taken depends on how the
 * threads interleaved, so after the first redraw the ops take different keys of the stream.
 */
export const SEED_FIXES =
  "(the seed fixes each worker's stream of random keys; which of them an op takes depends on redraws, and so on timing, as does how threads interleave)";
