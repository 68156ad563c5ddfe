import { databaseOf } from '../../harness/report-input.ts';
import { gateLines, gateRules } from '../../reports/gate-terminal.ts';
import { evidenceLinesFor } from '../../reports/terminal.ts';
import { plural, sweptAt } from '../../reports/format.ts';
import { readBaseline } from '../baseline-file.ts';
import { amplifiedWords } from '../../reports/format.ts';
import { UsageError } from '../../run/errors.ts';
import { dbArgument } from '../../run/replay-command.ts';
import { exitCodeOf } from '../exit-codes.ts';
import { commandFailure } from '../command-failure.ts';
import { publishFailureToGithubActions, publishToGithubActions } from '../github-actions.ts';
import { checkOutDir } from '../../run/out-dir.ts';
import { durationOption, fractionOption, integerOption } from '../../run/option-rules.ts';
import { searchScenarios } from '../../harness/explore/search-scenarios.ts';
import { optionsHelp } from '../options-help.ts';
import type { OptionSpec } from '../option-spec.ts';
import { parseRunFlags, runOptionSpecs } from '../run-flags.ts';
import { runInvocation, type RanScenario } from '../../run/run-request.ts';
import { sizeHeapsForMemory } from '../heap-sizing.ts';
import type { Command, CommandIo } from './command.ts';

/** Small: races on a busy CI machine vary from run to run more than independent ops would. */
const DEFAULT_ALPHA = '0.001';
/** The search's budget per scenario: explore's own default of inputs, and a cap for slow scenarios. */
const DEFAULT_EXPLORE_RUNS = '100';
const DEFAULT_EXPLORE_TIME = '60s';

/** The gate runs the whole catalogue unless told otherwise. */
const GATE_DEFAULTS = { scenario: 'all' } as const;

/** Everything the gate takes: its parser reads this table and its help lists it. */
const gateOptions = (): OptionSpec[] => [
  { name: 'baseline', value: 'FILE', help: 'a stored report.json: fail a scenario whose rate moved significantly the wrong way' },
  { name: 'alpha', value: 'ALPHA', help: 'significance of the baseline test (0 to 0.5)', default: DEFAULT_ALPHA },
  { name: 'explore-runs', value: 'N', help: 'inputs the search tries per scenario after the stress run; 0 for none', default: DEFAULT_EXPLORE_RUNS },
  { name: 'explore-time', value: 'TIME', help: "time cap of each scenario's search, e.g. 30s or 2m", default: DEFAULT_EXPLORE_TIME },
  ...runOptionSpecs(GATE_DEFAULTS),
];

/**
 * reproduce's options the gate turns down, and why: its stdout is its checks, one line each (and
 * GitHub's annotations), which CI reads, never a report in another form.
 */
const REFUSED = {
  format: "is reproduce's: the gate prints its checks, one line each, and writes report.md and report.trac.txt beside report.json",
};

export const gateCommand: Command = {
  help: () => ['usage: racelab gate [options]', '', ...optionsHelp(gateOptions())].join('\n'),

  async run(args, io) {
    try {
      return await runGate(args, io);
    } catch (error) {
      // GitHub shows why the job failed even when no check was decided: a bad option, a database
      // that would not start. main() then prints the same line and returns the same code.
      await publishFailureToGithubActions(commandFailure('gate', error, io.signal.aborted), io);
      throw error;
    }
  },
};

async function runGate(args: readonly string[], io: CommandIo): Promise<number> {
  const options = parseRunFlags('gate', args, gateOptions(), GATE_DEFAULTS, REFUSED);
  const alpha = fractionOption('--alpha', options.extra['alpha'] ?? DEFAULT_ALPHA, 0, 0.5);
  const runs = integerOption('--explore-runs', options.extra['explore-runs'] ?? DEFAULT_EXPLORE_RUNS, 0, 100_000);
  const timeLimitMs = durationOption('--explore-time', options.extra['explore-time'] ?? DEFAULT_EXPLORE_TIME, 100, 3_600_000);
  const budget = runs === 0 ? undefined : { runs, timeLimitMs };
  const baselinePath = options.extra['baseline'];
  const baseline = baselinePath === undefined ? undefined : await readBaseline(baselinePath);
  // A forced race's rate and a natural one measure different things: neither is a baseline for the other.
  if (baseline && baseline.amplified !== (options.config.amplify === true)) {
    throw new UsageError(
      `--baseline ${baselinePath} ${baseline.amplified ? 'was an amplified run and this one is not' : 'was not amplified and this run is'}: amplified and natural rates are not comparable; ${baseline.amplified ? 'pass --amplify, or give a baseline run without it' : 'drop --amplify, or give a baseline run with it'}`,
    );
  }
  // The rerun repeats what shapes the verdict: the search's budget, and the baseline (by its copy).
  const rerunArgs = ['--explore-runs', String(runs), ...(budget ? ['--explore-time', options.extra['explore-time'] ?? DEFAULT_EXPLORE_TIME] : [])];
  await checkOutDir(options.out);
  sizeHeapsForMemory();
  const { input, reportDir } = await runInvocation('gate', options, io, {
    commandLine: ['gate', ...args],
    ...(budget && {
      search: (database, choice, ran) => {
        // A command scenario's processes are not searched yet: say so rather than skip it silently.
        for (const { findings } of ran.filter(isCommandScenario)) {
          io.progress(`not searching ${findings[0]!.scenario.name}: a command scenario's interleavings are not searched yet (its stress run stands alone)`);
        }
        const isolation = options.isolationGiven ? options.config.isolation : database.isolations[0]!;
        const wanted = ran.filter(worthSearching).map(({ module, argument }) => ({ module, argument: `${argument}${dbArgument(choice)}` }));
        if (wanted.length > 0) io.progress(`searching interleavings${options.db.length > 1 ? ` on ${database.product} ${database.version}` : ''}: up to ${plural(budget.runs, 'input')} or ${budget.timeLimitMs / 1000} s per scenario…`);
        return searchScenarios(database, wanted, { ...budget, isolation, signal: io.signal });
      },
    }),
    ...(baseline && { baseline: { entries: baseline.entries, alpha, text: baseline.text } }),
    rerunArgs,
  });

  const out = (line: string) => io.stdout(`${line}\n`);
  const on = (input.databases ?? [input.database]).map((db) => `${db.product} ${db.version} (${db.kind})`).join(', ');
  out(`racelab gate · ${on} · seed ${input.config.seed}`);
  const amplified = amplifiedWords(input.config);
  if (amplified) out(amplified);
  for (const line of gateRules(baseline && alpha, budget)) out(line);
  // A broken check's evidence: the error that is not a race, in the database's own words.
  for (const check of input.decision.checks) {
    if (check.kind === 'stress' && check.verdict === 'broken') {
      out(evidenceLinesFor(check.finding, databaseOf(input, check.database).product, sweptAt(input, { value: check.sweepValue })).join('\n'));
    }
  }
  for (const line of gateLines(input, reportDir)) out(line);
  await publishToGithubActions(input, reportDir, io);
  return exitCodeOf(input.decision.verdict);
}

/** A command scenario: its processes' interleavings are not searched yet. */
function isCommandScenario({ findings }: RanScenario): boolean {
  return findings[0]!.scenario.command !== undefined;
}

/**
 * Whether the search looks at a scenario that ran on a database: every one expected safe, whose
 * stress run may simply have missed the race, and every one expected unsafe that the stress run
 * did not reproduce. One that reproduced needs no search.
 */
function worthSearching(scenario: RanScenario): boolean {
  if (isCommandScenario(scenario)) return false;
  const { findings } = scenario;
  return findings[0]!.scenario.expect === 'safe' || findings.every((f) => f.verdict !== 'reproduced');
}
