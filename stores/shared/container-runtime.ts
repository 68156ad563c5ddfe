/**
 * Finds a container runtime cheaply: asks each candidate Docker API endpoint for `/_ping`, with a
 * short budget, instead of letting testcontainers probe its strategies (seconds when none is there).
 */
import { request } from 'node:http';
import { homedir } from 'node:os';
import { join } from 'node:path';

const PING_TIMEOUT_MS = 1_000;

export type RuntimeProbe =
  | { found: true; endpoint: string }
  /** `tried` lists every endpoint asked and what it answered, for the message that follows. */
  | { found: false; tried: string[] };

type Endpoint = { label: string; socketPath: string } | { label: string; host: string; port: number };

/**
 * The endpoints to try, in the order the Docker CLI would: `DOCKER_HOST` alone when it is set,
 * else the usual sockets of Docker, Docker Desktop, rootless Docker and Podman.
 */
export function candidateEndpoints(env: NodeJS.ProcessEnv): Endpoint[] {
  const dockerHost = env['DOCKER_HOST'];
  if (dockerHost) {
    if (dockerHost.startsWith('unix://')) return [{ label: dockerHost, socketPath: dockerHost.slice('unix://'.length) }];
    const tcp = /^tcp:\/\/([^:/]+):(\d+)/.exec(dockerHost);
    if (tcp) return [{ label: dockerHost, host: tcp[1]!, port: Number(tcp[2]) }];
    return [];
  }
  const home = homedir();
  const runtimeDir = env['XDG_RUNTIME_DIR'];
  const sockets = [
    '/var/run/docker.sock',
    join(home, '.docker', 'run', 'docker.sock'),
    join(home, '.docker', 'desktop', 'docker.sock'),
    ...(runtimeDir ? [join(runtimeDir, 'docker.sock'), join(runtimeDir, 'podman', 'podman.sock')] : []),
    '/run/podman/podman.sock',
  ];
  return sockets.map((socketPath) => ({ label: `unix://${socketPath}`, socketPath }));
}

export async function probeContainerRuntime(env: NodeJS.ProcessEnv = process.env): Promise<RuntimeProbe> {
  const endpoints = candidateEndpoints(env);
  if (endpoints.length === 0) return { found: false, tried: [`DOCKER_HOST=${env['DOCKER_HOST']} (only unix:// and tcp:// are probed)`] };
  const tried: string[] = [];
  for (const endpoint of endpoints) {
    const answer = await ping(endpoint);
    if (answer === 'OK') return { found: true, endpoint: endpoint.label };
    tried.push(`${endpoint.label}: ${answer}`);
  }
  return { found: false, tried };
}

/** `OK` when a Docker-compatible API answered the ping; otherwise what went wrong, briefly. */
function ping(endpoint: Endpoint): Promise<string> {
  return new Promise((resolve) => {
    const target = 'socketPath' in endpoint ? { socketPath: endpoint.socketPath } : { host: endpoint.host, port: endpoint.port };
    const req = request({ ...target, path: '/_ping', method: 'GET', timeout: PING_TIMEOUT_MS }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(res.statusCode === 200 && body.trim() === 'OK' ? 'OK' : `answered ${res.statusCode}`));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${PING_TIMEOUT_MS} ms`)));
    req.on('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
    req.end();
  });
}
