import type { AnalyticExpectation } from './analytic.ts';
import type { Finding } from './finding.ts';
import type { Database, RunConfig } from './types.ts';

/** Everything a renderer needs to describe one invocation. Renderers read it and decide nothing. */
export interface ReportInput {
  tool: { name: string; version: string };
  /** The command line that reruns this invocation with the same config and seed. */
  replayCommand: string;
  /** Why this database was chosen, e.g. "no container runtime (tried …)". */
  database: { kind: Database['kind']; version: string; reason: string };
  config: RunConfig;
  schedule: string;
  startedAt: Date;
  findings: readonly Finding[];
  /** What chance predicts for this config, and for production with the real key space. */
  expectation: AnalyticExpectation;
  /** True when Ctrl-C stopped the run: the findings cover only what ran. */
  interrupted: boolean;
}
