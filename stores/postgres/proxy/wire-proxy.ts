/**
 * The PostgreSQL store's side of the wire contract (harness/contract/wire.ts): a proxy into one
 * run's schema for one process, which tells the harness of each statement as plain values, its
 * error classified as the store classifies node-postgres's (errors.ts).
 */
import type { StoreTarget } from '../../../harness/contract/store.ts';
import type { WireObserver, WireProxy, WireStatement } from '../../../harness/contract/wire.ts';
import { classifyPostgresError } from '../errors.ts';
import { startPostgresProxy } from './proxy.ts';
import type { Statement, StatementOutcome } from './types.ts';

/** A proxy to the server at `serverUrl`, whose `url` is the run's own connection string pointed at the proxy. */
export async function openWireProxy(serverUrl: string, target: StoreTarget, observer: WireObserver): Promise<WireProxy> {
  const server = new URL(serverUrl);
  const before = observer.beforeStatement;
  // As the run's URL names them: one that names no user (or database) leaves it to the client's own default.
  const runUrl = new URL(target.database.url);
  const user = decodeURIComponent(runUrl.username) || undefined;
  const database = decodeURIComponent(runUrl.pathname.replace(/^\//, '')) || undefined;
  const proxy = await startPostgresProxy({
    server: { host: server.hostname, port: Number(server.port || 5432) },
    hooks: {
      // The process reaches the run's database as the run's user, nothing else on the server.
      admit: (lane) =>
        (database === undefined || lane.database === database) && (user === undefined || lane.user === user)
          ? undefined
          : `racelab's proxy for ${target.schema} admits only database ${database ?? lane.database} as user ${user ?? lane.user}, not ${lane.database ?? '?'} as ${lane.user ?? '?'}`,
      ...(before && { beforeStatement: () => before() }),
      afterStatement: (_lane, statement, outcome) => observer.statement(wireStatement(statement, outcome)),
    },
  });
  const url = new URL(target.database.url);
  url.hostname = proxy.host;
  url.port = String(proxy.port);
  return { url: url.toString(), close: () => proxy.close() };
}

/** A statement and how it ended, in the harness's words. */
export function wireStatement(statement: Statement, outcome: StatementOutcome): WireStatement {
  const sql = statement.texts.join('; ');
  if (outcome.kind === 'dropped') return { sql, startUs: outcome.endUs, endUs: outcome.endUs, ended: 'dropped', result: 'dropped: never sent' };
  if (outcome.kind === 'lost') return { sql, startUs: outcome.startUs, endUs: outcome.endUs, ended: 'lost', result: 'lost: its connection ended first' };
  const { error } = outcome;
  if (error === undefined) return { sql, startUs: outcome.startUs, endUs: outcome.endUs, ended: 'ready', result: outcome.tags.join(', ') || 'ok' };
  const record = { code: error.code, message: error.message, severity: error.severity, ...(error.detail !== undefined && { detail: error.detail }), ...(error.constraint !== undefined && { constraint: error.constraint }) };
  const classified = classifyPostgresError(error);
  return {
    sql,
    startUs: outcome.startUs,
    endUs: outcome.endUs,
    ended: 'ready',
    result: `${error.code} ${error.message}`,
    error: { record, ...(classified !== undefined && { outcome: classified }) },
  };
}
