/**
 * An exclusive, cross-process lock on a store directory: a lock file holding the owner's pid, host and
 * a random token. It is created atomically (written in full under a temporary name, then hard-linked
 * into place, which fails if a lock exists), so a reader never sees a half-written lock. A lock whose
 * process is gone (same host, pid not alive) is stale and is taken over.
 *
 * Limits: a recycled pid makes a stale lock look alive (the error names the file to delete); on a
 * different host the holder cannot be checked, so its lock is always respected.
 */
import { randomBytes } from 'node:crypto';
import { link, readdir, readFile, rename, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { StoreLockedError } from '../errors/errors.js';

/** What a lock file records about its holder. */
export interface LockHolder {
  pid: number;
  host: string;
  token: string;
  acquiredAt: string;
}

function parseHolder(text: string): LockHolder | undefined {
  try {
    const data: unknown = JSON.parse(text);
    if (typeof data !== 'object' || data === null) return undefined;
    const d = data as Record<string, unknown>;
    if (!Number.isSafeInteger(d.pid) || typeof d.host !== 'string' || typeof d.token !== 'string' || typeof d.acquiredAt !== 'string') return undefined;
    return { pid: d.pid as number, host: d.host, token: d.token, acquiredAt: d.acquiredAt };
  } catch {
    return undefined;
  }
}

async function readHolder(path: string): Promise<LockHolder | undefined | 'missing'> {
  try {
    return parseHolder(await readFile(path, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return 'missing';
    throw error;
  }
}

/** True if a process with this pid exists on this machine (EPERM means it exists but is not ours). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** An acquired lock; {@link StoreLock.release} removes the file if it is still ours. */
export class StoreLock {
  private released = false;

  private constructor(
    /** Path of the lock file. */
    readonly path: string,
    /** What this process wrote into it. */
    readonly holder: LockHolder,
  ) {}

  /**
   * Takes the lock at `path`, taking over a stale one. Throws {@link StoreLockedError} when a live
   * process holds it (this process included: a store may be open once per process).
   */
  static async acquire(path: string): Promise<StoreLock> {
    const holder: LockHolder = { pid: process.pid, host: hostname(), token: randomBytes(12).toString('hex'), acquiredAt: new Date().toISOString() };
    const temp = `${path}.${holder.pid}.${holder.token}.tmp`;
    await writeFile(temp, JSON.stringify(holder));
    try {
      for (let attempt = 0; attempt < 5; attempt++) {
        try {
          await link(temp, path);
          await StoreLock.sweep(path);
          return new StoreLock(path, holder);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        }
        const current = await readHolder(path);
        if (current === 'missing') continue;
        if (current && (current.host !== holder.host || isProcessAlive(current.pid))) {
          const where = current.host === holder.host ? '' : ` on host ${current.host}`;
          throw new StoreLockedError(
            `${path} is locked by process ${current.pid}${where} since ${current.acquiredAt}. ` +
              `Close the other Orchestra instance, or delete the lock file if that process is not Orchestra.`,
            path,
            current.pid,
          );
        }
        await StoreLock.removeStale(path, current, holder.token);
      }
      throw new StoreLockedError(`${path} kept changing hands while this process tried to lock it; try again.`, path, undefined);
    } finally {
      await unlink(temp).catch(() => undefined);
    }
  }

  /**
   * Moves a stale lock aside. Renaming is atomic, so of several processes taking over the same stale
   * lock only one moves it; one that finds it moved a fresh lock instead puts it back.
   */
  private static async removeStale(path: string, stale: LockHolder | undefined, token: string): Promise<void> {
    const aside = `${path}.${process.pid}.${token}.stale`;
    try {
      await rename(path, aside);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    const moved = await readHolder(aside);
    const sameAsJudged = moved !== 'missing' && (moved === undefined ? stale === undefined : moved.token === stale?.token);
    if (!sameAsJudged) await link(aside, path).catch(() => undefined);
    await unlink(aside).catch(() => undefined);
  }

  /** Removes side files (`LOCK.PID.TOKEN.tmp|stale`) that processes killed mid-acquire left behind. */
  private static async sweep(path: string): Promise<void> {
    const prefix = `${basename(path)}.`;
    const names = await readdir(dirname(path)).catch(() => [] as string[]);
    for (const name of names) {
      const match = name.startsWith(prefix) ? /^(\d+)\.[0-9a-f]+\.(?:tmp|stale)$/.exec(name.slice(prefix.length)) : null;
      if (match && Number(match[1]) !== process.pid && !isProcessAlive(Number(match[1]))) {
        await unlink(join(dirname(path), name)).catch(() => undefined);
      }
    }
  }

  /** Removes the lock file if it still holds this process's token. Idempotent. */
  async release(): Promise<void> {
    if (this.released) return;
    this.released = true;
    const current = await readHolder(this.path);
    if (current !== 'missing' && current?.token === this.holder.token) await unlink(this.path).catch(() => undefined);
  }
}
