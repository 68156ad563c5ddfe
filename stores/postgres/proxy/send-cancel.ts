/**
 * A CancelRequest goes to the server on a connection of its own, which the server closes once it
 * has read it (PostgreSQL docs, "Canceling Requests in Progress"). The packet is forwarded as the
 * client wrote it: the key in it is the server's own, since BackendKeyData passed through unchanged.
 */
import { connect, type Socket } from 'node:net';

/** The server's address, as the proxy connects to it. */
export interface ServerAddress {
  host: string;
  port: number;
}

/** A bound on a cancel's connection: the server answers nothing and closes at once. */
const CANCEL_BUDGET_MS = 5_000;

/** Sends `packet` and resolves once the server closed the connection (or the budget passed): never rejects. */
export function sendCancel(server: ServerAddress, packet: Buffer, track: (socket: Socket) => void, onError: (error: Error) => void): Promise<void> {
  return new Promise((resolve) => {
    const socket = connect(server.port, server.host);
    track(socket);
    const timer = setTimeout(() => socket.destroy(), CANCEL_BUDGET_MS);
    socket.on('error', onError);
    socket.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
    // The server says nothing back; reading keeps the socket flowing so its FIN is seen.
    socket.resume();
    socket.end(packet);
  });
}
