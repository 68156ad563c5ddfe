import { lookup } from 'node:dns/promises';

/** Every address a host name resolves to. */
export type ResolveHost = (host: string) => Promise<string[]>;

const resolveHost: ResolveHost = async (host) => (await lookup(host, { all: true })).map((entry) => entry.address);

/**
 * Whether a connection string names a server on this machine: a unix socket, or a host whose
 * every address is a loopback address (`localhost`, `127.0.0.1`, but also a machine's own name
 * that resolves only to loopback, such as `vm` or `localhost.localdomain`). racelab sends
 * thousands of failing inserts; anywhere else needs consent. A name that does not resolve is not
 * taken as local.
 */
export async function isLocalServer(connectionString: string, resolve: ResolveHost = resolveHost): Promise<boolean> {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    return false;
  }
  const socketHost = url.searchParams.get('host');
  const host = socketHost ?? url.hostname;
  if (host === '' || host.startsWith('/')) return socketHost !== null || host === '';
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (isLoopback(bare)) return true;
  // An IP address that is not loopback is not resolved again.
  if (/^[\d.]+$/.test(bare) || bare.includes(':')) return false;
  try {
    const addresses = await resolve(bare);
    return addresses.length > 0 && addresses.every(isLoopback);
  } catch {
    return false;
  }
}

function isLoopback(address: string): boolean {
  return address === 'localhost' || address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(address);
}
