// The guardian of one local server's directory (an embedded PostgreSQL cluster, a throwaway
// MariaDB): a small process of its own, outside racelab's process group, that stops the server
// and removes the directory if racelab goes away without doing so itself: killed by
// SIGKILL or the OOM killer, ended by process.exit() in a test runner, or abandoned in any other
// way that runs none of racelab's own cleanup.
//
// It learns of racelab's end through its standard input, a pipe whose other end only racelab
// holds: the kernel closes it when racelab's process ends, however it ends. Over that pipe racelab
// tells it the processes to stop (`pid N`) and, once it has removed the directory itself, `done`.
// Plain JavaScript, so that it starts in tens of milliseconds with nothing to compile.
//
// usage: node cluster-guardian.mjs DIRECTORY
import { rmSync } from 'node:fs';

const [directory] = process.argv.slice(2);
const pids = new Set();
let done = false;
let pending = '';

process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  pending += chunk;
  const lines = pending.split('\n');
  pending = lines.pop();
  for (const line of lines) {
    const [word, value] = line.split(' ');
    if (word === 'pid') pids.add(Number(value));
    if (word === 'done') done = true;
  }
});
process.stdin.on('close', () => {
  if (!done) void removeCluster();
});

// Each process racelab names leads a process group of its own (it was started detached), with
// the processes it started: initdb's bootstrap backends, postgres's own backends. The whole group
// is signalled and waited for, so nothing writes into the directory while it is removed.
function groupAlive(pid) {
  try {
    process.kill(-pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

function signalGroup(pid, signal) {
  try {
    process.kill(-pid, signal);
  } catch {
    // Gone already.
  }
}

async function removeCluster() {
  // SIGQUIT: PostgreSQL's immediate shutdown, which ends its backends too (MariaDB and MySQL shut
  // down on it as on SIGTERM); SIGKILL if it lingers.
  for (const pid of pids) signalGroup(pid, 'SIGQUIT');
  for (let waited = 0; waited < 3_000 && [...pids].some(groupAlive); waited += 50) await sleep(50);
  for (const pid of pids) signalGroup(pid, 'SIGKILL');
  for (let waited = 0; waited < 2_000 && [...pids].some(groupAlive); waited += 50) await sleep(50);
  for (let attempt = 1; ; attempt++) {
    try {
      rmSync(directory, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
      return;
    } catch (error) {
      if (attempt >= 5) throw error;
      await sleep(200);
    }
  }
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
