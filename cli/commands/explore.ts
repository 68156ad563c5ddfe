import { mergeUncontrolled, type UncontrolledStatements } from '../../harness/intercept/uncontrolled.ts';
import { expectationUnder } from '../../harness/define-scenario.ts';
import { enumerateInterleavings, TooManyInterleavings } from '../../harness/explore/exhaustive.ts';
import { Explorer } from '../../harness/explore/explorer.ts';
import type { ExploreRun } from '../../harness/explore/explore-run.ts';
import { ExploreInterrupted, HarnessFailure } from '../../harness/explore/harness-failure.ts';
import { raceViolations } from '../../harness/explore/race-outcomes.ts';
import { MAX_EXPLORE_WORKERS, orderPolicy, ScheduleError } from '../../harness/explore/schedule.ts';
import { searchForRace, type SearchResult } from '../../harness/explore/search.ts';
import type { Scenario } from '../../harness/contract/scenario.ts';
import type { DatabaseFamily, Isolation } from '../../harness/contract/store.ts';
import { exhaustiveLine, headerLines, interruptedEnumerationLine, interruptedSearchLines, runLines, searchLines, shape } from '../../reports/explore-terminal.ts';
import { rerunTerminalLines } from '../../reports/rerun-words.ts';
import { plural } from '../../reports/format.ts';
import { InfrastructureError, UsageError } from '../../run/errors.ts';
import { dbArgument, givenCommandLine } from '../../run/replay-command.ts';
import { exploreReplayCommand } from '../explore-rerun.ts';
import { planScenarioCopies, rerunScenarios, writeScenarioCopies } from '../../run/scenario-copies.ts';
import { EXIT, exitCodeOf } from '../exit-codes.ts';
import { EXPLORE_SCENARIO, exploreOptions, parseExploreOptions, type ExploreMode } from '../explore-options.ts';
import { optionsHelp } from '../options-help.ts';
import { openRunDatabase } from '../../run/open-database.ts';
import { refuseCommandScenario, scenarioModules } from '../../run/scenario-modules.ts';
import { TOOL } from '../../run/tool-info.ts';
import { toolSource } from '../../run/tool-source.ts';
import { checkOutDir, runReportDir, writeRunReports } from '../../run/out-dir.ts';
import { renderExploreReports, type ExploreEvidence } from '../../reports/explore-report.ts';
import type { ExploreVerdict } from '../../reports/explore-markdown.ts';
import { explorationWords } from '../../reports/check-words.ts';
import { explorationVerdict, matchOf } from '../../harness/verdict.ts';
import type { Command, CommandIo } from './command.ts';

export const exploreCommand: Command = {
  help: () =>
    [
      'usage: racelab explore SCENARIO [options]',
      '       racelab explore SCENARIO --exhaustive [--workers 2] [--ops 1] [--key-space 1]',
      '       racelab explore SCENARIO --schedule "workers=2 ops=1 keys=1 isolation=rc seed=0 order=1,2,1,2"',
      '',
      ...optionsHelp(exploreOptions(), [EXPLORE_SCENARIO]),
    ].join('\n'),

  async run(args, io) {
    const options = parseExploreOptions(args);
    await checkOutDir(options.out);
    const [scenarioModule] = await scenarioModules('explore', [options.scenario]);
    await refuseCommandScenario(options.scenario, scenarioModule!, 'explore');
    // A scenario file is copied beside the reports, and their replay commands name the copy.
    const copies = await planScenarioCopies([options.scenario]);
    const { plan, database } = await openRunDatabase(options.db, io, options.allowRemote);
    try {
      const workers = options.mode.kind === 'search' ? MAX_EXPLORE_WORKERS : workersOf(options.mode);
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
        const { evidence, ...found } = await runMode(explorer, argument, options.mode, io, emit);
        const verdict = verdictOf(explorer.scenario, database.family, found);
        const { interrupted } = found;
        io.stdout(`verdict: ${verdict.text}\n`);
        const summary = {
          header: { ...header, nodeVersion: process.version, reason: plan.reason },
          argument: rerunArgument,
          replayCommand: exploreReplayCommand(rerunArgument, options.mode, evidence),
          commandLine: givenCommandLine(['explore', ...args]),
          scenarioFiles: copies,
          startedAt,
          mode: options.mode.kind,
          verdict,
          interrupted,
          body,
          ...evidence,
          ...(found.uncontrolled && { uncontrolled: found.uncontrolled }),
        };
        io.stdout(`${rerunTerminalLines({ ...summary, tool }).join('\n')}\n`);
        const reportDir = runReportDir(options.out);
        // Before the reports: `latest` never points at a directory without the file its rerun names.
        await writeScenarioCopies(reportDir, copies);
        const dir = await writeRunReports(options.out, reportDir, renderExploreReports(summary));
        io.progress(`report: ${dir}/report.json (and report.md, report.trac.txt, junit.xml, report.html)`);
        return exitCodeOf(verdict.verdict);
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
): Promise<Found & { evidence: ExploreEvidence }> {
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
        return { reproduced: violation !== undefined, scheduled: progress.inputs > 0, levels, evidence, interrupted: true };
      }
      emit(searchLines(name, result, isolationOf));
      const levels = result.failed ? [result.counterexample.isolation] : explored(scenario, mode.isolations);
      const searched = { seed: result.seed, inputs: result.numRuns, interleavings: result.failed ? null : result.interleavings };
      const evidence: ExploreEvidence = result.failed
        ? { searched, counterexample: { run: result.run, seed: result.seed, path: result.path, shrinks: result.numShrinks } }
        : { searched };
      // A search none of whose inputs chose between two workers' statements scheduled nothing.
      return { reproduced: result.failed, scheduled: result.failed || result.contested > 0, levels, evidence, interrupted: false, ...(result.uncontrolled && { uncontrolled: result.uncontrolled }) };
    }
    case 'replay': {
      const { order, ...input } = mode.schedule;
      let run: ExploreRun;
      try {
        run = await explorer.run(input, orderPolicy(order));
      } catch (error) {
        if (!(error instanceof ExploreInterrupted)) throw error;
        emit(['INTERRUPTED: Ctrl-C stopped the replay before its interleaving ended']);
        return { reproduced: false, scheduled: false, levels: [input.isolation], evidence: {}, interrupted: true };
      }
      emit([`replaying ${shape(run, isolationOf(run))}:`, ...runLines(run)]);
      const reproduced = raceViolations(run) > 0;
      // A replay runs the schedule it is given: it decides an order, whoever it names.
      return { reproduced, scheduled: true, levels: [input.isolation], evidence: reproduced ? { counterexample: { run } } : {}, interrupted: false, ...(run.uncontrolled && { uncontrolled: run.uncontrolled }) };
    }
    case 'exhaustive': {
      let violating = 0;
      let ran = 0;
      let first: ExploreRun | undefined;
      let total: number;
      let uncontrolled: UncontrolledStatements | undefined;
      try {
        total = await enumerateInterleavings(explorer, mode.input, (run, index) => {
          const violations = raceViolations(run);
          if (violations > 0) violating++;
          ran++;
          first ??= run;
          uncontrolled = mergeUncontrolled([uncontrolled, run.uncontrolled]);
          emit([exhaustiveLine(run, index, violations)]);
        }, io.signal);
      } catch (error) {
        if (!(error instanceof ExploreInterrupted)) throw error;
        emit(['', interruptedEnumerationLine(ran, violating)]);
        const evidence: ExploreEvidence = ran > 0 ? { enumerated: { interleavings: ran, violating } } : {};
        return { reproduced: violating > 0, scheduled: ran > 1, levels: [mode.input.isolation], evidence, interrupted: true };
      }
      emit(['', `${plural(total, 'interleaving')} of ${shape(first!, isolationOf(first!))}: ${plural(violating, 'violates', 'violate')} the property`]);
      // One interleaving is no choice between workers: what held was never raced.
      return { reproduced: violating > 0, scheduled: total > 1, levels: [mode.input.isolation], evidence: { enumerated: { interleavings: total, violating } }, interrupted: false, ...(uncontrolled && { uncontrolled }) };
    }
  }
}

function explored(scenario: Scenario, isolations: readonly Isolation[]): Isolation[] {
  return scenario.isolation === 'configured' ? [...isolations] : isolations.slice(0, 1);
}

/** What an exploration found, for its verdict: whether it broke the property, and whether it ever ordered two workers' statements. */
interface Found {
  reproduced: boolean;
  /** False when no input had two workers' statements to order: what held was never raced. */
  scheduled: boolean;
  /** The levels explored: the expectation is the scenario's at each. */
  levels: Isolation[];
  interrupted: boolean;
  /** Statements the ops' code sent that racelab could not schedule: with any, what held is no evidence. */
  uncontrolled?: UncontrolledStatements;
}

/** The exploration's verdict, decided by harness/verdict.ts from what was found and expected, and its words. */
function verdictOf(scenario: Scenario, family: DatabaseFamily, found: Found): ExploreVerdict {
  const expectations = found.levels.map((level) => ({ level, ...expectationUnder(scenario, level, family) }));
  const verdict = explorationVerdict(found.reproduced, expectations.map((e) => e.expect), found);
  const expected = [...new Set(expectations.map((e) => `${e.expect}${scenario.isolation === 'configured' ? ` under ${e.level}` : ''}`))].join(', ');
  return { verdict, reproduced: found.reproduced, matchesExpectation: matchOf(verdict), text: explorationWords(verdict, found.reproduced, `${scenario.name} is expected ${expected}`, found.uncontrolled) };
}
