/**
 * What keeps a command scenario's processes from outliving a racelab that is killed (SIGKILL, the
 * OOM killer): a small process of its own, outside racelab's process group, told over a pipe the
 * process groups to end. Only racelab holds the pipe's other end, so the kernel closes it when
 * racelab ends, however it ends; unless racelab said `done` first, the guardian then ends the groups
 * (TERM, then KILL after the grace). Local servers have a guardian of the same kind for their
 * directories (stores/shared/cluster-guardian.mjs); this one has no directory, and is a script
 * given to `node -e`, so that the package ships no other file for it.
 */
import { spawn } from 'node:child_process';

const GUARDIAN = `
const groups = new Set();
let done = false;
let pending = '';
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  pending += chunk;
  const lines = pending.split('\\n');
  pending = lines.pop();
  for (const line of lines) {
    const [word, value] = line.split(' ');
    if (word === 'pid') groups.add(Number(value));
    if (word === 'done') done = true;
  }
});
process.stdin.on('close', () => {
  if (done) return;
  const signal = (name) => {
    for (const pid of groups) {
      try {
        process.kill(-pid, name);
      } catch {}
    }
  };
  signal('SIGTERM');
  setTimeout(() => signal('SIGKILL'), 2000);
});
`;

export interface ProcessGuardian {
  /** The process group led by `pid` is to end if racelab does. */
  watch(pid: number): void;
  /** racelab ended the groups itself: the guardian leaves without doing anything. */
  done(): void;
}

export function startProcessGuardian(): ProcessGuardian {
  const child = spawn(process.execPath, ['-e', GUARDIAN], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  child.on('error', () => undefined);
  child.stdin!.on('error', () => undefined);
  // Neither the guardian nor its pipe may keep racelab's event loop alive.
  child.unref();
  (child.stdin as unknown as { unref(): void }).unref();
  let ended = false;
  return {
    watch: (pid) => {
      if (!ended) child.stdin!.write(`pid ${pid}\n`);
    },
    done: () => {
      if (ended) return;
      ended = true;
      child.stdin!.end('done\n');
    },
  };
}
