/**
 * Matches the server's answers to the statements forwarded to it. Pure but for the clock it is given.
 *
 * The server answers in the order it was sent, and every statement (and every FunctionCall) draws
 * exactly one ReadyForQuery, so the answers up to each ReadyForQuery belong to the oldest one still
 * in flight. The first ReadyForQuery of a connection ends its startup and belongs to no statement.
 */
import { readBackendKeyData, readCommandTag, readErrorFields, readReadyForQuery, type ErrorFields } from './backend-messages.ts';
import type { Frame } from './frame-reader.ts';
import type { Statement, StatementOutcome } from './types.ts';

interface InFlight {
  /** Undefined for a FunctionCall: its ReadyForQuery is counted, and nobody is told. */
  statement: Statement | undefined;
  startUs: number;
  tags: string[];
  error?: ErrorFields;
}

/** What one server message meant, when it meant something to the proxy. */
export type ServerEvent =
  | { kind: 'backend-key'; pid: number; secret: Buffer }
  | { kind: 'startup-done' }
  | { kind: 'statement-done'; statement: Statement; outcome: StatementOutcome & { kind: 'ready' } };

export class StatementOutcomes {
  private readonly inFlight: InFlight[] = [];
  private started = false;

  constructor(private readonly nowUs: () => number) {}

  /** A statement's first bytes (or a FunctionCall's) are being forwarded now. */
  forwarded(statement: Statement | undefined): void {
    this.inFlight.push({ statement, startUs: this.nowUs(), tags: [] });
  }

  /** The statements forwarded and not yet answered, oldest first. */
  unanswered(): { statement: Statement; startUs: number }[] {
    return this.inFlight.flatMap((f) => (f.statement === undefined ? [] : [{ statement: f.statement, startUs: f.startUs }]));
  }

  read(frame: Frame): ServerEvent | undefined {
    const head = this.inFlight[0];
    switch (frame.type) {
      case 'K':
        return { kind: 'backend-key', ...readBackendKeyData(frame.body) };
      case 'C':
        head?.tags.push(readCommandTag(frame.body));
        return undefined;
      case 'E':
        if (head !== undefined) head.error ??= readErrorFields(frame.body);
        return undefined;
      case 'Z': {
        if (!this.started) {
          this.started = true;
          return { kind: 'startup-done' };
        }
        this.inFlight.shift();
        if (head?.statement === undefined) return undefined;
        const outcome: StatementOutcome & { kind: 'ready' } = { kind: 'ready', tags: head.tags, transaction: readReadyForQuery(frame.body), startUs: head.startUs, endUs: this.nowUs() };
        if (head.error !== undefined) outcome.error = head.error;
        return { kind: 'statement-done', statement: head.statement, outcome };
      }
      default:
        return undefined;
    }
  }
}
