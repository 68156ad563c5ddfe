import type { Capability } from './contract/store.ts';

/**
 * Why a scenario cannot run on a database: the reason the database gives for the first thing the
 * scenario needs and it lacks; undefined when it has all of them.
 */
export function lackingReason(needs: readonly Capability[] | undefined, lacks: Partial<Record<Capability, string>>): string | undefined {
  return (needs ?? []).map((need) => lacks[need]).find((reason) => reason !== undefined);
}
