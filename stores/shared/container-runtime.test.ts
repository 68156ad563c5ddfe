import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { candidateEndpoints, probeContainerRuntime } from './container-runtime.ts';
import { freePort } from './free-port.ts';

/** A stand-in for the Docker API's ping endpoint: the probe's contract is this one request. */
function pingServer(answer: { status: number; body: string }): Server {
  return createServer((req, res) => {
    res.statusCode = req.url === '/_ping' ? answer.status : 404;
    res.end(req.url === '/_ping' ? answer.body : '');
  });
}

const servers: Server[] = [];
const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((resolve) => s.close(resolve))));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('probeContainerRuntime', () => {
  it('finds nothing, quickly, behind a DOCKER_HOST that points nowhere', async () => {
    const port = await freePort();
    const started = Date.now();
    const probe = await probeContainerRuntime({ DOCKER_HOST: `tcp://127.0.0.1:${port}` });
    expect(probe).toEqual({ found: false, tried: [`tcp://127.0.0.1:${port}: ECONNREFUSED`] });
    expect(Date.now() - started).toBeLessThan(1500);
  });

  it('finds a runtime that answers the ping over TCP', async () => {
    const server = pingServer({ status: 200, body: 'OK' });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    expect(await probeContainerRuntime({ DOCKER_HOST: `tcp://127.0.0.1:${port}` })).toEqual({
      found: true,
      endpoint: `tcp://127.0.0.1:${port}`,
    });
  });

  it('finds a runtime that answers the ping on a unix socket', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'racelab-sock-'));
    dirs.push(dir);
    const socketPath = join(dir, 'docker.sock');
    const server = pingServer({ status: 200, body: 'OK' });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(socketPath, resolve));
    expect(await probeContainerRuntime({ DOCKER_HOST: `unix://${socketPath}` })).toMatchObject({ found: true });
  });

  it('does not take any HTTP answer for a runtime', async () => {
    const server = pingServer({ status: 500, body: 'nope' });
    servers.push(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    expect(await probeContainerRuntime({ DOCKER_HOST: `tcp://127.0.0.1:${port}` })).toEqual({
      found: false,
      tried: [`tcp://127.0.0.1:${port}: answered 500`],
    });
  });
});

describe('candidateEndpoints', () => {
  it('tries DOCKER_HOST alone when it is set, as the Docker CLI does', () => {
    expect(candidateEndpoints({ DOCKER_HOST: 'unix:///x/docker.sock' })).toEqual([
      { label: 'unix:///x/docker.sock', socketPath: '/x/docker.sock' },
    ]);
  });

  it('tries the usual sockets of Docker, rootless Docker and Podman otherwise', () => {
    const labels = candidateEndpoints({ XDG_RUNTIME_DIR: '/run/user/1000' }).map((e) => e.label);
    expect(labels).toContain('unix:///var/run/docker.sock');
    expect(labels).toContain('unix:///run/user/1000/docker.sock');
    expect(labels).toContain('unix:///run/user/1000/podman/podman.sock');
  });
});
