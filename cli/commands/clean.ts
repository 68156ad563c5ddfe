import { findOrphanServers, removeOrphanServer } from '../../stores/shared/orphan-servers.ts';
import { cleanOrphanNamespaces } from '../../stores/orphans.ts';
import { redactUrl } from '../../stores/shared/redact-url.ts';
import { InfrastructureError, UsageError } from '../cli-errors.ts';
import { EXIT } from '../exit-codes.ts';
import { parseFlags } from '../parse-flags.ts';
import { parseDb } from '../reproduce-options.ts';
import type { Command } from './command.ts';

export const cleanCommand: Command = {
  help: () =>
    [
      'usage: racelab clean [--db postgres://…|mysql://…] [--dry-run]',
      '',
      '  removes the embedded PostgreSQL clusters, throwaway MariaDB servers and SQLite run directories',
      '  in the temp directory whose racelab process is gone (a server stopped first); with --db (or',
      '  DATABASE_URL) also the racelab_<runid> schemas (PostgreSQL) or databases (MySQL/MariaDB) on',
      '  that server that no live run holds. A live run\'s server, schema or database is never touched.',
      '',
      '  --db URL     the server whose orphaned run namespaces to drop (default DATABASE_URL, if set)',
      '  --dry-run    list what would be removed, and remove nothing',
    ].join('\n'),
  async run(args, io) {
    const flags = parseFlags('clean', args, ['db'], { flags: ['dry-run'] });
    const dryRun = flags.flags.has('dry-run');
    const raw = flags.db ?? process.env['DATABASE_URL'];
    let url: string | undefined;
    if (raw !== undefined) {
      const choice = parseDb(raw);
      if (typeof choice !== 'object') throw new UsageError(`--db for clean must be a server's URL (postgres://… or mysql://…), got ${JSON.stringify(raw)}`);
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

/** Removes (or lists) the orphaned local servers (embedded clusters, throwaway MariaDB servers), one line each. */
export function cleanLocalServers(dryRun: boolean): string[] {
  return findOrphanServers().map((orphan) => {
    if (!dryRun) removeOrphanServer(orphan);
    const server = orphan.serverPid === undefined ? 'no server ran' : `its server (pid ${orphan.serverPid}) ${dryRun ? 'runs' : 'was stopped'}`;
    return `${dryRun ? 'would remove' : 'removed'} ${orphan.kind.label} ${orphan.directory}: racelab process ${orphan.ownerPid} is gone; ${server}`;
  });
}
