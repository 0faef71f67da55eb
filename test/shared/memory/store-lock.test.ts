/** StoreLock: exclusive, takes over stale locks, never removes a lock it does not own. */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { isErrorNamed } from '../../../shared/errors/errors.js';
import { StoreLock, isProcessAlive } from '../../../shared/memory/store-lock.js';
import { rejection, tempDir } from './helpers.js';

let dir: string;
let lockPath: string;
let cleanup: () => Promise<void>;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('lock'));
  lockPath = join(dir, 'memory.lock');
});

afterEach(async () => {
  await cleanup();
});

/** The pid of a process that has exited (and been reaped). */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

const holderOf = async (): Promise<{ pid: number; token: string }> => JSON.parse(await readFile(lockPath, 'utf8')) as { pid: number; token: string };

describe('StoreLock', () => {
  it('is exclusive while held, and free again once released', async () => {
    const lock = await StoreLock.acquire(lockPath);
    expect((await holderOf()).pid).toBe(process.pid);
    const error = await rejection(StoreLock.acquire(lockPath));
    expect(isErrorNamed(error, 'StoreLockedError')).toBe(true);
    expect(error.message).toContain('delete the lock file');
    await lock.release();
    await lock.release();
    expect(await readdir(dir)).toEqual([]);
    const next = await StoreLock.acquire(lockPath);
    await next.release();
  });

  it('takes over a lock whose process is gone, and sweeps side files it left', async () => {
    const pid = await deadPid();
    expect(isProcessAlive(pid)).toBe(false);
    await writeFile(lockPath, JSON.stringify({ pid, host: hostname(), token: 'aa', acquiredAt: 'then' }));
    await writeFile(`${lockPath}.${pid}.abc123.tmp`, 'left by a killed process');
    const lock = await StoreLock.acquire(lockPath);
    expect(await holderOf()).toMatchObject({ pid: process.pid, token: lock.holder.token });
    expect(await readdir(dir)).toEqual(['memory.lock']);
    await lock.release();
  });

  it('takes over an unreadable lock file', async () => {
    await writeFile(lockPath, '');
    const lock = await StoreLock.acquire(lockPath);
    expect((await holderOf()).pid).toBe(process.pid);
    await lock.release();
  });

  it('respects a lock from another host, whose process it cannot check', async () => {
    await writeFile(lockPath, JSON.stringify({ pid: await deadPid(), host: 'elsewhere.example', token: 'bb', acquiredAt: 'then' }));
    const error = await rejection(StoreLock.acquire(lockPath));
    expect(isErrorNamed(error, 'StoreLockedError')).toBe(true);
    expect(error.message).toContain('on host elsewhere.example');
  });

  it('leaves alone a lock that is no longer its own', async () => {
    const lock = await StoreLock.acquire(lockPath);
    const other = JSON.stringify({ pid: process.pid, host: 'h', token: 'someone-else', acquiredAt: 'now' });
    await writeFile(lockPath, other);
    await lock.release();
    expect(await readFile(lockPath, 'utf8')).toBe(other);
  });
});
