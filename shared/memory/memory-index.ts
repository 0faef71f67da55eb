/**
 * The in-memory index of a memory store, rebuilt from the log on open. It holds each live entry's
 * value as JSON text (parsed on every read, so callers get their own copy) and keeps entries in write
 * order, which is what least-recently-written eviction needs: a Set iterates in insertion order, and a
 * rewrite of a key moves its entry to the end.
 */
import { LOG_MAGIC, type LogRecord } from './log-record.js';

/** One live entry. */
export interface IndexEntry {
  readonly namespace: string;
  readonly key: string;
  readonly valueJson: string;
  readonly seq: number;
  readonly writtenAt: number;
  readonly expiresAt: number | null;
  /** Bytes of its frame in the log. */
  readonly frameBytes: number;
}

/** True if `entry` has expired at clock time `now`. */
export function isExpired(entry: IndexEntry, now: number): boolean {
  return entry.expiresAt !== null && entry.expiresAt <= now;
}

/** Live entries by namespace and key, in write order. */
export class MemoryIndex {
  private readonly namespaces = new Map<string, Map<string, IndexEntry>>();
  private readonly writeOrder = new Set<IndexEntry>();
  private bytes = LOG_MAGIC.length;
  private highestSeq = 0;

  /** Applies one record (from replay or a fresh commit). */
  apply(record: LogRecord, frameBytes: number): void {
    if (record.seq > this.highestSeq) this.highestSeq = record.seq;
    const previous = this.get(record.namespace, record.key);
    if (previous) this.remove(previous);
    if (record.op === 'del') return;
    const entry: IndexEntry = {
      namespace: record.namespace,
      key: record.key,
      valueJson: record.valueJson,
      seq: record.seq,
      writtenAt: record.writtenAt,
      expiresAt: record.expiresAt,
      frameBytes,
    };
    let keys = this.namespaces.get(entry.namespace);
    if (!keys) this.namespaces.set(entry.namespace, (keys = new Map()));
    keys.set(entry.key, entry);
    this.writeOrder.add(entry);
    this.bytes += frameBytes;
  }

  /** The entry for a key, expired or not. */
  get(namespace: string, key: string): IndexEntry | undefined {
    return this.namespaces.get(namespace)?.get(key);
  }

  /** Drops an entry (it was evicted, expired, or overwritten). */
  remove(entry: IndexEntry): void {
    const keys = this.namespaces.get(entry.namespace);
    if (keys?.get(entry.key) !== entry) return;
    keys.delete(entry.key);
    if (keys.size === 0) this.namespaces.delete(entry.namespace);
    this.writeOrder.delete(entry);
    this.bytes -= entry.frameBytes;
  }

  /** Entries of one namespace, in no particular order. */
  inNamespace(namespace: string): Iterable<IndexEntry> {
    return this.namespaces.get(namespace)?.values() ?? [];
  }

  /** Every entry, least recently written first. */
  byWriteOrder(): Iterable<IndexEntry> {
    return this.writeOrder;
  }

  /** Entry count per namespace. */
  namespaceSizes(): Record<string, number> {
    const sizes: Record<string, number> = {};
    for (const [namespace, keys] of this.namespaces) sizes[namespace] = keys.size;
    return sizes;
  }

  /** Number of entries. */
  get size(): number {
    return this.writeOrder.size;
  }

  /** Bytes a log holding exactly these entries takes (header included). */
  get liveBytes(): number {
    return this.bytes;
  }

  /** Highest write sequence applied so far. */
  get lastSeq(): number {
    return this.highestSeq;
  }
}
