/**
 * Whether a connection string names a server on this machine: a unix socket, localhost, or a
 * loopback address. racelab sends thousands of failing inserts; anywhere else needs consent.
 */
export function isLocalServer(connectionString: string): boolean {
  let url: URL;
  try {
    url = new URL(connectionString);
  } catch {
    return false;
  }
  const socketHost = url.searchParams.get('host');
  if (socketHost !== null) return socketHost.startsWith('/') || isLoopback(socketHost);
  return url.hostname === '' || isLoopback(url.hostname);
}

function isLoopback(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}
