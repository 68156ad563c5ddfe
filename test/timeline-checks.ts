import type { TimelineEntry } from '../harness/contract/results.ts';

const nameOf = (e: TimelineEntry) => `w${e.worker} op${e.op} ${e.step}`;

/**
 * What a reader would find wrong with a timeline's marks; none when it reads true. A collision's
 * timeline (an op whose statement raised the violation) has exactly one `✗ failed` and at least one
 * `◀ won` of another op that began before the failed statement ended; any timeline has at most one
 * of each, and each `waited for` names a statement in it that began before the waiting one and
 * ended no later, so no two statements are each shown waiting for the other.
 */
export function markProblems(timeline: readonly TimelineEntry[], collision: boolean): string[] {
  const problems: string[] = [];
  const failed = timeline.filter((e) => e.role === 'failed');
  const won = timeline.filter((e) => e.role === 'won');
  if (collision ? failed.length !== 1 : failed.length > 1) problems.push(`${failed.length} statements marked ✗ failed`);
  if (collision ? won.length < 1 : false) problems.push('no statement marked ◀ won');
  if (won.length > 1) problems.push(`${won.length} statements marked ◀ won`);
  for (const winner of won) {
    for (const loser of failed) {
      if (winner.worker === loser.worker && winner.op === loser.op) problems.push(`${nameOf(winner)} both won and failed`);
      if (winner.atMs > loser.endMs) problems.push(`${nameOf(winner)} won, but began after ${nameOf(loser)} failed`);
    }
  }
  for (const e of timeline) {
    if (e.waitedFor === undefined) continue;
    const named = timeline.filter((x) => nameOf(x) === e.waitedFor);
    if (named.length === 0) problems.push(`${nameOf(e)} at +${e.atMs} waited for ${e.waitedFor}, which is not in the timeline`);
    else if (!named.some((x) => x.atMs < e.atMs && x.endMs <= e.endMs)) {
      problems.push(`${nameOf(e)} at +${e.atMs} waited for ${e.waitedFor}, which began after it or ended after it`);
    }
    if (named.some((x) => x.waitedFor === nameOf(e))) problems.push(`${nameOf(e)} and ${e.waitedFor} each waited for the other`);
  }
  return problems;
}
