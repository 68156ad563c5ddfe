import { expectationUnder } from '../../harness/define-scenario.ts';
import { enumerateInterleavings, TooManyInterleavings } from '../../harness/explore/exhaustive.ts';
import { Explorer, type ExploreRun } from '../../harness/explore/explorer.ts';
import { ExploreInterrupted, HarnessFailure } from '../../harness/explore/harness-failure.ts';
import { raceViolations } from '../../harness/explore/race-outcomes.ts';
import { orderPolicy, ScheduleError } from '../../harness/explore/schedule.ts';
import { searchForRace, type SearchResult } from '../../harness/explore/search.ts';
import type { DatabaseFamily, Isolation, Scenario } from '../../harness/types.ts';
import { exhaustiveLine, headerLines, interruptedEnumerationLine, interruptedSearchLines, runLines, searchLines, shape } from '../../reports/explore-terminal.ts';
import { rerunTerminalLines } from '../../reports/rerun-words.ts';
import { plural } from '../../reports/format.ts';
import { InfrastructureError, UsageError } from '../cli-errors.ts';
import { dbArgument, givenCommandLine } from '../replay-command.ts';
import { exploreReplayCommand } from '../explore-rerun.ts';
import { planScenarioCopies, rerunScenarios, writeScenarioCopies } from '../scenario-copies.ts';
import { EXIT } from '../exit-codes.ts';
import { EXPLORE_OPTIONS, parseExploreOptions, type ExploreMode } from '../explore-options.ts';
import { openCommandDatabase } from '../open-database.ts';
import { scenarioModules } from '../scenario-modules.ts';
import { TOOL } from '../tool-info.ts';
import { toolSource } from '../tool-source.ts';
import { checkOutDir, runReportDir, writeRunReports } from '../out-dir.ts';
import { renderExploreReports, type ExploreEvidence } from '../../reports/explore-report.ts';
import type { Command, CommandIo } from './command.ts';

/** Explore keeps a worker per possible participant warm: the most any input can use. */
const MAX_WORKERS = 8;

export const exploreCommand: Command = {
  help: () =>
    [
      'usage: racelab explore SCENARIO [options]',
      '       racelab explore SCENARIO --exhaustive [--workers 2] [--ops 1] [--key-space 1]',
      '       racelab explore SCENARIO --schedule "workers=2 ops=1 keys=1 isolation=rc seed=0 order=1,2,1,2"',
      '',
      ...Object.entries(EXPLORE_OPTIONS).map(([name, o]) => `  --${name.padEnd(11)} ${o.help} (default ${o.default})`),
      '  --exhaustive  run every interleaving of one small input, one line each',
    ].join('\n'),

  async run(args, io) {
    const options = parseExploreOptions(args);
    await checkOutDir(options.out);
    const [scenarioModule] = await scenarioModules('explore', [options.scenario]);
    // A scenario file is copied beside the reports, and their replay commands name the copy.
    const copies = await planScenarioCopies([options.scenario]);
    const { plan, database } = await openCommandDatabase(options.db, io, options.allowRemote);
    try {
      const workers = options.mode.kind === 'search' ? MAX_WORKERS : workersOf(options.mode);
      const explorer = await Explorer.start(database, scenarioModule!, workers, io.signal);
      try {
        const tool = { ...TOOL, source: toolSource() };
        const header = { tool, scenario: explorer.scenario.name, database, property: explorer.scenario.property };
        io.stdout(`${headerLines(header).join('\n')}\n`);
        // Every line of the account is printed as it comes and kept for report.md.
        const body: string[] = [];
        const emit = (lines: readonly string[]) => {
          body.push(...lines);
          io.stdout(`${lines.join('\n')}\n`);
        };
        const startedAt = new Date();
        // The scenario as the replay commands name it, with the database when it is not the
        // default: as given on the terminal, and by its copy in the reports.
        const argument = `${options.scenario}${dbArgument(options.db)}`;
        const rerunArgument = `${rerunScenarios([options.scenario], copies)[0]}${dbArgument(options.db)}`;
        const { matches, text, reproduced, evidence, interrupted } = await runMode(explorer, argument, options.mode, io, emit);
        io.stdout(`verdict: ${text}\n`);
        const summary = {
          header: { ...header, nodeVersion: process.version, reason: plan.reason },
          argument: rerunArgument,
          replayCommand: exploreReplayCommand(rerunArgument, options.mode, evidence),
          commandLine: givenCommandLine(['explore', ...args]),
          scenarioFiles: copies,
          startedAt,
          mode: options.mode.kind,
          verdict: { text, reproduced, matchesExpectation: matches },
          interrupted,
          body,
          ...evidence,
        };
        io.stdout(`${rerunTerminalLines({ ...summary, tool }).join('\n')}\n`);
        const reportDir = runReportDir(options.out);
        // Before the reports: `latest` never points at a directory without the file its rerun names.
        await writeScenarioCopies(reportDir, copies);
        const dir = await writeRunReports(options.out, reportDir, renderExploreReports(summary));
        io.progress(`report: ${dir}/report.json (and report.md, report.trac.txt, junit.xml, report.html)`);
        if (interrupted) return EXIT.interrupted;
        return matches ? EXIT.ok : EXIT.mismatch;
      } finally {
        await explorer.close();
      }
    } catch (error) {
      // Interrupted before an exploration began: nothing ran that a report could show.
      if (error instanceof ExploreInterrupted) return EXIT.interrupted;
      if (error instanceof ScheduleError) throw new UsageError(error.message);
      if (error instanceof TooManyInterleavings) throw new UsageError(`--exhaustive: ${error.message}`);
      if (error instanceof HarnessFailure) throw new InfrastructureError(`explore: ${error.message}`);
      throw error;
    } finally {
      await database.stop();
    }
  },
};

function workersOf(mode: Exclude<ExploreMode, { kind: 'search' }>): number {
  return mode.kind === 'replay' ? mode.schedule.workers : mode.input.workers;
}

/**
 * Runs the chosen mode, emitting its account line by line, and returns its verdict. Ctrl-C ends
 * it with what ran so far, said as such: the verdict then covers only that.
 */
async function runMode(
  explorer: Explorer,
  name: string,
  mode: ExploreMode,
  io: CommandIo,
  emit: (lines: readonly string[]) => void,
): Promise<Verdict & { evidence: ExploreEvidence; interrupted: boolean }> {
  const scenario = explorer.scenario;
  const { family } = explorer.database;
  const isolationOf = (run: ExploreRun) => expectationUnder(scenario, run.input.isolation, family).isolation;
  switch (mode.kind) {
    case 'search': {
      io.progress(`exploring ${name}: up to ${plural(mode.runs, 'input')}…`);
      let result: SearchResult;
      try {
        result = await searchForRace(explorer, { ...mode, signal: io.signal });
      } catch (error) {
        if (!(error instanceof ExploreInterrupted) || error.progress === undefined) throw error;
        const { progress } = error;
        emit(interruptedSearchLines(name, progress, isolationOf));
        const { violation } = progress;
        const searched = { seed: progress.seed, inputs: progress.inputs, interleavings: violation ? null : progress.interleavings };
        const levels = violation ? [violation.input.isolation] : explored(scenario, mode.isolations);
        const evidence: ExploreEvidence = violation ? { searched, counterexample: { run: violation, seed: progress.seed } } : { searched };
        return { ...interruptedVerdict(verdict(scenario, family, violation !== undefined, levels)), evidence, interrupted: true };
      }
      emit(searchLines(name, result, isolationOf));
      const levels = result.failed ? [result.counterexample.isolation] : explored(scenario, mode.isolations);
      const searched = { seed: result.seed, inputs: result.numRuns, interleavings: result.failed ? null : result.interleavings };
      const evidence: ExploreEvidence = result.failed
        ? { searched, counterexample: { run: result.run, seed: result.seed, path: result.path, shrinks: result.numShrinks } }
        : { searched };
      // A search none of whose inputs chose between two workers' statements scheduled nothing.
      if (!result.failed && result.contested === 0) return { ...NO_INTERLEAVING, evidence, interrupted: false };
      return { ...verdict(scenario, family, result.failed, levels), evidence, interrupted: false };
    }
    case 'replay': {
      const { order, ...input } = mode.schedule;
      let run: ExploreRun;
      try {
        run = await explorer.run(input, orderPolicy(order));
      } catch (error) {
        if (!(error instanceof ExploreInterrupted)) throw error;
        emit(['INTERRUPTED: Ctrl-C stopped the replay before its interleaving ended']);
        return { ...interruptedVerdict(verdict(scenario, family, false, [input.isolation])), evidence: {}, interrupted: true };
      }
      emit([`replaying ${shape(run, isolationOf(run))}:`, ...runLines(run)]);
      const reproduced = raceViolations(run) > 0;
      return { ...verdict(scenario, family, reproduced, [input.isolation]), evidence: reproduced ? { counterexample: { run } } : {}, interrupted: false };
    }
    case 'exhaustive': {
      let violating = 0;
      let ran = 0;
      let first: ExploreRun | undefined;
      let total: number;
      try {
        total = await enumerateInterleavings(explorer, mode.input, (run, index) => {
          const violations = raceViolations(run);
          if (violations > 0) violating++;
          ran++;
          first ??= run;
          emit([exhaustiveLine(run, index, violations)]);
        }, io.signal);
      } catch (error) {
        if (!(error instanceof ExploreInterrupted)) throw error;
        emit(['', interruptedEnumerationLine(ran, violating)]);
        const evidence: ExploreEvidence = ran > 0 ? { enumerated: { interleavings: ran, violating } } : {};
        return { ...interruptedVerdict(verdict(scenario, family, violating > 0, [mode.input.isolation])), evidence, interrupted: true };
      }
      emit(['', `${plural(total, 'interleaving')} of ${shape(first!, isolationOf(first!))}: ${plural(violating, 'violates', 'violate')} the property`]);
      // One interleaving is no choice between workers: what held was never raced.
      if (violating === 0 && total <= 1) return { ...NO_INTERLEAVING, evidence: { enumerated: { interleavings: total, violating } }, interrupted: false };
      return { ...verdict(scenario, family, violating > 0, [mode.input.isolation]), evidence: { enumerated: { interleavings: total, violating } }, interrupted: false };
    }
  }
}

/**
 * An exploration that never had two workers' statements to order (they went around racelab's
 * `ctx.db`, or one worker did everything): that nothing broke is no evidence, and no pass.
 */
const NO_INTERLEAVING: Verdict = {
  matches: false,
  reproduced: false,
  text: "no evidence: no input interleaved two workers' statements (they went around ctx.db, or one worker did everything), so that it held says nothing",
};

/**
 * The verdict of an exploration Ctrl-C stopped: a race it found stands (its interleaving replays
 * it); that it found none says nothing yet, and the text says so rather than "holds".
 */
function interruptedVerdict(found: Verdict): Verdict {
  return found.reproduced ? found : { ...found, text: 'none: interrupted before it could decide, with no race found in what ran' };
}

function explored(scenario: Scenario, isolations: readonly Isolation[]): Isolation[] {
  return scenario.isolation === 'configured' ? [...isolations] : isolations.slice(0, 1);
}

/**
 * Compares what was found with what the scenario expects at the levels explored: a race found
 * at a level where it is expected unsafe, or nothing found where it is expected safe, matches.
 */
interface Verdict {
  matches: boolean;
  reproduced: boolean;
  /** `reproduced (as expected: …)`, as printed after `verdict:`. */
  text: string;
}

function verdict(scenario: Scenario, family: DatabaseFamily, reproduced: boolean, levels: readonly Isolation[]): Verdict {
  const expectations = levels.map((level) => ({ level, ...expectationUnder(scenario, level, family) }));
  const matches = reproduced
    ? expectations.every((e) => e.expect === 'unsafe')
    : expectations.every((e) => e.expect === 'safe');
  const word = reproduced ? 'reproduced' : 'holds';
  const expected = [...new Set(expectations.map((e) => `${e.expect}${scenario.isolation === 'configured' ? ` under ${e.level}` : ''}`))].join(', ');
  return { matches, reproduced, text: `${word} (${matches ? 'as expected' : 'NOT AS EXPECTED'}: ${scenario.name} is expected ${expected})` };
}
