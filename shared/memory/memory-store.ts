/**
 * The memory service: a durable, embedded key-value store for findings, discoveries and learned
 * patterns, with time-to-live and size-based garbage collection. One directory holds one store:
 * `memory.log` (see append-log.ts) and `memory.lock` (see store-lock.ts). Pure JavaScript, no
 * server, no native addon, so it also runs inside a bundled VS Code extension.
 *
 * A write's promise resolves once the write is on disk; reads are synchronous, from an in-memory
 * index rebuilt on open. Memory use is about the size of the live data (bounded by `maxBytes` + what
 * arrives between two GCs).
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { BugIndicatingError, InvalidInputError, errorMessage, isCancellation, throwIfAborted } from '../errors/errors.js';
import type { Disposable } from '../lifecycle/disposable.js';
import { AppendLog, type RecoveryReport } from './append-log.js';
import { toJsonText, type JsonValue } from './json-value.js';
import { encodeRecord, type LogRecord } from './log-record.js';
import { MemoryIndex, isExpired, type IndexEntry } from './memory-index.js';
import { MAX_VALUE_BYTES_LIMIT, memoryOptions, type MemoryOptions, type MemoryStoreOptions } from './memory-options.js';
import { StoreLock } from './store-lock.js';

/** Well-known namespaces; any other non-empty string works too. */
export type MemoryNamespace = 'findings' | 'discoveries' | 'patterns' | (string & {});

/** An entry as returned by reads. `value` is a fresh copy each time. */
export interface MemoryEntry {
  namespace: string;
  key: string;
  value: JsonValue;
  /** Clock time of the write (ms since epoch). */
  writtenAt: number;
  /** Clock time it expires, or null for never. */
  expiresAt: number | null;
}

/** Options of one put. */
export interface PutOptions {
  /** Time to live in ms (positive integer, or Infinity for never). Default: the store's `defaultTtlMs`. */
  ttlMs?: number;
}

/** Options of {@link MemoryStore.list}. */
export interface ListOptions {
  /** Only keys starting with this. */
  prefix?: string;
  /** At most this many entries (in key order). */
  limit?: number;
}

/** What one {@link MemoryStore.gc} did. */
export interface GcResult {
  /** Entries dropped because their TTL had passed. */
  expired: number;
  /** Entries evicted (least recently written first) to get under `maxBytes`. */
  evicted: number;
  fileBytesBefore: number;
  fileBytesAfter: number;
}

/** Figures for dashboards and tests. */
export interface MemoryStats {
  entries: number;
  namespaces: Record<string, number>;
  /** Bytes the live entries take in the log (what the file shrinks to on compaction). */
  liveBytes: number;
  /** Bytes of the log file now. */
  fileBytes: number;
  maxBytes: number;
  /** Records written since open, and the write+fsync rounds that carried them (group commit). */
  writes: number;
  commits: number;
  compactions: number;
  gcRuns: number;
  expired: number;
  evicted: number;
  /** Set when opening truncated a damaged tail. */
  recovery: RecoveryReport | undefined;
  /** Message of the last failure of background work, if any. */
  lastBackgroundError: string | undefined;
}

const LOG_FILE = 'memory.log';
const LOCK_FILE = 'memory.lock';
/** Frames longer than this are damage, whatever the options (so lowering `maxValueBytes` loses nothing). */
const MAX_FRAME_BYTES = MAX_VALUE_BYTES_LIMIT + 64 * 1024;
const MAX_NAMESPACE_LENGTH = 128;
const MAX_KEY_LENGTH = 1024;

/** A UTF-16 surrogate without its partner: it cannot be written as UTF-8 and would come back changed. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function checkName(value: unknown, what: 'namespace' | 'key', max: number): asserts value is string {
  if (typeof value !== 'string' || value.length === 0 || value.length > max) {
    throw new InvalidInputError(`Memory ${what} must be a string of 1 to ${max} characters, got ${typeof value === 'string' ? `${value.length} characters` : typeof value}`, { key: what });
  }
  if (LONE_SURROGATE.test(value)) throw new InvalidInputError(`Memory ${what} ${JSON.stringify(value)} contains a lone UTF-16 surrogate; use well-formed text`, { key: what });
}

/** A durable local store; see the file comment. Open with {@link MemoryStore.open}. */
export class MemoryStore implements Disposable {
  private readonly clock: () => number;
  private seq: number;
  private closing: Promise<void> | undefined;
  private maintenance: Promise<unknown> | undefined;
  private readonly maintenanceAbort = new AbortController();
  private timer: ReturnType<typeof setInterval> | undefined;
  private readonly counts = { compactions: 0, gcRuns: 0, expired: 0, evicted: 0 };
  private lastBackgroundError: string | undefined;

  private constructor(
    /** Absolute path of the store's directory. */
    readonly dir: string,
    private readonly options: MemoryOptions,
    private readonly hooks: Pick<MemoryStoreOptions, 'clock' | 'onBackgroundError'>,
    private readonly index: MemoryIndex,
    private readonly log: AppendLog,
    private readonly lock: StoreLock,
    /** What recovery did on open, when the log had a damaged tail. */
    readonly recovery: RecoveryReport | undefined,
  ) {
    this.clock = hooks.clock ?? Date.now;
    this.seq = index.lastSeq;
    // Entries that expired while the store was closed are dead weight: count them as garbage now.
    const now = this.clock();
    for (const entry of index.byWriteOrder()) if (isExpired(entry, now)) index.remove(entry);
    if (options.gcIntervalMs !== undefined) {
      this.timer = setInterval(() => this.runInBackground(() => this.gc({ signal: this.maintenanceAbort.signal })), options.gcIntervalMs);
      this.timer.unref();
    }
  }

  /**
   * Opens the store in `dir` (created if missing): takes the directory's lock, replays the log and
   * truncates a damaged tail (see {@link MemoryStore.recovery}). Throws `StoreLockedError` when another
   * live process has it open, `InvalidInputError` for bad options or a file that is not a memory log.
   */
  static async open(dir: string, options: MemoryStoreOptions = {}): Promise<MemoryStore> {
    const { clock, signal, onBackgroundError, ...data } = options;
    if (clock !== undefined && typeof clock !== 'function') throw new InvalidInputError('Memory store option clock must be a function returning ms since the epoch', { key: 'memory.clock' });
    const parsed = memoryOptions(data);
    throwIfAborted(signal);
    const root = resolve(dir);
    await mkdir(root, { recursive: true });
    const lock = await StoreLock.acquire(join(root, LOCK_FILE));
    try {
      const index = new MemoryIndex();
      const { log, recovery } = await AppendLog.open(join(root, LOG_FILE), {
        maxFrameBytes: MAX_FRAME_BYTES,
        onRecord: (record, frameBytes) => index.apply(record, frameBytes),
        signal,
      });
      return new MemoryStore(root, parsed, { clock, onBackgroundError }, index, log, lock, recovery);
    } catch (error) {
      await lock.release();
      throw error;
    }
  }

  /**
   * Stores `value` (plain JSON; anything else is refused with the offending path named) under `key`.
   * Resolves once it is durable.
   */
  async put(namespace: MemoryNamespace, key: string, value: unknown, options: PutOptions = {}): Promise<void> {
    this.assertOpen();
    checkName(namespace, 'namespace', MAX_NAMESPACE_LENGTH);
    checkName(key, 'key', MAX_KEY_LENGTH);
    const where = `memory put ${namespace}/${key}`;
    const ttlMs = options.ttlMs ?? this.options.defaultTtlMs;
    if (ttlMs !== undefined && ttlMs !== Infinity && !(Number.isSafeInteger(ttlMs) && ttlMs > 0)) {
      throw new InvalidInputError(`${where}: ttlMs must be a positive integer or Infinity, got ${ttlMs}`, { key: 'ttlMs' });
    }
    const valueJson = toJsonText(value, where);
    const valueBytes = Buffer.byteLength(valueJson);
    if (valueBytes > this.options.maxValueBytes) {
      throw new InvalidInputError(`${where}: the value is ${valueBytes} bytes of JSON, over maxValueBytes (${this.options.maxValueBytes}); store less or raise the limit`, { key: 'maxValueBytes' });
    }
    const writtenAt = this.now();
    // A TTL reaching past the largest exact integer means "never" in practice, and is stored so.
    const expiresAt = ttlMs === undefined || ttlMs === Infinity || writtenAt + ttlMs > Number.MAX_SAFE_INTEGER ? null : writtenAt + ttlMs;
    await this.write({ op: 'put', namespace, key, seq: ++this.seq, writtenAt, expiresAt, valueJson });
  }

  /** Deletes `key`. Resolves (durably) with whether it existed. */
  async delete(namespace: MemoryNamespace, key: string): Promise<boolean> {
    this.assertOpen();
    checkName(namespace, 'namespace', MAX_NAMESPACE_LENGTH);
    checkName(key, 'key', MAX_KEY_LENGTH);
    // A tombstone is written even for an unknown key: a put of it may still be waiting to commit.
    let existed = false;
    const record: LogRecord = { op: 'del', namespace, key, seq: ++this.seq, writtenAt: this.now() };
    await this.write(record, () => {
      const entry = this.index.get(namespace, key);
      existed = entry !== undefined && !isExpired(entry, this.clock());
    });
    return existed;
  }

  /** The clock as a whole number of ms; a clock giving anything else is a bug in whoever injected it. */
  private now(): number {
    const now = Math.floor(this.clock());
    if (!Number.isSafeInteger(now) || now < 0) throw new BugIndicatingError(`The memory store's clock returned ${now}; it must return ms since the epoch`);
    return now;
  }

  private async write(record: LogRecord, beforeApply?: () => void): Promise<void> {
    const frame = encodeRecord(record);
    await this.log.append(frame, () => {
      beforeApply?.();
      this.index.apply(record, frame.length);
    });
    this.maybeCompact();
  }

  /** The value under `key`, or undefined if absent or expired. */
  get(namespace: MemoryNamespace, key: string): JsonValue | undefined;
  /** The value under `key` passed through `parse` (e.g. a zod schema's `parse`), or undefined. */
  get<T>(namespace: MemoryNamespace, key: string, parse: (value: JsonValue) => T): T | undefined;
  get<T>(namespace: MemoryNamespace, key: string, parse?: (value: JsonValue) => T): T | JsonValue | undefined {
    const entry = this.getEntry(namespace, key);
    if (!entry) return undefined;
    return parse ? parse(entry.value) : entry.value;
  }

  /** The entry under `key` with its metadata, or undefined if absent or expired. */
  getEntry(namespace: MemoryNamespace, key: string): MemoryEntry | undefined {
    this.assertOpen();
    const entry = this.index.get(namespace, key);
    return entry && !isExpired(entry, this.clock()) ? toEntry(entry) : undefined;
  }

  /** True if `key` holds an unexpired value. */
  has(namespace: MemoryNamespace, key: string): boolean {
    this.assertOpen();
    const entry = this.index.get(namespace, key);
    return entry !== undefined && !isExpired(entry, this.clock());
  }

  /** Unexpired entries of a namespace, sorted by key. */
  list(namespace: MemoryNamespace, options: ListOptions = {}): MemoryEntry[] {
    this.assertOpen();
    const { prefix = '', limit = Infinity } = options;
    if (!(limit >= 0)) throw new InvalidInputError(`memory list ${namespace}: limit must be 0 or more, got ${limit}`, { key: 'limit' });
    const now = this.clock();
    const found: IndexEntry[] = [];
    for (const entry of this.index.inNamespace(namespace)) {
      if (entry.key.startsWith(prefix) && !isExpired(entry, now)) found.push(entry);
    }
    found.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    return found.slice(0, limit).map(toEntry);
  }

  /**
   * Drops expired entries, then evicts least-recently-written entries until the live data fits in
   * `maxBytes`, and rewrites the log without them (so they stay gone after a reopen).
   */
  async gc(options: { signal?: AbortSignal } = {}): Promise<GcResult> {
    this.assertOpen();
    return this.log.exclusive(async () => {
      throwIfAborted(options.signal);
      const fileBytesBefore = this.log.size;
      const now = this.clock();
      const expired: IndexEntry[] = [];
      const keep: IndexEntry[] = [];
      let bytes = this.index.liveBytes;
      for (const entry of this.index.byWriteOrder()) {
        if (isExpired(entry, now)) {
          expired.push(entry);
          bytes -= entry.frameBytes;
        } else keep.push(entry);
      }
      let evictUntil = 0;
      while (bytes > this.options.maxBytes && evictUntil < keep.length) bytes -= keep[evictUntil++]!.frameBytes;
      const evicted = keep.splice(0, evictUntil);
      if (expired.length + evicted.length > 0 || this.needsCompaction()) {
        await this.log.rewrite(frames(keep), options.signal);
        for (const entry of [...expired, ...evicted]) this.index.remove(entry);
        this.counts.compactions++;
      }
      this.counts.gcRuns++;
      this.counts.expired += expired.length;
      this.counts.evicted += evicted.length;
      return { expired: expired.length, evicted: evicted.length, fileBytesBefore, fileBytesAfter: this.log.size };
    });
  }

  /** Rewrites the log with only the live, unexpired entries. Atomic; the store stays usable meanwhile (writes wait). */
  async compact(options: { signal?: AbortSignal } = {}): Promise<void> {
    this.assertOpen();
    await this.log.exclusive(async () => {
      throwIfAborted(options.signal);
      const now = this.clock();
      const entries = [...this.index.byWriteOrder()];
      const expired = entries.filter((e) => isExpired(e, now));
      await this.log.rewrite(frames(entries.filter((e) => !isExpired(e, now))), options.signal);
      for (const entry of expired) this.index.remove(entry);
      this.counts.compactions++;
      this.counts.expired += expired.length;
    });
  }

  private needsCompaction(): boolean {
    const fileBytes = this.log.size;
    return fileBytes >= this.options.compactMinBytes && fileBytes - this.index.liveBytes > fileBytes * this.options.compactRatio;
  }

  private maybeCompact(): void {
    if (this.options.autoCompact && !this.maintenance && !this.closing && this.needsCompaction()) {
      this.runInBackground(() => this.compact({ signal: this.maintenanceAbort.signal }));
    }
  }

  private runInBackground(work: () => Promise<unknown>): void {
    if (this.maintenance || this.closing) return;
    this.maintenance = work()
      .catch((error: unknown) => {
        if (isCancellation(error)) return;
        this.lastBackgroundError = errorMessage(error);
        this.hooks.onBackgroundError?.(error);
      })
      .finally(() => (this.maintenance = undefined));
  }

  /** Current figures. */
  stats(): MemoryStats {
    return {
      entries: this.index.size,
      namespaces: this.index.namespaceSizes(),
      liveBytes: this.index.liveBytes,
      fileBytes: this.log.size,
      maxBytes: this.options.maxBytes,
      writes: this.log.counters.frames,
      commits: this.log.counters.commits,
      ...this.counts,
      recovery: this.recovery,
      lastBackgroundError: this.lastBackgroundError,
    };
  }

  /** True once {@link close} or {@link dispose} was called. */
  get isClosed(): boolean {
    return this.closing !== undefined;
  }

  private assertOpen(): void {
    if (this.closing) throw new BugIndicatingError(`The memory store in ${this.dir} is closed`);
  }

  /**
   * Stops the GC timer, cancels background maintenance, waits for writes already made, closes the
   * log and releases the lock. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.timer) clearInterval(this.timer);
      this.maintenanceAbort.abort();
      await this.maintenance;
      try {
        await this.log.close();
      } finally {
        await this.lock.release();
      }
    })();
    return this.closing;
  }

  /** Starts {@link close}; a failure goes where background failures go. */
  dispose(): void {
    this.close().catch((error: unknown) => {
      this.lastBackgroundError = errorMessage(error);
      this.hooks.onBackgroundError?.(error);
    });
  }
}

function toEntry(entry: IndexEntry): MemoryEntry {
  return {
    namespace: entry.namespace,
    key: entry.key,
    value: JSON.parse(entry.valueJson) as JsonValue,
    writtenAt: entry.writtenAt,
    expiresAt: entry.expiresAt,
  };
}

function* frames(entries: Iterable<IndexEntry>): Iterable<Buffer> {
  for (const e of entries) {
    yield encodeRecord({ op: 'put', namespace: e.namespace, key: e.key, seq: e.seq, writtenAt: e.writtenAt, expiresAt: e.expiresAt, valueJson: e.valueJson });
  }
}
