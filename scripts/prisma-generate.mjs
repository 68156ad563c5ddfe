// Generates the Prisma example's client (examples/orm/prisma/generated/, not checked in) from its
// schema.prisma, and only when it is missing or older than the schema or the installed
// @prisma/client: test/orm-prisma.test.ts calls it before it runs the Prisma scenarios, and so may
// CI or a user (`node scripts/prisma-generate.mjs`).
//
// `prisma generate` downloads Prisma's schema engine from binaries.prisma.sh before it starts,
// although the `prisma-client` generator never runs it (queries go through the wasm query
// compiler in the npm package). Pointing PRISMA_SCHEMA_ENGINE_BINARY at an executable that exists
// skips the download, so generation works offline: /bin/false on Linux (/usr/bin/false on macOS).
// Without either, Prisma downloads the engine as it would anyway.
//
// Exits 0 when the client is up to date; otherwise 1, with one line saying why.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const SCHEMA = 'examples/orm/prisma/schema.prisma';
// The generator's entry file: written on every generation, so its age is the client's.
const CLIENT = `${root}examples/orm/prisma/generated/client.ts`;

const fail = (message) => {
  console.error(`prisma-generate: ${message}`);
  process.exit(1);
};

const require = createRequire(`${root}package.json`);
const resolved = (name) => {
  try {
    return require.resolve(name);
  } catch {
    return undefined;
  }
};
const prismaCli = resolved('prisma/build/index.js');
const clientPackage = resolved('@prisma/client/package.json');
if (prismaCli === undefined || clientPackage === undefined) fail('prisma and @prisma/client are not installed: run npm install');

const mtime = (path) => statSync(path).mtimeMs;
if (existsSync(CLIENT) && mtime(CLIENT) >= Math.max(mtime(`${root}${SCHEMA}`), mtime(clientPackage))) process.exit(0);

const engine = ['/bin/false', '/usr/bin/false'].find((path) => existsSync(path));
const env = {
  ...process.env,
  // No version check or telemetry request: generation needs no network.
  CHECKPOINT_DISABLE: '1',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  ...(engine && !process.env.PRISMA_SCHEMA_ENGINE_BINARY ? { PRISMA_SCHEMA_ENGINE_BINARY: engine } : {}),
};
const run = spawnSync(process.execPath, [prismaCli, 'generate', '--schema', SCHEMA], { cwd: root, env, encoding: 'utf8', timeout: 120_000 });
if (run.error) fail(`prisma generate --schema ${SCHEMA} did not run: ${run.error.message}`);
if (run.status !== 0 || !existsSync(CLIENT)) {
  const lines = `${run.stderr}\n${run.stdout}`.split('\n').map((line) => line.trim()).filter(Boolean);
  // Prisma's most specific line comes last: "Error: Prisma schema validation …", then "error: This line is invalid …".
  const why = lines.filter((line) => /^error:/i.test(line)).at(-1) ?? lines.at(-1) ?? 'no output';
  fail(`prisma generate --schema ${SCHEMA} failed (${run.status === null ? `signal ${run.signal}` : `exit ${run.status}`}): ${why}`);
}
