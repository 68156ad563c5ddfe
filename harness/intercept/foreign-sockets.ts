import net from 'node:net';

/**
 * Sees the bytes every socket of this thread writes to the database's port, so that statements
 * sent through a driver racelab does not intercept are counted rather than silently unscheduled.
 * A socket a store claims (racelab's own connections, and those of the drivers it intercepts) is
 * left alone. Node's `net.Socket.prototype.connect` is the one place every TCP client passes
 * through, whatever the driver: it is patched once per thread, and only sockets to the database's
 * port are touched.
 */
export interface SocketWatch {
  /** The database's TCP port. */
  port: number;
  /** Called with each chunk a socket not claimed writes to it. */
  written(socket: net.Socket, chunk: Uint8Array): void;
  /** Whether a socket is claimed already as it connects (racelab's own are): its writes are then never watched. */
  claimed(socket: net.Socket): boolean;
}

const WATCHES = Symbol.for('racelab.socketWatches');
type Patched = { [WATCHES]?: SocketWatch[] };

export function watchSockets(watch: SocketWatch): void {
  const proto = net.Socket.prototype as net.Socket & Patched;
  if (proto[WATCHES] === undefined) {
    const watches: SocketWatch[] = [];
    proto[WATCHES] = watches;
    const connect = proto.connect as (...args: unknown[]) => net.Socket;
    proto.connect = function (this: net.Socket, ...args: unknown[]) {
      const port = portOf(args);
      const socket = connect.apply(this, args);
      // After it: Node's connect puts the prototype's write back on the socket.
      // A socket claimed before it connects is never wrapped: racelab's own connections send every
      // statement of a run, and would each pay the wrapper for nothing.
      for (const w of watches) if (port === w.port && !w.claimed(this)) watchWrites(this, w);
      return socket;
    } as typeof proto.connect;
  }
  proto[WATCHES]!.push(watch);
}

function watchWrites(socket: net.Socket, watch: SocketWatch): void {
  const write = socket.write as (...args: unknown[]) => boolean;
  socket.write = function (this: net.Socket, ...args: unknown[]) {
    const chunk = args[0];
    if (chunk instanceof Uint8Array) watch.written(this, chunk);
    return write.apply(this, args);
  } as typeof socket.write;
}

/** The port of `socket.connect(…)`'s arguments, in each of its forms; undefined for a pipe. */
function portOf(args: unknown[]): number | undefined {
  let first = args[0];
  // net.connect() hands over its arguments normalized, as [options, callback].
  if (Array.isArray(first)) first = first[0];
  if (typeof first === 'object' && first !== null) {
    const port = (first as { port?: unknown }).port;
    return port === undefined ? undefined : Number(port);
  }
  if (typeof first === 'number' || (typeof first === 'string' && /^\d+$/.test(first))) return Number(first);
  return undefined;
}
