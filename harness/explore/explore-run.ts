import type { Outcome } from '../contract/outcomes.ts';
import type { AuditProblem } from '../contract/scenario.ts';
import type { UncontrolledStatements } from '../intercept/uncontrolled.ts';
import type { WorkerSample } from '../protocol.ts';
import type { ExploreInput } from './schedule.ts';
import type { StepRecord } from './step-log.ts';

/** One interleaving as it ran. */
export interface ExploreRun {
  input: Omit<ExploreInput, 'choices'>;
  /** The workers released, in order: replaying it gives the same interleaving. */
  order: number[];
  /** The pending workers at each decision, for exhaustive enumeration. */
  pendingAt: number[][];
  steps: StepRecord[];
  /** Each worker's op outcomes, by op index. */
  outcomes: Outcome[][];
  /** The failing ops' evidence, as the workers sampled it. */
  samples: WorkerSample[];
  /** What the scenario's own audit hook found after the run. */
  invariantProblems: AuditProblem[];
  /** Statements the ops' code sent that racelab could not schedule: they ran outside this interleaving. */
  uncontrolled?: UncontrolledStatements;
  elapsedMs: number;
}
