/** MemoryStore: reads and writes, reopening, input validation, the lock, and its lifetime. */
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import fc from 'fast-check';
import { z } from 'zod';
import { isErrorNamed } from '../../../shared/errors/errors.js';
import { MemoryStore } from '../../../shared/memory/memory-store.js';
import { memoryOptionsSchema } from '../../../shared/memory/memory-options.js';
import { openFdCount, rejection, tempDir, thrown } from './helpers.js';

let dir: string;
let cleanup: () => Promise<void>;
let fdsBefore: number | undefined;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('store'));
  fdsBefore = openFdCount();
});

afterEach(async () => {
  // Every test closes what it opened: no file handle may outlive it.
  expect(openFdCount()).toBe(fdsBefore);
  await cleanup();
});

describe('MemoryStore reads and writes', () => {
  it('puts, gets, overwrites, deletes and lists by namespace', async () => {
    const store = await MemoryStore.open(dir);
    await store.put('findings', 'b', { rule: 'x', n: 1 });
    await store.put('findings', 'a1', [1, 'two', null]);
    await store.put('findings', 'a2', 'text');
    await store.put('patterns', 'a1', true);
    await store.put('findings', 'b', { rule: 'x', n: 2 });

    expect(store.get('findings', 'b')).toEqual({ rule: 'x', n: 2 });
    expect(store.get('patterns', 'a1')).toBe(true);
    expect(store.get('discoveries', 'a1')).toBeUndefined();
    expect(store.has('findings', 'a2')).toBe(true);
    expect(store.list('findings').map((e) => e.key)).toEqual(['a1', 'a2', 'b']);
    expect(store.list('findings', { prefix: 'a' }).map((e) => e.value)).toEqual([[1, 'two', null], 'text']);
    expect(store.list('findings', { limit: 1 }).map((e) => e.key)).toEqual(['a1']);

    expect(await store.delete('findings', 'a2')).toBe(true);
    expect(await store.delete('findings', 'a2')).toBe(false);
    expect(store.get('findings', 'a2')).toBeUndefined();
    expect(store.stats()).toMatchObject({ entries: 3, namespaces: { findings: 2, patterns: 1 } });
    await store.close();
  });

  it('returns a fresh copy on every read, so callers cannot change what is stored', async () => {
    const store = await MemoryStore.open(dir);
    const value = { list: [1, 2] };
    await store.put('findings', 'k', value);
    value.list.push(3);
    const read = store.get('findings', 'k') as { list: number[] };
    read.list.push(4);
    expect(store.get('findings', 'k')).toEqual({ list: [1, 2] });
    await store.close();
  });

  it('parses a read through a schema when given one', async () => {
    const store = await MemoryStore.open(dir);
    await store.put('patterns', 'p', { name: 'retry', hits: 3 });
    const schema = z.object({ name: z.string(), hits: z.number() });
    const pattern = store.get('patterns', 'p', (v) => schema.parse(v));
    expect(pattern?.hits).toBe(3);
    expect(() => store.get('patterns', 'p', (v) => z.string().parse(v))).toThrow();
    await store.close();
  });

  it('keeps data, overwrites and deletes across a reopen', async () => {
    const first = await MemoryStore.open(dir);
    await first.put('findings', 'kept', { v: 1 });
    await first.put('findings', 'changed', 'old');
    await first.put('findings', 'changed', 'new');
    await first.put('findings', 'gone', 1);
    await first.delete('findings', 'gone');
    await first.close();

    const second = await MemoryStore.open(dir);
    expect(second.list('findings').map((e) => [e.key, e.value])).toEqual([
      ['changed', 'new'],
      ['kept', { v: 1 }],
    ]);
    expect(second.recovery).toBeUndefined();
    // Sequence numbers continue, so the write order (eviction order) stays right after a reopen.
    await second.put('findings', 'later', 2);
    await second.close();
    const third = await MemoryStore.open(dir);
    expect(third.get('findings', 'later')).toBe(2);
    await third.close();
  });

  it('round-trips any JSON value through the file', async () => {
    const values = fc.sample(fc.jsonValue(), { numRuns: 150, seed: 42 });
    const store = await MemoryStore.open(dir);
    await Promise.all(values.map((v, i) => store.put('findings', `k${i}`, v)));
    await store.close();
    const reopened = await MemoryStore.open(dir);
    values.forEach((v, i) => expect(reopened.get('findings', `k${i}`)).toEqual(JSON.parse(JSON.stringify(v))));
    await reopened.close();
  });

  it('batches concurrent writes into few fsyncs (group commit), all durable', async () => {
    const store = await MemoryStore.open(dir);
    await Promise.all(Array.from({ length: 200 }, (_, i) => store.put('findings', `k${i}`, i)));
    const { writes, commits } = store.stats();
    expect(writes).toBe(200);
    expect(commits).toBeLessThanOrEqual(3);
    await store.close();
    const reopened = await MemoryStore.open(dir);
    expect(reopened.stats().entries).toBe(200);
    await reopened.close();
  });
});

describe('MemoryStore input validation', () => {
  it.each([
    ['a function', { f: () => 1 }, 'value.f is a function'],
    ['undefined inside', { a: [1, undefined] }, 'value.a[1] is undefined'],
    ['NaN', { score: Number.NaN }, 'value.score is NaN'],
    ['a Date', { at: new Date(0) }, 'value.at is a Date'],
    ['a Map', new Map(), 'value is a Map'],
    ['a bigint', { n: 1n }, 'value.n is a bigint'],
    ['odd keys', { 'a b': { c: Infinity } }, 'value["a b"].c is Infinity'],
  ])('refuses %s, naming the path, and writes nothing', async (_label, value, message) => {
    const store = await MemoryStore.open(dir);
    const error = await rejection(store.put('findings', 'k', value));
    expect(isErrorNamed(error, 'InvalidInputError')).toBe(true);
    expect(error.message).toContain('memory put findings/k');
    expect(error.message).toContain(message);
    expect(store.stats().writes).toBe(0);
    await store.close();
  });

  it('refuses cycles, bad names, bad TTLs and oversized values', async () => {
    const store = await MemoryStore.open(dir, { maxValueBytes: 100 });
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect((await rejection(store.put('findings', 'k', cyclic))).message).toContain('value.self refers back');
    expect((await rejection(store.put('', 'k', 1))).message).toContain('namespace must be a string of 1 to 128');
    expect((await rejection(store.put('findings', 'x'.repeat(2000), 1))).message).toContain('key must be a string of 1 to 1024');
    expect((await rejection(store.put('findings', 'bad\uD800', 1))).message).toContain('lone UTF-16 surrogate');
    expect((await rejection(store.put('findings', 'k', 1, { ttlMs: -5 }))).message).toContain('ttlMs must be a positive integer');
    expect((await rejection(store.put('findings', 'k', 'y'.repeat(200)))).message).toContain('over maxValueBytes (100)');
    expect(thrown(() => store.list('findings', { limit: -1 })).message).toContain('limit must be 0 or more');
    expect(store.stats().writes).toBe(0);
    await store.close();
  });

  it('refuses bad options, naming the key', async () => {
    const tooSmall = await rejection(MemoryStore.open(dir, { maxBytes: 10 }));
    expect(isErrorNamed(tooSmall, 'InvalidInputError')).toBe(true);
    expect(tooSmall.message).toContain('memory.maxBytes');
    const typo = await rejection(MemoryStore.open(dir, { maxbytes: 1 } as never));
    expect(typo.message).toContain('maxbytes');
    // Nothing was created or locked by a refused open.
    expect(await readdir(dir)).toEqual([]);
    expect(Object.keys(memoryOptionsSchema.shape)).toContain('defaultTtlMs');
  });
});

describe('MemoryStore lock and lifetime', () => {
  it('lets one store per directory be open at a time', async () => {
    const store = await MemoryStore.open(dir);
    const error = await rejection(MemoryStore.open(dir));
    expect(isErrorNamed(error, 'StoreLockedError')).toBe(true);
    expect(error.message).toContain(join(dir, 'memory.lock'));
    await store.close();
    const again = await MemoryStore.open(dir);
    await again.close();
    expect(await readdir(dir)).toEqual(['memory.log']);
  });

  it('finishes pending writes on close, then refuses use', async () => {
    const store = await MemoryStore.open(dir);
    const writes = Array.from({ length: 20 }, (_, i) => store.put('findings', `k${i}`, i));
    const closed = store.close();
    expect(store.close()).toBe(closed);
    await Promise.all(writes);
    await closed;
    expect(store.isClosed).toBe(true);
    expect(isErrorNamed(await rejection(store.put('findings', 'late', 1)), 'BugIndicatingError')).toBe(true);
    expect(() => store.get('findings', 'k1')).toThrow(/closed/);
    const reopened = await MemoryStore.open(dir);
    expect(reopened.stats().entries).toBe(20);
    await reopened.close();
  });

  it('runs GC on an unref-ed timer that close clears', async () => {
    const setSpy = jest.spyOn(globalThis, 'setInterval');
    const clearSpy = jest.spyOn(globalThis, 'clearInterval');
    try {
      const store = await MemoryStore.open(dir, { gcIntervalMs: 100 });
      expect(setSpy).toHaveBeenCalledTimes(1);
      const timer = setSpy.mock.results[0]!.value as NodeJS.Timeout;
      expect(timer.hasRef()).toBe(false);
      while (store.stats().gcRuns === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      store.dispose();
      await store.close();
      expect(clearSpy).toHaveBeenCalledWith(timer);
      expect(await readdir(dir)).toEqual(['memory.log']);
    } finally {
      setSpy.mockRestore();
      clearSpy.mockRestore();
    }
  });

  it('cancels opening with an aborted signal and leaves no lock behind', async () => {
    const error = await rejection(MemoryStore.open(dir, { signal: AbortSignal.abort() }));
    expect(isErrorNamed(error, 'CancelledError')).toBe(true);
    const store = await MemoryStore.open(dir);
    await store.close();
  });
});
