import { reproduce, type ReproduceResult } from '../../harness/reproduce.ts';
import type { ReportInput } from '../../harness/report-input.ts';
import type { Database } from '../../harness/types.ts';
import { renderJson } from '../../reports/json.ts';
import { renderTerminal } from '../../reports/terminal.ts';
import { BUILT_IN_SCENARIOS } from '../../scenarios/index.ts';
import { openDatabase, planDatabase, type DatabasePlan } from '../../stores/postgres/provision.ts';
import { EXIT } from '../exit-codes.ts';
import { checkOutDir, writeReports } from '../out-dir.ts';
import { replayCommand } from '../replay-command.ts';
import { parseReproduceOptions, REPRODUCE_OPTIONS } from '../reproduce-options.ts';
import { TOOL } from '../tool-info.ts';
import { InfrastructureError } from '../cli-errors.ts';
import type { Command, CommandIo } from './command.ts';

const SESSION_STORE = new URL('../../stores/postgres/session-store.ts', import.meta.url).href;

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

    let plan: DatabasePlan;
    let database: Database;
    let result: ReproduceResult;
    try {
      plan = await planDatabase(options.db);
      io.progress(`database: ${plan.kind} (${plan.reason})`);
      database = await openDatabase(plan);
    } catch (error) {
      throw new InfrastructureError(`database: ${(error as Error).message}`);
    }
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
      interrupted: result.interrupted,
    };
    const [reportPath] = await writeReports(options.out, { 'report.json': renderJson(input) });
    io.stdout(renderTerminal(input, reportPath!));
    return exitCode(result, io);
  },
};

/** Interrupted beats a harness failure, which beats a verdict: a verdict is only as good as its run. */
function exitCode(result: ReproduceResult, io: CommandIo): number {
  if (result.interrupted) return EXIT.interrupted;
  const tainted = result.findings.filter(
    (f) => f.workerFailures.length > 0 || f.outcomes.error > 0 || f.outcomes.indeterminate > 0,
  );
  if (tainted.length > 0) {
    io.error(`harness failure in ${tainted.map((f) => f.scenario.name).join(', ')}: no verdict can be trusted (see above)`);
    return EXIT.infrastructure;
  }
  const mismatched = result.findings.filter((f) => !f.matchesExpectation);
  if (mismatched.length > 0) {
    io.error(`verdict does not match expectation: ${mismatched.map((f) => `${f.scenario.name} ${f.verdict}, expected ${f.scenario.expect}`).join('; ')}`);
    return EXIT.mismatch;
  }
  return EXIT.ok;
}
