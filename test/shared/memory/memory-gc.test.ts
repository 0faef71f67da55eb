/** MemoryStore: time to live, size-based GC, and compaction. */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrorNamed } from '../../../shared/errors/errors.js';
import { MemoryStore } from '../../../shared/memory/memory-store.js';
import { fakeClock, openFdCount, rejection, tempDir } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
let fdsBefore: number | undefined;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('gc'));
  fdsBefore = openFdCount();
});

afterEach(async () => {
  // Every test closes what it opened: no file handle may outlive it.
  expect(openFdCount()).toBe(fdsBefore);
  await cleanup();
});

const fileSize = async (): Promise<number> => (await stat(join(dir, 'memory.log'))).size;

describe('MemoryStore time to live', () => {
  it('expires entries by the default and per-put TTL on the injected clock', async () => {
    const clock = fakeClock();
    const store = await MemoryStore.open(dir, { defaultTtlMs: 1000, clock: clock.now });
    await store.put('discoveries', 'default', 1);
    await store.put('discoveries', 'short', 2, { ttlMs: 10 });
    await store.put('discoveries', 'forever', 3, { ttlMs: Infinity });
    expect(store.getEntry('discoveries', 'short')?.expiresAt).toBe(clock.now() + 10);
    expect(store.getEntry('discoveries', 'forever')?.expiresAt).toBeNull();

    clock.advance(9);
    expect(store.get('discoveries', 'short')).toBe(2);
    clock.advance(1);
    expect(store.get('discoveries', 'short')).toBeUndefined();
    expect(store.has('discoveries', 'short')).toBe(false);
    expect(store.list('discoveries').map((e) => e.key)).toEqual(['default', 'forever']);

    clock.advance(990);
    expect(store.list('discoveries').map((e) => e.key)).toEqual(['forever']);
    const result = await store.gc();
    expect(result).toMatchObject({ expired: 2, evicted: 0 });
    expect(result.fileBytesAfter).toBeLessThan(result.fileBytesBefore);
    expect(store.stats()).toMatchObject({ entries: 1, expired: 2 });
    await store.close();
  });

  it('keeps expired entries gone after a reopen, even without a GC', async () => {
    const clock = fakeClock();
    const first = await MemoryStore.open(dir, { clock: clock.now });
    await first.put('findings', 'brief', 1, { ttlMs: 50 });
    await first.put('findings', 'lasting', 2);
    await first.close();
    clock.advance(50);
    const second = await MemoryStore.open(dir, { clock: clock.now });
    expect(second.get('findings', 'brief')).toBeUndefined();
    expect(second.get('findings', 'lasting')).toBe(2);
    expect(second.stats().entries).toBe(1);
    expect(second.stats().liveBytes).toBeLessThan(second.stats().fileBytes);
    await second.close();
  });

  it('stores a TTL too long to represent as never expiring, and refuses a broken clock', async () => {
    const store = await MemoryStore.open(dir, { clock: () => Date.now() });
    await store.put('findings', 'long', 1, { ttlMs: Number.MAX_SAFE_INTEGER });
    expect(store.getEntry('findings', 'long')?.expiresAt).toBeNull();
    await store.close();
    const reopened = await MemoryStore.open(dir, { clock: () => Number.NaN });
    expect(reopened.recovery).toBeUndefined();
    const error = await rejection(reopened.put('findings', 'k', 1));
    expect(isErrorNamed(error, 'BugIndicatingError')).toBe(true);
    expect(error.message).toContain('clock returned NaN');
    await reopened.close();
  });

  it('counts a deleted entry that had already expired as not existing', async () => {
    const clock = fakeClock();
    const store = await MemoryStore.open(dir, { clock: clock.now });
    await store.put('findings', 'k', 1, { ttlMs: 5 });
    clock.advance(5);
    expect(await store.delete('findings', 'k')).toBe(false);
    await store.close();
  });
});

describe('MemoryStore size-based GC', () => {
  const blob = (i: number): { i: number; text: string } => ({ i, text: 'z'.repeat(400) });

  it('evicts least-recently-written entries until the file fits maxBytes, durably', async () => {
    const store = await MemoryStore.open(dir, { maxBytes: 4096 });
    for (let i = 0; i < 20; i++) await store.put('findings', `k${i}`, blob(i));
    // Rewriting k0 makes it the most recently written: it must survive.
    await store.put('findings', 'k0', blob(100));
    expect(await fileSize()).toBeGreaterThan(4096);

    const result = await store.gc();
    expect(result.evicted).toBeGreaterThan(0);
    expect(result.fileBytesAfter).toBeLessThanOrEqual(4096);
    expect(await fileSize()).toBe(result.fileBytesAfter);
    const kept = store.list('findings').map((e) => e.key);
    expect(kept).toContain('k0');
    expect(kept).toContain('k19');
    expect(kept).not.toContain('k1');
    // Survivors are exactly the newest writes: nothing newer than an evicted key was evicted.
    const survivors = new Set(kept);
    const order = [...Array.from({ length: 19 }, (_, i) => `k${i + 1}`), 'k0'];
    const firstKept = order.findIndex((k) => survivors.has(k));
    expect(order.slice(firstKept).every((k) => survivors.has(k))).toBe(true);
    expect(store.get('findings', 'k0')).toEqual(blob(100));
    await store.close();

    const reopened = await MemoryStore.open(dir, { maxBytes: 4096 });
    expect(reopened.list('findings').map((e) => e.key)).toEqual(kept);
    await reopened.close();
  });

  it('does nothing when the store already fits', async () => {
    const store = await MemoryStore.open(dir, { maxBytes: 1 << 20, autoCompact: false });
    await store.put('findings', 'a', 1);
    const before = await fileSize();
    expect(await store.gc()).toEqual({ expired: 0, evicted: 0, fileBytesBefore: before, fileBytesAfter: before });
    await store.close();
  });
});

describe('MemoryStore compaction', () => {
  it('shrinks the file to the live data and keeps every entry, across a reopen', async () => {
    const store = await MemoryStore.open(dir, { autoCompact: false });
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 30; i++) await store.put('patterns', `p${i}`, { round, i });
    }
    for (let i = 0; i < 10; i++) await store.delete('patterns', `p${i}`);
    const before = store.stats();
    expect(before.fileBytes).toBeGreaterThan(before.liveBytes * 5);

    await store.compact();
    const after = store.stats();
    expect(after.fileBytes).toBe(after.liveBytes);
    expect(await fileSize()).toBe(after.fileBytes);
    const expected = Array.from({ length: 20 }, (_, i) => ({ round: 9, i: i + 10 }));
    const sortByI = (values: unknown[]): unknown[] => [...values].sort((a, b) => (a as { i: number }).i - (b as { i: number }).i);
    expect(sortByI(store.list('patterns').map((e) => e.value))).toEqual(expected);
    await store.put('patterns', 'after', 1);
    await store.close();

    const reopened = await MemoryStore.open(dir);
    expect(reopened.stats().entries).toBe(21);
    expect(sortByI(reopened.list('patterns').filter((e) => e.key !== 'after').map((e) => e.value))).toEqual(expected);
    expect(await readdir(dir)).toEqual(['memory.lock', 'memory.log']);
    await reopened.close();
  });

  it('lets writes made during a compaction wait, then land durably', async () => {
    const store = await MemoryStore.open(dir, { autoCompact: false });
    for (let i = 0; i < 200; i++) await store.put('findings', `old${i}`, i);
    const compaction = store.compact();
    const writes = Array.from({ length: 50 }, (_, i) => store.put('findings', `new${i}`, i));
    await Promise.all([compaction, ...writes]);
    await store.close();
    const reopened = await MemoryStore.open(dir);
    expect(reopened.stats().entries).toBe(250);
    await reopened.close();
  });

  it('compacts on its own once dead records dominate the file', async () => {
    const store = await MemoryStore.open(dir, { compactMinBytes: 0, compactRatio: 0.5 });
    for (let i = 0; i < 100; i++) await store.put('findings', 'same', { i, pad: 'p'.repeat(100) });
    while (store.stats().compactions === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(store.get('findings', 'same')).toEqual({ i: 99, pad: 'p'.repeat(100) });
    await store.close();
  });

  it('stops a compaction on abort and leaves the old file whole', async () => {
    const store = await MemoryStore.open(dir, { autoCompact: false });
    await store.put('findings', 'a', 1);
    await store.put('findings', 'a', 2);
    const before = await fileSize();
    const error = await rejection(store.compact({ signal: AbortSignal.abort() }));
    expect(isErrorNamed(error, 'CancelledError')).toBe(true);
    expect(await fileSize()).toBe(before);
    expect(await readdir(dir)).toEqual(['memory.lock', 'memory.log']);
    await store.put('findings', 'b', 3);
    await store.close();
    const reopened = await MemoryStore.open(dir);
    expect([reopened.get('findings', 'a'), reopened.get('findings', 'b')]).toEqual([2, 3]);
    await reopened.close();
  });
});
