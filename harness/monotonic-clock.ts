/**
 * One clock in microseconds for every thread of the process, on which timelines, race windows and
 * the proxy's statements are put in order.
 */

/**
 * Where `process.hrtime` stood, in microseconds, when this thread's `performance.now()` read 0. Both
 * read the same monotonic clock, so the difference is fixed; taken once per thread.
 */
const HRTIME_AT_ORIGIN_US = hrtimeAtOriginUs();

function hrtimeAtOriginUs(): number {
  // The closest of a few readings bracketed by two of `performance.now()`: the first calls of each
  // are slow, and a reading taken between slow calls would be off by tens of microseconds.
  let best = Number.POSITIVE_INFINITY;
  let offset = 0;
  for (let i = 0; i < 8; i++) {
    const before = performance.now();
    const hrtimeUs = Number(process.hrtime.bigint() / 1000n);
    const after = performance.now();
    if (after - before < best) {
      best = after - before;
      offset = hrtimeUs - Math.round(((before + after) / 2) * 1000);
    }
  }
  return offset;
}

/**
 * Microseconds on `process.hrtime`: one monotonic clock for every thread of the process. Each thread
 * finds its own offset, good to half its tightest bracket (a microsecond or a few): timelines that
 * put two threads' statements in order are read at that precision. Read through
 * `performance.now()`, which makes no BigInt: it runs twice per statement.
 */
export function nowUs(): number {
  return HRTIME_AT_ORIGIN_US + Math.round(performance.now() * 1000);
}
