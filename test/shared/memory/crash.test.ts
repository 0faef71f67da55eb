/**
 * The memory store under SIGKILL: a child process writes (puts, overwrites, deletes, compactions)
 * and is killed at a random moment, several times over the same store. After each kill the store
 * must hold every acknowledged write, nothing that was never written, and stay writable.
 * Also: the lock keeps a second writer out while the holder lives, and is taken over once it died.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { isErrorNamed } from '../../../shared/errors/errors.js';
import { MemoryStore } from '../../../shared/memory/memory-store.js';
import { compileForChild, repoRoot, type ChildModule } from './child-module.js';
// @ts-expect-error: plain .mjs fixture shared with the child process, no type declarations.
import { valueFor } from './fixtures/memory-values.mjs';

const childScript = join(repoRoot, 'test/shared/memory/fixtures/memory-child.mjs');
const expectedValue = valueFor as (key: string, version: number) => unknown;

/** A running child and what it printed. */
class Child {
  readonly process: ChildProcess;
  private text = '';
  private stderr = '';
  private waiters: Array<() => void> = [];
  readonly exited: Promise<void>;

  constructor(moduleUrl: string, dir: string, mode: 'write' | 'hold', prefix: string) {
    this.process = spawn(process.execPath, [childScript, moduleUrl, dir, mode, prefix], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.process.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      this.text += chunk;
      for (const wake of this.waiters.splice(0)) wake();
    });
    this.process.stderr!.setEncoding('utf8').on('data', (chunk: string) => (this.stderr += chunk));
    this.exited = new Promise((resolve) => this.process.once('exit', () => resolve()));
  }

  /** Complete lines printed so far (a line cut by the kill is not complete, so not counted). */
  get lines(): string[] {
    return this.text.split('\n').slice(0, -1);
  }

  /** Resolves once `predicate` holds for the printed lines; rejects if the child exits first. */
  async until(predicate: (lines: string[]) => boolean): Promise<void> {
    let exited = false;
    void this.exited.then(() => {
      exited = true;
      for (const wake of this.waiters.splice(0)) wake();
    });
    while (!predicate(this.lines)) {
      if (exited) throw new Error(`child exited early: ${this.stderr}`);
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
  }

  async kill(): Promise<void> {
    this.process.kill('SIGKILL');
    await this.exited;
  }
}

type Op = { line: string; version: number | null };

let compiled: ChildModule;
let root: string;

beforeAll(async () => {
  compiled = await compileForChild('shared/memory/index.ts');
  root = await mkdtemp(join(tmpdir(), 'memory-crash-'));
});

afterAll(async () => {
  await compiled?.dispose();
  await rm(root, { recursive: true, force: true });
});

describe('MemoryStore crash safety', () => {
  it('keeps every acknowledged write across repeated SIGKILLs mid-write, and stays writable', async () => {
    const dir = join(root, 'crash');
    /** Verified state of keys from earlier runs: must not change. */
    const settled = new Map<string, unknown>();
    let totalAcked = 0;
    let compactions = 0;
    const iterations = 8;
    for (let run = 0; run < iterations; run++) {
      const child = new Child(compiled.url, dir, 'write', `r${run}`);
      const target = 1 + Math.floor(Math.random() * 400);
      await child.until((lines) => lines.filter((l) => l.startsWith('ok ')).length >= target);
      if (run % 2 === 1) {
        // Odd runs aim the kill at a compaction: the window where a non-atomic rewrite would lose data.
        const started = child.lines.filter((l) => l === 'compact start').length;
        await child.until((lines) => lines.filter((l) => l === 'compact start').length > started);
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 3));
      } else {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 15));
      }
      await child.kill();
      compactions += child.lines.filter((l) => l === 'compact start').length;
      expect(child.process.signalCode).toBe('SIGKILL');

      // Per key: the operations issued, in order, and the index of the last acknowledged one.
      const issued = new Map<string, Op[]>();
      const lastAcked = new Map<string, number>();
      for (const line of child.lines) {
        const [mark, kind, key, version] = line.split(' ');
        if (mark !== '>' && mark !== 'ok') continue;
        const body = line.slice(mark.length + 1);
        if (mark === '>') {
          const ops = issued.get(key!) ?? [];
          ops.push({ line: body, version: kind === 'put' ? Number(version) : null });
          issued.set(key!, ops);
        } else {
          const index = issued.get(key!)!.findIndex((o) => o.line === body);
          expect(index).toBeGreaterThanOrEqual(0);
          lastAcked.set(key!, index);
          totalAcked++;
        }
      }

      const store = await MemoryStore.open(dir);
      const actual = new Map(store.list('findings').map((e) => [e.key, e.value]));
      for (const [key, ops] of issued) {
        const from = lastAcked.get(key) ?? -1;
        // Allowed outcomes: the last acknowledged operation, or any later one that became durable.
        const allowed: unknown[] = ops.slice(Math.max(from, 0)).map((o) => (o.version === null ? undefined : expectedValue(key, o.version)));
        if (from === -1) allowed.push(undefined);
        const value = actual.get(key);
        if (!allowed.some((candidate) => isDeepStrictEqual(candidate, value))) {
          throw new Error(`run ${run}: ${key} holds ${JSON.stringify(value)}; acknowledged: ${from >= 0 ? ops[from]!.line : 'nothing'}`);
        }
        settled.set(key, value);
      }
      for (const [key, value] of actual) {
        if (!issued.has(key)) expect({ key, value }).toEqual({ key, value: settled.get(key) });
      }
      for (const [key, value] of settled) expect({ key, value: actual.get(key) }).toEqual({ key, value });

      await store.put('markers', `after-${run}`, { run });
      await store.close();
      const leftovers = (await readdir(dir)).filter((name) => name !== 'memory.log');
      expect(leftovers.filter((name) => !name.startsWith('memory.log.corrupt-'))).toEqual([]);
    }
    expect(totalAcked).toBeGreaterThanOrEqual(iterations);
    expect(compactions).toBeGreaterThanOrEqual(iterations / 2);

    const store = await MemoryStore.open(dir);
    expect(store.list('markers').map((e) => e.key)).toHaveLength(iterations);
    expect(store.recovery).toBeUndefined();
    await store.close();
  });

  it('refuses a second writer while the holder lives, and takes over once it was killed', async () => {
    const dir = join(root, 'lock');
    const child = new Child(compiled.url, dir, 'hold', 'h');
    try {
      await child.until((lines) => lines.includes('ready'));
      const error = await MemoryStore.open(dir).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isErrorNamed(error, 'StoreLockedError')).toBe(true);
      expect((error as { holderPid?: number }).holderPid).toBe(child.process.pid);
      expect((error as Error).message).toContain(`process ${child.process.pid}`);
    } finally {
      await child.kill();
    }
    const store = await MemoryStore.open(dir);
    await store.put('findings', 'after', 1);
    await store.close();
    expect(await readdir(dir)).toEqual(['memory.log']);
  });
});
