/**
 * One client connection through the proxy: its startup, its server connection, and the statements
 * it sends, held by `beforeStatement` and told to `afterStatement`. Bytes are forwarded unchanged
 * in both directions; the proxy reads them beside the stream and never rewrites it.
 */
import { connect, type Socket } from 'node:net';
import { nowUs } from '../../../harness/monotonic-clock.ts';
import { fatalErrorPacket } from './backend-messages.ts';
import { FrameReader } from './frame-reader.ts';
import { cancelRequestPacket, readStartupPacket } from './startup-packet.ts';
import { sendCancel, type ServerAddress } from './send-cancel.ts';
import { StatementCutter, type CutUnit } from './statement-cutter.ts';
import { StatementOutcomes } from './statement-outcomes.ts';
import type { Lane, LaneEnd, ProxyHooks, Statement } from './types.ts';

/** What a lane needs from the proxy that accepted it. */
export interface LaneContext {
  server: ServerAddress;
  hooks: ProxyHooks;
  /** Every socket the lane opens, so the proxy's close() can wait for each to close. */
  track(socket: Socket): void;
  /** Work the proxy's close() waits for (a cancel on its way to the server). */
  pending(work: Promise<void>): void;
}


/** PostgreSQL's answer to an SSLRequest or GSSENCRequest it will not honour: go on in plain text. */
const REFUSE_ENCRYPTION = Buffer.from('N');

/** How long a client whose server went away has to read what the server said last. */
const CLIENT_FLUSH_MS = 1_000;

export class LaneConnection {
  readonly lane: Lane;
  private server: Socket | undefined;
  private readonly fromClient = new FrameReader();
  private readonly fromServer = new FrameReader();
  private readonly cutter = new StatementCutter();
  private readonly outcomes = new StatementOutcomes(nowUs);
  private phase: 'startup' | 'relay' | 'cancel' | 'ended' = 'startup';
  private readonly queue: CutUnit[] = [];
  private pumping = false;
  private backendKey: { pid: number; secret: Buffer } | undefined;
  private markReady: () => void = () => undefined;
  /** Settles at the server's first ReadyForQuery, or when the lane ends: statements wait for it. */
  private readonly ready = new Promise<void>((resolve) => (this.markReady = resolve));

  constructor(
    id: number,
    private readonly client: Socket,
    private readonly context: LaneContext,
  ) {
    this.lane = { id, parameters: {} };
    client.on('error', (error) => this.report(error));
    client.on('data', (chunk: Buffer) => this.fromClientBytes(chunk));
    client.on('close', () => this.end('client-closed'));
  }

  /** Admitted and not yet ended: a lane the proxy lists. A refused client's connection is none, while it closes. */
  get relaying(): boolean {
    return this.phase === 'relay';
  }

  /** Ends the lane now: both sockets destroyed, every statement not answered told so. */
  end(why: LaneEnd): void {
    if (this.phase === 'ended') return;
    const wasRelaying = this.phase === 'relay';
    this.phase = 'ended';
    this.markReady();
    const endUs = nowUs();
    // A statement still running on the server (a pg_sleep, a lock wait) would keep its backend
    // alive after the socket closes, since a backend reads its socket only between statements:
    // cancel it with the key the server gave, so the backend ends now. A server connection that
    // dropped has no backend left to cancel.
    const unanswered = this.outcomes.unanswered();
    if (unanswered.length > 0 && this.backendKey !== undefined && why !== 'server-closed') {
      const packet = cancelRequestPacket(this.backendKey.pid, this.backendKey.secret);
      this.context.pending(sendCancel(this.context.server, packet, this.context.track, (error) => this.report(error)));
    }
    if (why === 'server-closed') {
      // What the server said last (a FATAL ErrorResponse, say) still reaches the client, then it closes.
      this.client.end();
      setTimeout(() => this.client.destroy(), CLIENT_FLUSH_MS).unref();
    } else this.client.destroy();
    this.server?.destroy();
    for (const { statement, startUs } of unanswered) this.tell(statement, { kind: 'lost', why, startUs, endUs });
    const dropped = new Set<Statement>();
    for (const unit of this.queue) if (unit.kind === 'statement' && unit.first) dropped.add(unit.statement);
    this.queue.length = 0;
    for (const statement of dropped) this.tell(statement, { kind: 'dropped', why, endUs });
    if (wasRelaying) this.call(() => this.context.hooks.laneClosed?.(this.lane, why));
  }

  private fromClientBytes(chunk: Buffer): void {
    if (this.phase === 'ended' || this.phase === 'cancel') return;
    this.fromClient.push(chunk);
    try {
      while (this.phase === 'startup') {
        const packet = this.fromClient.nextStartupPacket();
        if (packet === undefined) return;
        this.startupPacket(packet);
      }
      // A CancelRequest's connection carries nothing after it: what follows is not read.
      if (this.phase !== 'relay') return;
      for (let frame = this.fromClient.nextMessage(); frame !== undefined; frame = this.fromClient.nextMessage()) {
        this.queue.push(...this.cutter.push(frame));
      }
    } catch (error) {
      this.report(error as Error);
      this.end('protocol-error');
      return;
    }
    // Nothing the pump meets may become an unhandled rejection: that would end the host process.
    this.pump().catch((error: unknown) => {
      this.report(error as Error);
      this.end('protocol-error');
    });
  }

  private startupPacket(packet: Buffer): void {
    const request = readStartupPacket(packet);
    switch (request.kind) {
      case 'ssl-request':
      case 'gssenc-request':
        // The proxy reads the stream, so it cannot be encrypted end to end: the client goes on in
        // plain text, or (sslmode=require) gives up with its own clear error.
        this.client.write(REFUSE_ENCRYPTION);
        return;
      case 'cancel-request':
        this.phase = 'cancel';
        this.context.pending(sendCancel(this.context.server, packet, this.context.track, (error) => this.report(error)).then(() => void this.client.end()));
        return;
      case 'startup': {
        const p = request.parameters;
        this.lane.parameters = p;
        if (p['user'] !== undefined) this.lane.user = p['user'];
        // The server's own default: a database named as the user.
        const database = p['database'] ?? p['user'];
        if (database !== undefined) this.lane.database = database;
        if (p['application_name'] !== undefined) this.lane.applicationName = p['application_name'];
        const refusal = this.admission();
        if (refusal !== undefined) {
          this.refuse(refusal);
          return;
        }
        this.phase = 'relay';
        this.openServer(packet);
        this.call(() => this.context.hooks.laneOpened?.(this.lane));
      }
    }
  }

  /** Why the `admit` hook refuses this lane, if it does; a hook that throws refuses it. */
  private admission(): string | undefined {
    const { admit } = this.context.hooks;
    if (admit === undefined) return undefined;
    try {
      return admit(this.lane);
    } catch (error) {
      this.report(error instanceof Error ? error : new Error(String(error)));
      return "the proxy's admission hook failed";
    }
  }

  /** Tells the client why, as a server refusing a connection does, and ends the lane: no server connection was made. */
  private refuse(reason: string): void {
    this.phase = 'ended';
    this.markReady();
    this.client.end(fatalErrorPacket('28000', reason));
    setTimeout(() => this.client.destroy(), CLIENT_FLUSH_MS).unref();
  }

  private openServer(startup: Buffer): void {
    const server = connect(this.context.server.port, this.context.server.host);
    this.server = server;
    this.context.track(server);
    server.setNoDelay(true);
    server.on('error', (error) => this.report(error));
    server.on('close', () => this.end('server-closed'));
    server.on('data', (chunk: Buffer) => this.fromServerBytes(chunk));
    server.on('drain', () => this.client.resume());
    this.client.on('drain', () => server.resume());
    // Written before the connection is up: the socket sends it once connected.
    server.write(startup);
  }

  private fromServerBytes(chunk: Buffer): void {
    if (this.phase === 'ended') return;
    this.fromServer.push(chunk);
    try {
      for (let frame = this.fromServer.nextMessage(); frame !== undefined; frame = this.fromServer.nextMessage()) {
        const event = this.outcomes.read(frame);
        if (event?.kind === 'backend-key') {
          this.backendKey = { pid: event.pid, secret: event.secret };
          this.lane.serverPid = event.pid;
        } else if (event?.kind === 'startup-done') this.markReady();
        else if (event?.kind === 'statement-done') this.tell(event.statement, event.outcome);
      }
    } catch (error) {
      this.report(error as Error);
      this.end('protocol-error');
      return;
    }
    // Backpressure: a slow client slows the server's side, rather than the proxy buffering a whole result.
    if (!this.client.write(chunk)) this.server?.pause();
  }

  /** Forwards queued units in order; a statement's first part waits for startup to finish and for its hook. */
  private async pump(): Promise<void> {
    if (this.pumping) return;
    this.pumping = true;
    try {
      while (this.queue.length > 0 && this.phase === 'relay') {
        const unit = this.queue[0]!;
        if (unit.kind === 'statement' && unit.first) {
          await this.ready;
          if (this.phase !== 'relay') return;
          try {
            await this.context.hooks.beforeStatement?.(this.lane, unit.statement);
          } catch (error) {
            this.report(error as Error);
            this.end('hook-failed');
            return;
          }
          // The client may have gone while the statement was held: end() told its hook, and it is not sent.
          if (this.phase !== 'relay') return;
          this.outcomes.forwarded(unit.statement);
        } else if (unit.kind === 'pass' && unit.drawsReady) this.outcomes.forwarded(undefined);
        this.queue.shift();
        if (!this.server!.write(unit.bytes)) this.client.pause();
      }
    } finally {
      this.pumping = false;
    }
  }

  private tell(statement: Statement, outcome: Parameters<NonNullable<ProxyHooks['afterStatement']>>[2]): void {
    this.call(() => this.context.hooks.afterStatement?.(this.lane, statement, outcome));
  }

  /** A hook that throws is reported, never allowed to break the relay or the host process. */
  private call(hook: () => void): void {
    try {
      hook();
    } catch (error) {
      this.report(error as Error);
    }
  }

  private report(error: Error): void {
    try {
      this.context.hooks.onError?.(error, this.lane);
    } catch {
      // The error hook itself failed: there is nobody left to tell.
    }
  }
}
