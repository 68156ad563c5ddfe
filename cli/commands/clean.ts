import { cleanLocalServers, localServerKinds } from '../../stores/shared/orphan-servers.ts';
import { cleanableSchemes, cleanOrphanNamespaces, databaseOfUrl, registeredDatabases } from '../../stores/registry.ts';
import { redactUrl } from '../../stores/shared/redact-url.ts';
import { InfrastructureError, UsageError } from '../../run/errors.ts';
import { EXIT } from '../exit-codes.ts';
import { optionsHelp } from '../options-help.ts';
import type { OptionSpec } from '../option-spec.ts';
import { parseFlags } from '../parse-flags.ts';
import { parseDb } from '../../run/request.ts';
import type { Command } from './command.ts';

/** Everything clean takes: its parser reads this table and its help lists it. */
const OPTIONS: readonly OptionSpec[] = [
  { name: 'db', value: 'URL', help: 'the server whose orphaned run namespaces to drop', default: 'DATABASE_URL, if set' },
  { name: 'dry-run', help: 'list what would be removed, and remove nothing' },
];

export const cleanCommand: Command = {
  help: () => {
    const servers = cleanableSchemes().map((scheme) => `${scheme}…`);
    const namespaces = registeredDatabases().filter((d) => d.leftovers !== undefined && d.cleanOrphans !== undefined);
    return [
      `usage: racelab clean [--db ${servers.join('|')}] [--dry-run]`,
      '',
      '  Removes what racelab runs killed without their cleanup (SIGKILL) left behind, and nothing else.',
      '  In the temp directory (and /tmp, as root), those whose racelab process is gone, a server they hold stopped first:',
      `    ${localServerKinds().join(', ')}.`,
      '  With --db (or DATABASE_URL), on that server:',
      ...namespaces.map((d) => `    ${d.title}: ${d.leftovers}.`),
      "  A live run's server, schema or database is never touched.",
      '',
      ...optionsHelp(OPTIONS),
    ].join('\n');
  },
  async run(args, io) {
    const flags = parseFlags('clean', args, OPTIONS);
    const dryRun = flags.flags.has('dry-run');
    const raw = flags.db ?? process.env['DATABASE_URL'];
    let url: string | undefined;
    if (raw !== undefined) {
      const choice = parseDb(raw);
      if (typeof choice !== 'object' || databaseOfUrl(choice.url)?.cleanOrphans === undefined) {
        throw new UsageError(`--db for clean must be a server's URL (${cleanableSchemes().map((s) => `${s}…`).join(' or ')}), got ${JSON.stringify(redactUrl(raw))}`);
      }
      url = choice.url;
    }
    const lines = [...cleanLocalServers(dryRun)];
    if (url !== undefined) {
      let namespaces: string[];
      try {
        namespaces = await cleanOrphanNamespaces(url, dryRun);
      } catch (error) {
        throw new InfrastructureError(`could not clean ${redactUrl(url)}: ${(error as Error).message}`);
      }
      for (const namespace of namespaces) lines.push(`${dryRun ? 'would drop' : 'dropped'} ${namespace} on ${redactUrl(url)}: no live run holds it`);
    }
    if (lines.length === 0) lines.push(`nothing to clean${url === undefined ? ' in the temp directory (pass --db URL to look at a server too)' : ''}`);
    io.stdout(`${lines.join('\n')}\n`);
    return EXIT.ok;
  },
};
