import { analyticExpectation } from '../../harness/analytic.ts';
import { reproduce, type ReproduceResult } from '../../harness/reproduce.ts';
import type { Finding } from '../../harness/finding.ts';
import type { ReportInput } from '../../harness/report-input.ts';
import { count, magnitude, percent } from '../../reports/format.ts';
import { renderJson } from '../../reports/json.ts';
import { renderTerminal } from '../../reports/terminal.ts';
import { BUILT_IN_SCENARIOS } from '../../scenarios/index.ts';
import { SESSION_STORE } from '../../stores/postgres/index.ts';
import { EXIT } from '../exit-codes.ts';
import { openCommandDatabase } from '../open-database.ts';
import { checkOutDir, writeReports } from '../out-dir.ts';
import { replayCommand } from '../replay-command.ts';
import { parseReproduceOptions, REPRODUCE_OPTIONS } from '../reproduce-options.ts';
import { TOOL } from '../tool-info.ts';
import { InfrastructureError } from '../cli-errors.ts';
import type { Command, CommandIo } from './command.ts';

export const reproduceCommand: Command = {
  name: 'reproduce',
  summary: 'run the scenarios side by side against a real PostgreSQL and report their violation rates',
  help: () =>
    [
      'usage: racelab reproduce [options]',
      '',
      ...Object.entries(REPRODUCE_OPTIONS).map(([name, o]) => `  --${name.padEnd(13)} ${o.help} (default ${o.default})`),
    ].join('\n'),

  async run(args, io) {
    const options = parseReproduceOptions(args);
    await checkOutDir(options.out);
    const startedAt = new Date();

    const { plan, database } = await openCommandDatabase(options.db, io);
    let result: ReproduceResult;
    try {
      result = await reproduce({
        database,
        scenarioModules: options.scenarios.map((name) => BUILT_IN_SCENARIOS[name]!),
        storeModule: SESSION_STORE,
        config: options.config,
        signal: io.signal,
        onScenario: ({ name, phase }) => {
          if (phase === 'start') io.progress(`running ${name}…`);
        },
      });
    } catch (error) {
      throw new InfrastructureError(`run failed: ${(error as Error).message}`);
    } finally {
      await database.stop();
    }

    const input: ReportInput = {
      tool: TOOL,
      replayCommand: replayCommand(options),
      database: { kind: database.kind, version: database.version, reason: plan.reason },
      config: options.config,
      schedule: result.schedule,
      startedAt,
      findings: result.findings,
      expectation: analyticExpectation(options.config, options.rate),
      interrupted: result.interrupted,
    };
    const [reportPath] = await writeReports(options.out, { 'report.json': renderJson(input) });
    io.stdout(renderTerminal(input, reportPath!));
    return exitCode(result, input, io);
  },
};

/** Interrupted beats a harness failure, which beats a verdict: a verdict is only as good as its run. */
function exitCode(result: ReproduceResult, input: ReportInput, io: CommandIo): number {
  if (result.interrupted) return EXIT.interrupted;
  const tainted = result.findings.filter(
    (f) => f.workerFailures.length > 0 || f.outcomes.error > 0 || f.outcomes.indeterminate > 0,
  );
  if (tainted.length > 0) {
    io.error(`harness failure in ${tainted.map((f) => f.scenario.name).join(', ')}: no verdict can be trusted (see above)`);
    return EXIT.infrastructure;
  }
  const mismatched = result.findings.filter((f) => !f.matchesExpectation);
  for (const finding of mismatched) io.error(mismatchMessage(finding, input));
  return mismatched.length > 0 ? EXIT.mismatch : EXIT.ok;
}

/** One line that says which way the verdict missed, and what to do about it. */
function mismatchMessage(finding: Finding, input: ReportInput): string {
  const name = finding.scenario.name;
  if (finding.scenario.expect === 'safe') {
    return `${name} is expected safe but reproduced (${percent(finding.rate.value)} of ${count(finding.ops)} ops): see its first violation above`;
  }
  if (input.config.keys === 'django') {
    return `${name} is expected unsafe but held: with the real key space chance alone predicts ≈${magnitude(input.expectation.racingDrawsBound)} same-key draws in this run; use --keys shrunk or --keys same-seed to see the race`;
  }
  return `${name} is expected unsafe but held in ${count(finding.ops)} ops: this run lacked the power to show the race; raise --ops or shrink --key-space`;
}
