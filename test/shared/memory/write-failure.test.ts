/**
 * Disk failures while writing: a failed write is undone and reported to its callers only; a failed
 * fsync stops all further writes (the page cache can no longer be trusted) until the store is reopened.
 */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { MemoryStore } from '../../../shared/memory/memory-store.js';
import { openFdCount, rejection, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
let fdsBefore: number | undefined;
const restore: Array<() => void> = [];

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('failure'));
  fdsBefore = openFdCount();
});

afterEach(async () => {
  // Every test closes what it opened: no file handle may outlive it.
  expect(openFdCount()).toBe(fdsBefore);
  for (const undo of restore.splice(0)) undo();
  await cleanup();
});

/** The prototype shared by every fs/promises FileHandle, to make its methods fail on demand. */
async function fileHandlePrototype(): Promise<Record<'write' | 'datasync', (...args: unknown[]) => Promise<unknown>>> {
  const handle = await open(join(dir, 'probe'), 'w');
  await handle.close();
  return Object.getPrototypeOf(handle) as Record<'write' | 'datasync', (...args: unknown[]) => Promise<unknown>>;
}

function ioError(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: simulated`), { code });
}

describe('MemoryStore write failures', () => {
  it('rejects the writes of a failed write, undoes it, and keeps working', async () => {
    const store = await MemoryStore.open(dir);
    await store.put('findings', 'before', 1);
    const sizeBefore = store.stats().fileBytes;
    const spy = jest.spyOn(await fileHandlePrototype(), 'write').mockRejectedValueOnce(ioError('ENOSPC'));
    restore.push(() => spy.mockRestore());
    const error = await rejection(store.put('findings', 'failed', 2));
    expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
    expect(store.get('findings', 'failed')).toBeUndefined();
    expect((await stat(join(dir, 'memory.log'))).size).toBe(sizeBefore);

    await store.put('findings', 'after', 3);
    await store.close();
    const reopened = await MemoryStore.open(dir);
    expect(reopened.recovery).toBeUndefined();
    expect(reopened.list('findings').map((e) => e.key)).toEqual(['after', 'before']);
    await reopened.close();
  });

  it('refuses further writes after a failed fsync, until reopened', async () => {
    const store = await MemoryStore.open(dir);
    await store.put('findings', 'before', 1);
    const spy = jest.spyOn(await fileHandlePrototype(), 'datasync').mockRejectedValueOnce(ioError('EIO'));
    restore.push(() => spy.mockRestore());
    expect(((await rejection(store.put('findings', 'unsynced', 2))) as NodeJS.ErrnoException).code).toBe('EIO');
    expect(((await rejection(store.put('findings', 'refused', 3))) as NodeJS.ErrnoException).code).toBe('EIO');
    expect(store.get('findings', 'refused')).toBeUndefined();
    await store.close();

    const reopened = await MemoryStore.open(dir);
    expect(reopened.get('findings', 'before')).toBe(1);
    expect(reopened.get('findings', 'refused')).toBeUndefined();
    await reopened.put('findings', 'after', 4);
    expect(reopened.get('findings', 'after')).toBe(4);
    await reopened.close();
  });
});
