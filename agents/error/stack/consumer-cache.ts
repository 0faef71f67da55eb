/**
 * Source-map consumers kept across `locate` calls. A big bundle's map costs hundreds of
 * milliseconds to parse (JSON, then the mappings in WebAssembly) and a log usually holds many
 * traces through the same bundle, so consumers are kept in a small LRU keyed by the generated
 * file, and reused only while their identity holds: the stamps (size, times, inode) of the
 * generated file and of its map when the files are on disk, else the map's exact text. A rebuilt
 * bundle is a miss and replaces the entry.
 *
 * Consumers hold WebAssembly memory freed only by `destroy()`: an entry pushed out while a call
 * still uses it is destroyed when that call releases it; `clear()` frees everything unused.
 */
import type { SourceMapConsumer } from 'source-map';

/** A consumer in (or just out of) the cache, with who holds it. */
export interface SharedConsumer {
  readonly consumer: SourceMapConsumer;
  readonly key: string;
  /** Equal identities mean the same map: stamps of the files, or the map's URL and text. */
  readonly identity: string;
  /** The map's project path when it is a file of its own (so its stamp can be checked before reading anything). */
  readonly mapFile: string | undefined;
  readonly bytes: number;
  /** Calls using it now. */
  refs: number;
  /** No longer in the cache: destroyed once no call uses it. */
  evicted: boolean;
}

/** The LRU of consumers; one instance is shared by every `locate` call (source-maps.ts). */
export class ConsumerCache {
  // A Map iterates in insertion order: re-inserting on use keeps the least recently used first.
  private readonly entries = new Map<string, SharedConsumer>();
  private bytes = 0;

  constructor(
    private readonly maxEntries = 32,
    private readonly maxBytes = 64 * 1024 * 1024,
  ) {}

  /** The entry for `key` without taking it (to learn which map file to stamp). */
  peek(key: string): SharedConsumer | undefined {
    return this.entries.get(key);
  }

  /** The cached consumer for `key` if its identity is `identity`; the caller must `release` it. */
  acquire(key: string, identity: string): SharedConsumer | undefined {
    const entry = this.entries.get(key);
    if (!entry || entry.identity !== identity) return undefined;
    this.entries.delete(key);
    this.entries.set(key, entry);
    entry.refs++;
    return entry;
  }

  /** Adds a consumer the caller made and holds (`release` it when done). Maps larger than the whole cache are not kept. */
  add(key: string, identity: string, mapFile: string | undefined, bytes: number, consumer: SourceMapConsumer): SharedConsumer {
    const entry: SharedConsumer = { consumer, key, identity, mapFile, bytes, refs: 1, evicted: false };
    const previous = this.entries.get(key);
    if (previous) this.evict(previous);
    if (bytes > this.maxBytes) {
      entry.evicted = true;
      return entry;
    }
    this.entries.set(key, entry);
    this.bytes += bytes;
    for (const oldest of this.entries.values()) {
      if (this.entries.size <= this.maxEntries && this.bytes <= this.maxBytes) break;
      this.evict(oldest);
    }
    return entry;
  }

  release(entry: SharedConsumer): void {
    entry.refs--;
    if (entry.refs === 0 && entry.evicted) entry.consumer.destroy();
  }

  /** Drops every entry; consumers in use are destroyed when released. */
  clear(): void {
    for (const entry of [...this.entries.values()]) this.evict(entry);
  }

  get size(): number {
    return this.entries.size;
  }

  private evict(entry: SharedConsumer): void {
    if (entry.evicted) return;
    this.entries.delete(entry.key);
    this.bytes -= entry.bytes;
    entry.evicted = true;
    if (entry.refs === 0) entry.consumer.destroy();
  }
}
