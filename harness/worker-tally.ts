import type { WorkerReport } from './protocol.ts';
import { OUTCOMES, type Outcome, type OutcomeCounts } from './contract/outcomes.ts';
import type { AuditFinding, ErrorRecord } from './contract/results.ts';

/** Failing ops kept per outcome per worker: enough for evidence, flat in memory. */
const SAMPLES_PER_OUTCOME = 3;

/** A worker's counts and its bounded sample of failing ops, as they accrue. */
export class WorkerTally {
  readonly report: WorkerReport;
  private readonly sampled = new Map<Outcome, number>();
  private started = performance.now();
  /** Each op's outcome by index, when tracked. */
  readonly opOutcomes: Outcome[] | undefined;

  constructor(worker: number, trackOps = false) {
    this.opOutcomes = trackOps ? [] : undefined;
    this.report = {
      worker,
      ops: 0,
      outcomes: Object.fromEntries(OUTCOMES.map((outcome) => [outcome, 0])) as OutcomeCounts,
      retries: 0,
      draws: 0,
      saved: 0,
      statements: 0,
      samples: [],
      steps: [],
      elapsedMs: 0,
      releasedAt: 0,
    };
  }

  /** Marks the release from the start barrier: the zero of every sample's time. */
  start(): void {
    this.started = performance.now();
    this.report.releasedAt = performance.timeOrigin + this.started;
  }

  /** Milliseconds since this worker was released to run. */
  now(): number {
    return performance.now() - this.started;
  }

  /**
   * Counts an op's outcome; failing ones are sampled with their error. With `trackOps` (explore
   * mode, a few ops) every op's outcome is also kept by index.
   */
  record(outcome: Outcome, op: number, key: string | undefined, error: ErrorRecord | undefined, audit?: AuditFinding): void {
    this.report.outcomes[outcome]++;
    if (this.opOutcomes) this.opOutcomes[op] = outcome;
    if (error === undefined) return;
    const taken = this.sampled.get(outcome) ?? 0;
    if (taken >= SAMPLES_PER_OUTCOME) return;
    this.sampled.set(outcome, taken + 1);
    this.report.samples.push({
      outcome,
      worker: this.report.worker + 1,
      op: op + 1,
      atMs: this.now(),
      error,
      ...(key !== undefined && { key }),
      ...(audit !== undefined && { audit }),
    });
  }

  /** An op told `ok` that the audit later found overwritten or lost: it moves out of `ok`. */
  demote(outcome: 'overwritten' | 'lost', op: number, key: string, audit: AuditFinding): void {
    this.report.outcomes.ok--;
    const message =
      audit.found === null
        ? `session ${audit.wrote} was acknowledged, then its row was gone though its owner never deleted it`
        : `session ${audit.wrote} was acknowledged, then its row held ${audit.found}`;
    this.record(outcome, op, key, { message }, audit);
  }
}
