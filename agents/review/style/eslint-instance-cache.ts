/**
 * One ESLint instance per resolved config, reused across reviews. An instance caches its loaded
 * config and parsers, which makes a warm `lintText` ~10x cheaper than a cold one; but it never
 * re-reads a config file, so each entry carries a `stamp` (the config file's mtime and size) and is
 * rebuilt when the file changes. Bounded (least recently used goes first) so a long-running host that
 * reviews many repositories does not grow without limit. The only state this agent keeps: inside a
 * worker thread each thread has its own.
 */
import type { ESLint } from 'eslint';
import type { Disposable } from '../../../shared/lifecycle/disposable.js';

interface Entry {
  stamp: string;
  eslint: Promise<ESLint>;
}

/** A bounded map from resolved config key to a reused ESLint instance. */
export class EslintInstanceCache implements Disposable {
  private readonly entries = new Map<string, Entry>();
  private constructed = 0;

  /** @param maxEntries Instances kept at most; the least recently used is dropped first. */
  constructor(readonly maxEntries = 32) {
    if (!Number.isInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`EslintInstanceCache: maxEntries must be a positive integer, got ${maxEntries}`);
    }
  }

  /** How many ESLint instances this cache has constructed: tests use it to prove reuse. */
  get created(): number {
    return this.constructed;
  }

  /** Instances held now. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * The instance for `key` if its `stamp` still matches, else a new one from `create` (replacing a
   * stale one). Concurrent callers for one key share a single construction.
   */
  get(key: string, stamp: string, create: () => Promise<ESLint>): Promise<ESLint> {
    const hit = this.entries.get(key);
    if (hit && hit.stamp === stamp) {
      // Re-insert to mark as most recently used.
      this.entries.delete(key);
      this.entries.set(key, hit);
      return hit.eslint;
    }
    this.entries.delete(key);
    this.constructed++;
    const eslint = create();
    const entry: Entry = { stamp, eslint };
    this.entries.set(key, entry);
    // A failed construction must not be cached: the next call tries again.
    eslint.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
    return eslint;
  }

  /** Drops every instance (their memory is freed once no lint that uses them is running). */
  clear(): void {
    this.entries.clear();
  }

  /** Same as {@link clear}; an owner may hold the cache in a DisposableStore. */
  dispose(): void {
    this.clear();
  }
}
