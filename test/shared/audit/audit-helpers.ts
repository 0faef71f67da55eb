/** Helpers for the audit tests: a temp folder per test, a log with N entries, fd counting for leak checks. */
import { mkdtemp, readFile, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuditTrail } from '../../../shared/audit/audit-trail.js';
import type { AuditEntry } from '../../../shared/audit/audit-entry.js';

/** A fresh temp folder; remove it with the returned `cleanup`. */
export async function tempDir(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'orchestra-audit-'));
  return { dir, cleanup: () => rm(dir, { recursive: true, force: true }) };
}

/** Writes `count` entries (actions a1…aN) to a new log at `path` and closes it. */
export async function writeLog(path: string, count: number): Promise<AuditEntry[]> {
  const trail = await AuditTrail.open(path, { durability: 'none' });
  const entries: AuditEntry[] = [];
  for (let i = 1; i <= count; i++) {
    entries.push(await trail.record({ agentId: i % 2 ? 'odd' : 'even', action: `a${i}`, level: 'read_only', status: 'ok', input: { i } }));
  }
  await trail.close();
  return entries;
}

/** The log's lines (without the final empty string). */
export async function readLines(path: string): Promise<string[]> {
  const text = await readFile(path, 'utf8');
  return text.split('\n').slice(0, -1);
}

/** Rewrites the log from lines, each followed by a newline. */
export async function writeLines(path: string, lines: string[]): Promise<void> {
  await writeFile(path, lines.map((l) => `${l}\n`).join(''));
}

/** Open file descriptors of this process (Linux): tests assert it returns to where it was. */
export async function openFds(): Promise<number> {
  return (await readdir('/proc/self/fd')).length;
}

/** Open file descriptors of this process that point into `folder` (other tests' files do not count). */
export async function openFdsUnder(folder: string): Promise<number> {
  let n = 0;
  for (const fd of await readdir('/proc/self/fd')) {
    const target = await readlink(`/proc/self/fd/${fd}`).catch(() => '');
    if (target.startsWith(folder)) n++;
  }
  return n;
}
