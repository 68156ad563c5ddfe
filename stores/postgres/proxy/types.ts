/**
 * The values the PostgreSQL proxy hands its user: lanes, statements, their outcomes, and the hooks
 * that hold and observe them. docs/proxy.md says what each means.
 */
import type { ErrorFields, TransactionStatus } from './backend-messages.ts';

export type { ErrorFields, TransactionStatus };

/** One client connection through the proxy, and the one server connection it was given. */
export interface Lane {
  /** Counted from 1 in the order clients connected to this proxy. */
  id: number;
  /** The StartupMessage's parameters as the client sent them (never a password: that comes later, and is not read). */
  parameters: Readonly<Record<string, string>>;
  user?: string;
  database?: string;
  applicationName?: string;
  /** The server backend's process id, from BackendKeyData: what pg_stat_activity and pg_blocking_pids name. */
  serverPid?: number;
}

/**
 * What a client sent as one unit the server answers with one ReadyForQuery: a simple Query, or an
 * extended-protocol batch (Parse, Bind, Describe, Execute, Close, Flush …) up to and including Sync.
 */
export interface Statement {
  /** Counted from 1 within its lane. */
  seq: number;
  protocol: 'simple' | 'extended';
  /**
   * The SQL it runs: a Query's text, each Parse's text, and for a Bind of a statement prepared in an
   * earlier batch that statement's text. WARNING: an extended batch cut by a Flush is held on its
   * first part; texts of later parts are appended to this same array as they arrive.
   */
  texts: string[];
  /** The type bytes of its messages in order, e.g. `PBDES` (likewise appended to after a Flush). */
  messages: string;
}

/** Why a lane ended. */
export type LaneEnd = 'client-closed' | 'server-closed' | 'proxy-closed' | 'hook-failed' | 'protocol-error';

/** How a statement ended, told to `afterStatement` exactly once. */
export type StatementOutcome =
  | {
      /** Its ReadyForQuery arrived: the server's own outcome. */
      kind: 'ready';
      /** CommandComplete tags in order (`INSERT 0 1`). */
      tags: string[];
      /** The first ErrorResponse it drew. */
      error?: ErrorFields;
      transaction: TransactionStatus;
      /** Microseconds on `process.hrtime` (one clock for the whole process): when its first byte was forwarded, and when its ReadyForQuery arrived. */
      startUs: number;
      endUs: number;
    }
  /** Never forwarded (held or queued when its lane ended): the server never saw it. */
  | { kind: 'dropped'; why: LaneEnd; endUs: number }
  /** Forwarded, and its lane ended before its ReadyForQuery: it may or may not have run or committed. */
  | { kind: 'lost'; why: LaneEnd; startUs: number; endUs: number };

/** What the user of the proxy is told, and how it holds statements. Every hook is optional. */
export interface ProxyHooks {
  /**
   * A client's StartupMessage was read (`lane` holds its parameters, user and database), before any
   * server connection: a string refuses it, as the reason its client is told in a FATAL
   * ErrorResponse (SQLSTATE 28000), and no server connection is made; undefined admits it. A hook
   * that throws refuses too.
   */
  admit?(lane: Lane): string | undefined;
  /** A lane's startup was read and its server connection opened. */
  laneOpened?(lane: Lane): void;
  /**
   * Awaited before the statement's bytes are forwarded: the lane sends nothing more until it
   * resolves. A rejection ends the lane (`hook-failed`).
   */
  beforeStatement?(lane: Lane, statement: Statement): Promise<void> | void;
  afterStatement?(lane: Lane, statement: Statement, outcome: StatementOutcome): void;
  /** Both of the lane's sockets are closed. */
  laneClosed?(lane: Lane, why: LaneEnd): void;
  /** A socket error, a broken frame or a hook that threw: the proxy goes on; this is for the log. */
  onError?(error: Error, lane?: Lane): void;
}
