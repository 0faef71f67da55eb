/**
 * The audit trail: an append-only JSON-lines file of hash-chained {@link AuditEntry} records, plus a
 * head file (audit-head.ts) so truncation shows.
 *
 * Writing: `record()` redacts (governance/redact.ts), validates and chains the entry at once (so
 * entries are ordered as `record()` was called), then queues it. One writer drains the queue: every
 * entry waiting at that moment goes out in a single append ("group commit"), then the head is
 * replaced, then those `record()` promises resolve.
 *
 * fsync policy (`durability`):
 * - `'fsync'` (default): after each append the log is `fdatasync`ed, and the new head is fsynced
 *   before its rename. When `record()` resolves the entry survives a crash or power loss; a crash
 *   mid-append leaves at most a torn last line and a head that lags by at most one batch, which
 *   {@link AuditTrail.open} repairs and {@link verifyAuditLog} tolerates (a lagging head is not tampering).
 * - `'none'`: no fsync (tests, benchmarks). The OS flushes later; a power loss may lose the newest
 *   entries and leave a head that points past the end, which verification then reports as truncation.
 *
 * One process writes a given log at a time (there is no cross-process lock). A write failure stops
 * the trail: every later `record()` rejects with that failure, and reopening repairs the tail.
 */
import { mkdir, open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { BugIndicatingError, InvalidInputError, errorMessage } from '../errors/errors.js';
import { redact, redactString } from '../governance/redact.js';
import { AUDIT_FORMAT_VERSION, GENESIS_HASH, auditEntrySchema, auditInputSchema, hashAuditEntry, sealAuditEntry } from './audit-entry.js';
import type { AuditEntry, AuditInput, AuditRecorder } from './audit-entry.js';
import { auditHeadPath, readAuditHead, writeAuditHead } from './audit-head.js';
import type { AuditHead } from './audit-head.js';
import { canonicalJson } from './canonical-json.js';
import { readLinesBackward } from './read-lines-backward.js';

/** Options for {@link AuditTrail.open}. */
export interface AuditTrailOptions {
  /** `'fsync'` (default) or `'none'`: see the module comment. */
  durability?: 'fsync' | 'none';
  /** Clock for entry timestamps (ms since epoch). Default `Date.now`. */
  now?: () => number;
  /**
   * What to do with a torn last line (a crash during an append): `true` (default) cuts it off and
   * records an `audit.torn_tail_repaired` entry saying how many bytes went; `false` refuses to open.
   * A torn line was never acknowledged (its `record()` had not resolved), so cutting it loses nothing.
   */
  repairTornTail?: boolean;
}

interface Pending {
  entry: AuditEntry;
  line: string;
  resolve(entry: AuditEntry): void;
  reject(error: unknown): void;
}

/** An open, append-only, hash-chained audit log. */
export class AuditTrail implements AuditRecorder {
  private queue: Pending[] = [];
  private writing: Promise<void> | undefined;
  private failure: unknown;
  private closed = false;

  private constructor(
    /** Path of the JSON-lines log. */
    readonly path: string,
    private readonly handle: FileHandle,
    private seq: number,
    private lastHash: string,
    private readonly durable: boolean,
    private readonly now: () => number,
  ) {}

  /** Path of the head file next to the log. */
  get headPath(): string {
    return auditHeadPath(this.path);
  }

  /** Seq of the newest recorded entry (0 for an empty log). Includes entries still being written. */
  get lastSeq(): number {
    return this.seq;
  }

  /**
   * Opens (creating if needed, with its folder) the log at `path` and continues its chain. Reads
   * only the head file and the log's last line, so opening a large log is cheap; it does not verify
   * the whole chain (use {@link verifyAuditLog}). Throws {@link InvalidInputError} when the log's
   * end does not match its head (entries cut off, head removed or edited): the message says how to
   * recover (verify, then move the log aside to start a new one).
   */
  static async open(path: string, options: AuditTrailOptions = {}): Promise<AuditTrail> {
    await mkdir(dirname(path), { recursive: true });
    const headPath = auditHeadPath(path);
    const head = await readAuditHead(headPath);
    const handle = await open(path, 'a+');
    try {
      const { size } = await handle.stat();
      const tail = await inspectTail(handle, size, path, head);
      const { torn, last } = tail;
      checkHead(path, head, tail);
      if (torn && options.repairTornTail === false) {
        throw new InvalidInputError(
          `Audit log ${path} ends with a torn line (${torn.bytes} bytes at offset ${torn.offset}, a crash mid-append): open it with repairTornTail to cut it off`,
          { file: path },
        );
      }
      if (torn) await handle.truncate(torn.offset);
      const durable = options.durability !== 'none';
      const seq = last?.seq ?? 0;
      const lastHash = last?.hash ?? GENESIS_HASH;
      // A new log gets a genesis head at once, so a crash before the first head write still looks like a lagging head.
      if (head?.seq !== seq || head.hash !== lastHash) await writeAuditHead(headPath, { seq, hash: lastHash }, durable);
      const trail = new AuditTrail(path, handle, seq, lastHash, durable, options.now ?? Date.now);
      if (torn) {
        await trail.record({
          agentId: 'audit',
          action: 'audit.torn_tail_repaired',
          level: 'read_only',
          status: 'ok',
          input: { droppedBytes: torn.bytes, offset: torn.offset },
        });
      }
      return trail;
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /**
   * Records one entry: `input`, `output`, `error`, `user` and approval texts are redacted first.
   * Resolves with the stored entry once it is written (and fsynced, with `durability: 'fsync'`).
   * Rejects with {@link InvalidInputError} for a malformed entry (nothing is written), and with the
   * I/O error if the log cannot be written.
   */
  record(input: AuditInput): Promise<AuditEntry> {
    if (this.closed) return Promise.reject(new BugIndicatingError(`record() on closed audit trail ${this.path}`));
    if (this.failure !== undefined) return Promise.reject(this.failure);
    let sealed: { entry: AuditEntry; line: string };
    try {
      sealed = this.build(input);
    } catch (error) {
      return Promise.reject(error);
    }
    const { entry } = sealed;
    const line = `${sealed.line}\n`;
    return new Promise<AuditEntry>((resolve, reject) => {
      this.queue.push({ entry, line, resolve, reject });
      this.kick();
    });
  }

  /** Resolves when every entry recorded so far is written. */
  async flush(): Promise<void> {
    while (this.writing) await this.writing;
  }

  /** Writes what is queued, then closes the file. Later `record()` calls reject. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.flush();
    await this.handle.close();
  }

  private build(input: AuditInput): { entry: AuditEntry; line: string } {
    const parsed = auditInputSchema.safeParse(input);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(entry)'}: ${i.message}`);
      throw new InvalidInputError(`Invalid audit entry: ${issues.join('; ')}`, { key: parsed.error.issues[0]?.path.join('.') });
    }
    const data = parsed.data;
    const body: Omit<AuditEntry, 'hash'> = {
      v: AUDIT_FORMAT_VERSION,
      seq: this.seq + 1,
      ts: new Date(this.now()).toISOString(),
      agentId: data.agentId,
      action: data.action,
      user: data.user === undefined ? null : redactString(data.user),
      level: data.level,
      status: data.status,
      durationMs: data.durationMs ?? 0,
      input: redact(data.input),
      output: redact(data.output),
      error: describeError(data.error),
      ...(data.decision !== undefined && { decision: data.decision }),
      ...(data.approval !== undefined && {
        approval: {
          requestId: data.approval.requestId,
          by: data.approval.by === undefined ? null : redactString(data.approval.by),
          reason: data.approval.reason === undefined ? null : redactString(data.approval.reason),
        },
      }),
      ...(data.traceId !== undefined && { traceId: data.traceId }),
      prev: this.lastHash,
    };
    const sealed = sealAuditEntry(body);
    this.seq = sealed.entry.seq;
    this.lastHash = sealed.entry.hash;
    return sealed;
  }

  private kick(): void {
    if (this.writing) return;
    this.writing = this.drain().finally(() => {
      this.writing = undefined;
      if (this.queue.length > 0 && this.failure === undefined) this.kick();
    });
  }

  /** Writes batches until the queue is empty. Never rejects: failures reject the entries' promises. */
  private async drain(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0);
      try {
        const data = Buffer.from(batch.map((p) => p.line).join(''), 'utf8');
        let written = 0;
        while (written < data.length) written += (await this.handle.write(data, written, data.length - written)).bytesWritten;
        if (this.durable) await this.handle.datasync();
        const newest = batch[batch.length - 1]!.entry;
        await writeAuditHead(this.headPath, { seq: newest.seq, hash: newest.hash }, this.durable);
      } catch (error) {
        this.failure = error;
        for (const pending of [...batch, ...this.queue.splice(0)]) pending.reject(error);
        return;
      }
      for (const pending of batch) pending.resolve(pending.entry);
    }
  }
}

/** An error as one redacted line of text (null for none). */
function describeError(error: unknown): string | null {
  if (error === undefined || error === null) return null;
  if (typeof error === 'string' || error instanceof Error) return redactString(errorMessage(error));
  return canonicalJson(redact(error));
}

/** Most entries a head may lag behind the log (one group-commit batch after a crash). */
const MAX_HEAD_LAG = 100_000;

interface Tail {
  /** An unterminated last line (a torn append). */
  torn?: { offset: number; bytes: number };
  /** The newest complete entry. */
  last?: AuditEntry;
  /** The newest entry whose seq is at most the head's (the one the head should name). */
  atHead?: AuditEntry;
  /** The oldest entry read. */
  oldest?: AuditEntry;
}

/** Reads the log backwards from its end to the entry the head names, checking the chain on the way. */
async function inspectTail(handle: FileHandle, size: number, path: string, head: AuditHead | undefined): Promise<Tail> {
  const tail: Tail = {};
  let read = 0;
  for await (const line of readLinesBackward(handle, size)) {
    if (!line.terminated) {
      tail.torn = { offset: line.offset, bytes: line.bytes.length };
      continue;
    }
    const entry = parseEntryLine(line.bytes.toString('utf8'), path);
    const newer = tail.oldest;
    if (newer && (newer.seq !== entry.seq + 1 || newer.prev !== entry.hash)) throw damaged(path, `entries ${entry.seq} and ${newer.seq} do not chain`);
    tail.last ??= entry;
    tail.oldest = entry;
    if (!head || entry.seq <= head.seq) {
      if (head) tail.atHead = entry;
      break;
    }
    if (++read > MAX_HEAD_LAG) break;
  }
  return tail;
}

function parseEntryLine(text: string, path: string): AuditEntry {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  const parsed = auditEntrySchema.safeParse(json);
  if (!parsed.success || hashAuditEntry(parsed.data) !== parsed.data.hash) throw damaged(path, 'an entry near the end is damaged or was edited');
  return parsed.data;
}

const RECOVER = 'run verifyAuditLog on it, then move the log and its .head file aside to start a new log';

function damaged(path: string, why: string): InvalidInputError {
  return new InvalidInputError(`Audit log ${path} cannot be continued: ${why}. To recover, ${RECOVER}`, { file: path });
}

/**
 * The head must name the newest entry, or an older one when a crash hit between an append and the
 * head write (the head lags; entries after it chain to it).
 */
function checkHead(path: string, head: AuditHead | undefined, tail: Tail): void {
  const { last, atHead, oldest } = tail;
  if (!last) {
    if (head && head.seq > 0) throw damaged(path, `it is empty but its head says it had ${head.seq} entries (truncated)`);
    return;
  }
  if (!head) throw damaged(path, 'it has entries but its head file is missing (removed?)');
  if (head.seq > last.seq) throw damaged(path, `it ends at seq ${last.seq} but its head says seq ${head.seq} (entries were cut off)`);
  if (atHead) {
    if (atHead.seq === head.seq && atHead.hash === head.hash) return;
    throw damaged(path, `its head names seq ${head.seq} with a hash that entry ${atHead.seq} does not have (head and log disagree)`);
  }
  // Every entry read is newer than the head: fine only for a genesis head and a chain from seq 1.
  if (head.seq === 0 && head.hash === GENESIS_HASH && oldest?.seq === 1 && oldest.prev === GENESIS_HASH) return;
  throw damaged(path, `its head (seq ${head.seq}) is far behind the log (seq ${last.seq})`);
}
