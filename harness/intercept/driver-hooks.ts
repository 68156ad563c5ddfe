import type net from 'node:net';
import type { DriverConnection, DriverHooks, DriverInterception, StatementEnd, StoreTarget } from '../contract/store.ts';
import { watchSockets } from './foreign-sockets.ts';
import { opScope } from './op-scope.ts';
import { UncontrolledTally } from './uncontrolled.ts';

const ignoreEnd: StatementEnd = () => undefined;
const byStore = new Map<string, ThreadInterception>();

/**
 * The harness's side of driver interception in one worker thread: every statement a store's
 * patched driver reports is handed to the store of the op it belongs to (op-scope.ts), where it
 * is timed, recorded and, in explore, held at the turnstile. Statements sent outside any op (a
 * scenario's `connect`, a pool's own housekeeping between ops) pass untouched: they are not the
 * race's.
 */
export class ThreadInterception implements DriverHooks {
  /** What no op's scope claimed: bytes of another driver written from a timer or an event with no op. */
  readonly outside = new UncontrolledTally();
  private readonly claimed = new WeakSet<object>();
  private readonly watchedPorts = new Set<number>();
  readonly drivers: readonly string[];

  private constructor(private readonly driver: DriverInterception | undefined) {
    this.drivers = driver?.drivers ?? [];
  }

  /**
   * The thread's interception for a store: made once per thread and store module, and extended to
   * each run's database port and each scenario module's copy of the driver.
   */
  static for(storeModule: string, driver: DriverInterception | undefined, target: StoreTarget, modules: readonly string[]): ThreadInterception {
    let interception = byStore.get(storeModule);
    if (interception === undefined) {
      interception = new ThreadInterception(driver);
      byStore.set(storeModule, interception);
    }
    interception.extend(target, modules);
    return interception;
  }

  private extend(target: StoreTarget, modules: readonly string[]): void {
    this.driver?.install(this, modules);
    const port = tcpPort(target);
    const decode = this.driver?.wireStatements;
    if (port === undefined || decode === undefined || this.watchedPorts.has(port)) return;
    this.watchedPorts.add(port);
    watchSockets({ port, written: (socket, chunk) => this.written(socket, chunk, decode), claimed: (socket) => this.claimed.has(socket) });
  }

  statement(text: string, connection: DriverConnection): StatementEnd {
    this.claim(connection.socket);
    const store = opScope.getStore();
    return store === undefined ? ignoreEnd : store.intercepted(text, connection.serverId);
  }

  claim(socket: object | undefined): void {
    if (socket !== undefined) this.claimed.add(socket);
  }

  /** A statement the driver showed but racelab cannot hold (a synchronous driver's). */
  unscheduled(text: string, cause: string): void {
    (opScope.getStore()?.uncontrolled ?? this.outside).note(text, cause);
  }

  private written(socket: net.Socket, chunk: Uint8Array, decode: (chunk: Uint8Array) => string[]): void {
    if (this.claimed.has(socket)) return;
    const texts = decode(chunk);
    if (texts.length === 0) return;
    const tally = opScope.getStore()?.uncontrolled ?? this.outside;
    for (const text of texts) tally.note(text, notIntercepted(this.drivers));
  }
}

/** Why another driver's statements are not controlled, and what is. */
function notIntercepted(drivers: readonly string[]): string {
  const supported = drivers.length === 0 ? 'ctx.db' : `${drivers.join(' and ')} (and what is built on ${drivers.length === 1 ? 'it' : 'them'}), and ctx.db`;
  return `sent through a driver racelab does not intercept; on this database it sees and schedules ${supported}`;
}

/** The database's TCP port, as the run's connection options give it; undefined for a file. */
function tcpPort(target: StoreTarget): number | undefined {
  return target.database.connection.port;
}
