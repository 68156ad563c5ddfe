import type { ReportInput } from '../../harness/report-input.ts';
import { unpassedChecks } from '../../harness/verdict.ts';
import { checkLine } from '../../reports/check-words.ts';
import { renderTerminal } from '../../reports/terminal.ts';
import { renderMarkdown } from '../../reports/markdown.ts';
import { renderTrac } from '../../reports/trac.ts';
import { choiceOption } from '../../run/option-rules.ts';
import { exitCodeOf } from '../exit-codes.ts';
import { checkOutDir } from '../../run/out-dir.ts';
import { optionsHelp } from '../options-help.ts';
import type { OptionSpec } from '../option-spec.ts';
import { parseRunFlags, runOptionSpecs } from '../run-flags.ts';
import { runInvocation } from '../../run/run-request.ts';
import { sizeHeapsForMemory } from '../heap-sizing.ts';
import type { Command, CommandIo } from './command.ts';

/** What `--format` can print on stdout; every one of them is also written to the run's directory. */
const FORMATS = ['terminal', 'markdown', 'trac'] as const;

/**
 * Everything reproduce takes: its parser reads this table and its help lists it. Built when asked:
 * the databases' words come from the registry, which may have grown since this module loaded.
 */
const options = (): OptionSpec[] =>
  runOptionSpecs({}, [
    { name: 'format', value: 'FORMAT', help: `what stdout gets: ${FORMATS.join(' | ')} (Trac wiki syntax, for Django's tracker); all are written to the run's directory`, default: 'terminal' },
  ]);

export const reproduceCommand: Command = {
  help: () => ['usage: racelab reproduce [options]', '', ...optionsHelp(options())].join('\n'),

  async run(args, io) {
    const request = parseRunFlags('reproduce', args, options());
    const format = choiceOption('--format', request.extra['format'] ?? 'terminal', FORMATS);
    await checkOutDir(request.out);
    sizeHeapsForMemory();
    const { input, reportDir } = await runInvocation('reproduce', request, io, { commandLine: ['reproduce', ...args] });
    if (format === 'markdown') io.stdout(renderMarkdown(input));
    else if (format === 'trac') io.stdout(renderTrac(input));
    else io.stdout(renderTerminal(input, `${reportDir}/report.json (and report.md, report.trac.txt, junit.xml, report.html${request.history ? ', history-*.jsonl' : ''})`, io.columns));
    return exitCode(input, io);
  },
};

/**
 * The invocation's exit code, from its decision, with a line on stderr for each check that did not
 * pass and for a run that broke: the same words as the gate's.
 */
export function exitCode(input: ReportInput, io: CommandIo): number {
  const { verdict } = input.decision;
  if (verdict !== 'interrupted') {
    if (input.failure) io.error(`racelab: ${input.failure}`);
    // A broken check is the run's failure, said once above.
    for (const check of unpassedChecks(input.decision)) if (!(input.failure && check.verdict === 'broken')) io.error(checkLine(check, input));
  }
  return exitCodeOf(verdict);
}
