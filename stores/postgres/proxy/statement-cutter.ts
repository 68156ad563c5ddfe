/**
 * Cuts the typed messages a client sends after its StartupMessage into what the proxy forwards:
 * statement parts, which may be held, and pass-through messages, which never are. Pure.
 *
 * A Query is one statement. An extended-protocol batch is one statement up to and including its
 * Sync: the server answers it with one ReadyForQuery, and after an error it discards messages up
 * to the Sync, so a batch is the unit that succeeds or fails. A Flush asks the server for its
 * answers before the Sync is sent (a client may then wait for them before sending more), so the
 * batch so far is released at a Flush: the batch is held once, at its first part, and its later
 * parts follow unheld. A Query that arrives while a batch is open ends that batch (the server
 * answers both with the Query's one ReadyForQuery).
 *
 * Passed through unheld: PasswordMessage and SASL responses ('p', authentication), CopyData,
 * CopyDone and CopyFail (the statement that started the COPY is already running and waits for
 * them), Terminate, and FunctionCall ('F', which does draw a ReadyForQuery, so it is counted).
 */
import type { Frame } from './frame-reader.ts';
import { readBindStatementName, readClosedStatementName, readParse, readQueryText } from './frontend-messages.ts';
import type { Statement } from './types.ts';

export type CutUnit =
  | {
      kind: 'statement';
      statement: Statement;
      bytes: Buffer;
      /** Its first part: where the statement is held. */
      first: boolean;
      /** Ends in Sync or Query: the server will answer it with ReadyForQuery. */
      last: boolean;
    }
  /** `drawsReady`: the server answers it with a ReadyForQuery of its own (FunctionCall). */
  | { kind: 'pass'; bytes: Buffer; drawsReady: boolean };

const EXTENDED = new Set(['P', 'B', 'D', 'E', 'C', 'H']);

export class StatementCutter {
  private seq = 0;
  /** The open extended batch: its statement, the bytes not yet cut, and whether a part was cut already. */
  private open: { statement: Statement; parts: Buffer[]; cut: boolean } | undefined;
  /** Prepared statements' texts by name, so a later Bind names the SQL it runs. */
  private readonly prepared = new Map<string, string>();

  /** The units this message completes, in order (none while a batch is still open). */
  push(frame: Frame): CutUnit[] {
    if (frame.type === 'Q') {
      const text = readQueryText(frame.body);
      if (this.open !== undefined) return [this.cut(frame, text)];
      return [{ kind: 'statement', statement: { seq: ++this.seq, protocol: 'simple', texts: [text], messages: 'Q' }, bytes: frame.bytes, first: true, last: true }];
    }
    if (EXTENDED.has(frame.type)) {
      if (frame.type === 'H' && this.open === undefined) return [{ kind: 'pass', bytes: frame.bytes, drawsReady: false }];
      const open = this.batch();
      open.statement.messages += frame.type;
      open.parts.push(frame.bytes);
      this.note(frame, open.statement);
      if (frame.type !== 'H') return [];
      const unit: CutUnit = { kind: 'statement', statement: open.statement, bytes: Buffer.concat(open.parts), first: !open.cut, last: false };
      open.parts = [];
      open.cut = true;
      return [unit];
    }
    if (frame.type === 'S') return [this.cut(frame, undefined)];
    return [{ kind: 'pass', bytes: frame.bytes, drawsReady: frame.type === 'F' }];
  }

  /** Ends the open batch (or a batch of its own: a bare Sync still draws a ReadyForQuery) with this Sync or Query. */
  private cut(frame: Frame, queryText: string | undefined): CutUnit {
    const open = this.batch();
    open.statement.messages += frame.type;
    if (queryText !== undefined) open.statement.texts.push(queryText);
    this.open = undefined;
    return { kind: 'statement', statement: open.statement, bytes: Buffer.concat([...open.parts, frame.bytes]), first: !open.cut, last: true };
  }

  private batch(): { statement: Statement; parts: Buffer[]; cut: boolean } {
    this.open ??= { statement: { seq: ++this.seq, protocol: 'extended', texts: [], messages: '' }, parts: [], cut: false };
    return this.open;
  }

  private note(frame: Frame, statement: Statement): void {
    if (frame.type === 'P') {
      const parse = readParse(frame.body);
      this.prepared.set(parse.name, parse.text);
      statement.texts.push(parse.text);
    } else if (frame.type === 'B') {
      const text = this.prepared.get(readBindStatementName(frame.body));
      if (text !== undefined && statement.texts.at(-1) !== text) statement.texts.push(text);
    } else if (frame.type === 'C') {
      const name = readClosedStatementName(frame.body);
      if (name !== undefined) this.prepared.delete(name);
    }
  }
}
