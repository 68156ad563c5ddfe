/**
 * Race windows of a command scenario's run, counted after it from each op's span: an op holds the
 * keys its op line names from its first statement's start to its last statement's end, and is a
 * race window when that span overlapped another process's op holding one of the same keys. The
 * rule race-windows.ts keeps for op scenarios, where a worker counts as it goes.
 */
export interface OpSpan {
  worker: number;
  op: number;
  keys: readonly string[];
  startUs: number;
  endUs: number;
}

/** How many ops overlapped another worker's op on one of their keys. */
export function countRaceWindows(spans: readonly OpSpan[]): number {
  const byKey = new Map<string, OpSpan[]>();
  for (const span of spans) for (const key of span.keys) (byKey.get(key) ?? byKey.set(key, []).get(key)!).push(span);
  const racing = new Set<OpSpan>();
  for (const held of byKey.values()) {
    held.sort((a, b) => a.startUs - b.startUs);
    // Sweep by start: each span against those still open when it starts.
    let open: OpSpan[] = [];
    for (const span of held) {
      open = open.filter((other) => other.endUs > span.startUs);
      for (const other of open) {
        if (other.worker === span.worker) continue;
        racing.add(other);
        racing.add(span);
      }
      open.push(span);
    }
  }
  return racing.size;
}
