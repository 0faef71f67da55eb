/**
 * Opening a damaged log: a torn or corrupt tail is cut back to the last intact record, the cut bytes
 * are kept aside, and the store reports what it did; a file that is not a memory log is refused.
 */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { appendFile, open, readFile, readdir, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isErrorNamed } from '../../../shared/errors/errors.js';
import { LOG_MAGIC } from '../../../shared/memory/log-record.js';
import { MemoryStore } from '../../../shared/memory/memory-store.js';
import { openFdCount, rejection, tempDir } from './helpers.js';

let dir: string;
let log: string;
let cleanup: () => Promise<void>;
let fdsBefore: number | undefined;

beforeEach(async () => {
  ({ dir, cleanup } = await tempDir('recovery'));
  fdsBefore = openFdCount();
  log = join(dir, 'memory.log');
});

afterEach(async () => {
  // Every test closes what it opened: no file handle may outlive it.
  expect(openFdCount()).toBe(fdsBefore);
  await cleanup();
});

/** Writes three records and returns the file offset where each one starts, plus the end. */
async function writeThree(): Promise<number[]> {
  const store = await MemoryStore.open(dir);
  const offsets = [store.stats().fileBytes];
  for (const key of ['one', 'two', 'three']) {
    await store.put('findings', key, { key, text: `value of ${key}` });
    offsets.push(store.stats().fileBytes);
  }
  await store.close();
  return offsets;
}

async function flipByte(offset: number): Promise<void> {
  const file = await open(log, 'r+');
  try {
    const byte = Buffer.alloc(1);
    await file.read(byte, 0, 1, offset);
    byte[0] = byte[0]! ^ 0x5a;
    await file.write(byte, 0, 1, offset);
  } finally {
    await file.close();
  }
}

/** Opens, checks which keys survived, proves the store writable and clean on the next open. */
async function reopenAndCheck(expectedKeys: string[]): Promise<NonNullable<MemoryStore['recovery']>> {
  const store = await MemoryStore.open(dir);
  const recovery = store.recovery;
  expect(recovery).toBeDefined();
  expect(store.stats().recovery).toEqual(recovery);
  expect(store.list('findings').map((e) => e.key).sort()).toEqual([...expectedKeys].sort());
  for (const key of expectedKeys) expect(store.get('findings', key)).toEqual({ key, text: `value of ${key}` });
  await store.put('findings', 'after', 1);
  await store.close();
  const again = await MemoryStore.open(dir);
  expect(again.recovery).toBeUndefined();
  expect(again.get('findings', 'after')).toBe(1);
  await again.close();
  return recovery!;
}

describe('MemoryStore recovery', () => {
  it('cuts garbage appended after the last record, keeping the bytes aside', async () => {
    const offsets = await writeThree();
    const garbage = Buffer.from('\x13\x00\x00\x00garbage that is not a frame');
    await appendFile(log, garbage);
    const recovery = await reopenAndCheck(['one', 'two', 'three']);
    expect(recovery).toMatchObject({ offset: offsets[3], truncatedBytes: garbage.length });
    expect(await readFile(recovery.quarantinedTo!)).toEqual(garbage);
  });

  it('cuts the last record when a byte in its middle flipped, and says why', async () => {
    const offsets = await writeThree();
    await flipByte(Math.floor((offsets[2]! + offsets[3]!) / 2));
    const recovery = await reopenAndCheck(['one', 'two']);
    expect(recovery).toMatchObject({ offset: offsets[2], truncatedBytes: offsets[3]! - offsets[2]!, reason: 'checksum mismatch' });
  });

  it('cuts a torn last record (the file ends inside it)', async () => {
    const offsets = await writeThree();
    await truncate(log, offsets[3]! - 3);
    const recovery = await reopenAndCheck(['one', 'two']);
    expect(recovery.offset).toBe(offsets[2]);
    expect(recovery.reason).toMatch(/^torn frame/);
  });

  it('cuts a torn frame header', async () => {
    const offsets = await writeThree();
    await appendFile(log, Buffer.from([1, 2, 3]));
    const recovery = await reopenAndCheck(['one', 'two', 'three']);
    expect(recovery).toMatchObject({ offset: offsets[3], truncatedBytes: 3 });
    expect(recovery.reason).toMatch(/^torn frame header/);
  });

  it('treats a damaged length field as damage, not as a huge record to read', async () => {
    const offsets = await writeThree();
    await flipByte(offsets[2]! + 3);
    const recovery = await reopenAndCheck(['one', 'two']);
    expect(recovery.reason).toMatch(/^frame length \d+ is outside/);
  });

  it('refuses a file that is not a memory log, and releases the lock', async () => {
    await writeFile(log, '{"this is": "some other file"}\n');
    const error = await rejection(MemoryStore.open(dir));
    expect(isErrorNamed(error, 'InvalidInputError')).toBe(true);
    expect(error.message).toContain(`${log} is not an Orchestra memory log`);
    expect(await readdir(dir)).toEqual(['memory.log']);
    expect(await readFile(log, 'utf8')).toBe('{"this is": "some other file"}\n');
  });

  it('refuses a log of another format version, saying so', async () => {
    const future = Buffer.from(LOG_MAGIC);
    future[future.length - 1] = 99;
    await writeFile(log, future);
    const error = await rejection(MemoryStore.open(dir));
    expect(error.message).toContain('format version 99');
  });

  it('starts afresh from an empty file and ignores a compaction a crash left half done', async () => {
    await writeFile(log, '');
    const first = await MemoryStore.open(dir);
    await first.put('findings', 'one', { key: 'one', text: 'value of one' });
    await first.close();
    await writeFile(`${log}.compact`, Buffer.concat([LOG_MAGIC, Buffer.from('half a compaction')]));
    const second = await MemoryStore.open(dir);
    expect(second.recovery).toBeUndefined();
    expect(second.get('findings', 'one')).toEqual({ key: 'one', text: 'value of one' });
    await second.close();
    expect(await readdir(dir)).toEqual(['memory.log']);
  });
});
