/**
 * A PostgreSQL protocol v3 proxy: clients connect to it as to the server, and each gets a server
 * connection of its own (a lane). Statements pass through the hooks it is given, which may hold
 * them; docs/proxy.md says what it does and does not do.
 */
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { LaneConnection } from './lane-connection.ts';
import type { ServerAddress } from './send-cancel.ts';
import type { Lane, ProxyHooks } from './types.ts';

export interface PostgresProxyOptions {
  /** The server every lane is given a connection to. */
  server: ServerAddress;
  hooks?: ProxyHooks;
  /** Where the proxy listens: 127.0.0.1 and an ephemeral port unless told otherwise. */
  listen?: { host?: string; port?: number };
}

/** A listening proxy. `close()` is idempotent. */
export interface PostgresProxy {
  host: string;
  port: number;
  /** The lanes admitted and not yet ended, in the order they connected. */
  lanes(): Lane[];
  /** Stops listening, ends every lane, and resolves once every socket the proxy opened or accepted is closed. */
  close(): Promise<void>;
}

export async function startPostgresProxy(options: PostgresProxyOptions): Promise<PostgresProxy> {
  const hooks = options.hooks ?? {};
  const open = new Set<LaneConnection>();
  const socketsClosed = new Set<Promise<void>>();
  const pending = new Set<Promise<void>>();
  let laneCount = 0;
  let closing: Promise<void> | undefined;

  const track = (socket: Socket): void => {
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    socketsClosed.add(closed);
    void closed.then(() => {
      socketsClosed.delete(closed);
    });
  };

  const listener = createServer({ noDelay: true }, (client) => {
    track(client);
    if (closing !== undefined) {
      client.on('error', () => undefined);
      client.destroy();
      return;
    }
    const lane = new LaneConnection(++laneCount, client, {
      server: options.server,
      hooks,
      track,
      pending: (work) => {
        pending.add(work);
        void work.then(() => pending.delete(work));
      },
    });
    open.add(lane);
    client.once('close', () => open.delete(lane));
  });
  listener.on('error', (error) => hooks.onError?.(error));

  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen({ host: options.listen?.host ?? '127.0.0.1', port: options.listen?.port ?? 0 }, () => {
      listener.off('error', reject);
      resolve();
    });
  });
  const address = listener.address() as AddressInfo;

  return {
    host: address.address,
    port: address.port,
    lanes: () => [...open].filter((connection) => connection.relaying).map((connection) => connection.lane),
    close() {
      closing ??= (async () => {
        const stopped = new Promise<void>((resolve) => listener.close(() => resolve()));
        for (const lane of open) lane.end('proxy-closed');
        // Each lane destroyed its sockets; a cancel sent for a statement still running is on a
        // socket of its own, left to deliver it (bounded in send-cancel.ts): wait for those too.
        while (pending.size > 0 || socketsClosed.size > 0) await Promise.all([...pending, ...socketsClosed]);
        await stopped;
      })();
      return closing;
    },
  };
}
