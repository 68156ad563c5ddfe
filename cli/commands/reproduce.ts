import type { ReportInput } from '../../harness/report-input.ts';
import { unpassedChecks } from '../../harness/verdict.ts';
import { checkLine } from '../../reports/check-words.ts';
import { renderTerminal } from '../../reports/terminal.ts';
import { renderMarkdown } from '../../reports/markdown.ts';
import { renderTrac } from '../../reports/trac.ts';
import { choiceOption } from '../../run/option-rules.ts';

/** What `--format` can print on stdout; every one of them is also written to the run's directory. */
const FORMATS = ['terminal', 'markdown', 'trac'] as const;
import { exitCodeOf } from '../exit-codes.ts';
import { checkOutDir } from '../../run/out-dir.ts';
import { AMPLIFY_HELP, parseRunFlags, runOptionsHelp } from '../run-flags.ts';
import { runInvocation } from '../../run/run-request.ts';
import { sizeHeapsForMemory } from '../heap-sizing.ts';
import type { Command, CommandIo } from './command.ts';

export const reproduceCommand: Command = {
  help: () =>
    [
      'usage: racelab reproduce [options]',
      '',
      ...runOptionsHelp(13),
      `  --format      what stdout gets: ${FORMATS.join(' | ')} (Trac wiki syntax, for Django's tracker) (default terminal)`,
      '  --history       also write every op as JSON Lines in Jepsen\'s history shape (history-<scenario>.jsonl)',
      `  --amplify       ${AMPLIFY_HELP}`,
      '  --allow-remote  allow a server that is not on this machine',
    ].join('\n'),

  async run(args, io) {
    const options = parseRunFlags(args, 'reproduce', {}, ['format']);
    const format = choiceOption('--format', options.extra['format'] ?? 'terminal', FORMATS);
    await checkOutDir(options.out);
    sizeHeapsForMemory();
    const { input, reportDir } = await runInvocation('reproduce', options, io, { commandLine: ['reproduce', ...args] });
    if (format === 'markdown') io.stdout(renderMarkdown(input));
    else if (format === 'trac') io.stdout(renderTrac(input));
    else io.stdout(renderTerminal(input, `${reportDir}/report.json (and report.md, report.trac.txt, junit.xml, report.html${options.history ? ', history-*.jsonl' : ''})`, io.columns));
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
