/**
 * Process helpers for the editor harness: free ports, the tree of a process's descendants (read from
 * /proc), liveness that treats zombies as dead, and stopping a whole tree. code-server and Chromium
 * both fork many helpers; these let the harness stop all of them and let tests prove it did.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** A port on 127.0.0.1 that was free a moment ago (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

interface ProcStat {
  readonly state: string;
  readonly ppid: number;
}

/** Fields of /proc/PID/stat after the command name, which may itself hold spaces and parentheses. */
function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '?', ppid: Number(fields[1]) };
}

/** True while `pid` runs; a zombie (exited, not yet reaped) counts as gone. */
export function isProcessAlive(pid: number): boolean {
  const stat = readStat(pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

/** The pids of every live descendant of `rootPid` (children, grandchildren, …), not `rootPid` itself. */
export function descendantsOf(rootPid: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    const stat = readStat(pid);
    if (!stat || stat.state === 'Z') continue;
    const siblings = children.get(stat.ppid) ?? [];
    siblings.push(pid);
    children.set(stat.ppid, siblings);
  }
  const found: number[] = [];
  const queue = [rootPid];
  while (queue.length > 0) {
    for (const child of children.get(queue.shift()!) ?? []) {
      found.push(child);
      queue.push(child);
    }
  }
  return found;
}

/** The pids whose command line contains `needle` (e.g. a unique profile folder). */
export function pidsWithArgument(needle: string): number[] {
  const pids: number[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid <= 0) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').some((arg) => arg.includes(needle))) pids.push(pid);
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ESRCH') throw error;
  }
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Stops a process group led by `leaderPid` and every descendant of the leader (some helpers start
 * their own sessions): SIGTERM first, SIGKILL for whatever still runs after `graceMs`.
 * Resolves once none of them is alive; rejects if some survive SIGKILL for 5 s.
 */
export async function stopProcessTree(leaderPid: number, graceMs = 5_000): Promise<void> {
  const pids = [leaderPid, ...descendantsOf(leaderPid)];
  const alive = (): number[] => pids.filter(isProcessAlive);
  signal(-leaderPid, 'SIGTERM');
  for (const pid of pids) signal(pid, 'SIGTERM');
  for (let waited = 0; waited < graceMs && alive().length > 0; waited += 50) await sleep(50);
  // Anything started meanwhile by a dying process is also caught by the group kill.
  pids.push(...descendantsOf(leaderPid).filter((pid) => !pids.includes(pid)));
  signal(-leaderPid, 'SIGKILL');
  for (const pid of alive()) signal(pid, 'SIGKILL');
  for (let waited = 0; waited < 5_000 && alive().length > 0; waited += 50) await sleep(50);
  const survivors = alive();
  if (survivors.length > 0) throw new Error(`processes ${survivors.join(', ')} (tree of ${leaderPid}) survived SIGKILL`);
}
