/**
 * Verifies an audit log end to end: every line canonical JSON of a valid entry, every hash right,
 * seqs 1, 2, 3, … with no gap, each entry chained to the one before, and the head file matching.
 * Reports the FIRST problem with its line number, seq and why. Streams the file (constant memory).
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { InvalidInputError, throwIfAborted } from '../errors/errors.js';
import { GENESIS_HASH, auditEntrySchema, hashAuditEntry } from './audit-entry.js';
import type { AuditEntry } from './audit-entry.js';
import { auditHeadPath, readAuditHead } from './audit-head.js';
import type { AuditHead } from './audit-head.js';
import { canonicalJson } from './canonical-json.js';

/**
 * What went wrong:
 * - `malformed`: a line is not JSON or not an audit entry (edited or garbage inserted);
 * - `edited`: a line's content does not match its hash, or it is not in canonical form;
 * - `sequence`: seq jumps (entries deleted or moved) or goes back (moved or duplicated);
 * - `broken-chain`: right seq, but `prev` is not the previous entry's hash (an entry replaced or inserted);
 * - `truncated`: the head says entries exist past the end of the log (entries cut off);
 * - `head-missing` / `head-invalid`: the head file was removed / damaged;
 * - `head-mismatch`: the entry the head names has another hash (the log was rewritten);
 * - `torn-tail`: the last line has no newline: a crash during an append (AuditTrail.open repairs it).
 */
export type VerifyProblemKind =
  | 'malformed'
  | 'edited'
  | 'sequence'
  | 'broken-chain'
  | 'truncated'
  | 'head-missing'
  | 'head-invalid'
  | 'head-mismatch'
  | 'torn-tail';

/** The first problem found. */
export interface VerifyProblem {
  kind: VerifyProblemKind;
  /** 1-based line number of the first bad line (for `truncated`/`head-missing`: the line after the last). */
  line: number;
  /** Seq of the bad entry: the one read if readable, else the one expected at that line. */
  seq: number;
  /** Why, in a sentence. */
  message: string;
}

/** Result of {@link verifyAuditLog}. */
export interface VerifyResult {
  ok: boolean;
  /** Entries verified good before the first problem (all of them when `ok`). */
  entries: number;
  lastSeq: number;
  lastHash: string;
  /** The head file, when present and readable. */
  head?: { seq: number; hash: string };
  problem?: VerifyProblem;
}

/**
 * Verifies the log at `path` (and its `.head` file). Resolves with `ok: false` and the first problem
 * for any tampering or damage; rejects with {@link InvalidInputError} only when neither the log nor
 * its head exists (a wrong path), and with CancelledError when `signal` fires.
 */
export async function verifyAuditLog(path: string, options: { signal?: AbortSignal } = {}): Promise<VerifyResult> {
  const headPath = auditHeadPath(path);
  let head: AuditHead | undefined;
  let headProblem: string | undefined;
  try {
    head = await readAuditHead(headPath);
  } catch (error) {
    if (!(error instanceof InvalidInputError)) throw error;
    headProblem = error.message;
  }
  const exists = await stat(path).then(
    () => true,
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return false;
      throw error;
    },
  );
  if (!exists && !head && !headProblem) throw new InvalidInputError(`No audit log at ${path} (and no ${headPath})`, { file: path });

  const state = { entries: 0, lastSeq: 0, lastHash: GENESIS_HASH, hashAtHead: undefined as string | undefined };
  const result = (problem?: VerifyProblem): VerifyResult => ({
    ok: problem === undefined,
    entries: state.entries,
    lastSeq: state.lastSeq,
    lastHash: state.lastHash,
    ...(head && { head: { seq: head.seq, hash: head.hash } }),
    ...(problem && { problem }),
  });
  if (headProblem) return result({ kind: 'head-invalid', line: 1, seq: 1, message: headProblem });

  let lineNo = 0;
  let torn = '';
  if (exists) {
    let carry = '';
    const stream = createReadStream(path, { encoding: 'utf8', highWaterMark: 1 << 20 });
    try {
      for await (const chunk of stream as AsyncIterable<string>) {
        throwIfAborted(options.signal);
        const text = carry + chunk;
        let start = 0;
        for (let nl = text.indexOf('\n'); nl !== -1; nl = text.indexOf('\n', start)) {
          lineNo++;
          const problem = checkLine(text.slice(start, nl), lineNo, state, head);
          if (problem) return result(problem);
          start = nl + 1;
        }
        carry = text.slice(start);
      }
    } finally {
      stream.destroy();
    }
    torn = carry;
  }

  const next = { line: lineNo + 1, seq: state.lastSeq + 1 };
  if (!head) {
    if (state.entries === 0 && torn === '') return result();
    return result({ kind: 'head-missing', ...next, message: `The head file ${headPath} is missing but the log has entries: it was removed` });
  }
  if (head.seq > state.lastSeq) {
    return result({
      kind: 'truncated',
      ...next,
      message: `The head says the log ends at seq ${head.seq}, but it ends at seq ${state.lastSeq}: entries ${state.lastSeq + 1}..${head.seq} were cut off`,
    });
  }
  const expectedAtHead = head.seq === 0 ? GENESIS_HASH : state.hashAtHead;
  if (expectedAtHead !== head.hash) {
    return result({
      kind: 'head-mismatch',
      line: head.seq === 0 ? 1 : head.seq,
      seq: head.seq,
      message: `The head names seq ${head.seq} with hash ${head.hash.slice(0, 12)}…, but that entry's hash is ${(expectedAtHead ?? '?').slice(0, 12)}…: the log was rewritten`,
    });
  }
  if (torn !== '') {
    return result({
      kind: 'torn-tail',
      ...next,
      message: `The last line (${Buffer.byteLength(torn)} bytes) has no newline: an append was cut short by a crash; AuditTrail.open cuts it off`,
    });
  }
  return result();
}

/** Checks one complete line against the running state; updates the state when good. */
function checkLine(
  text: string,
  line: number,
  state: { entries: number; lastSeq: number; lastHash: string; hashAtHead: string | undefined },
  head: AuditHead | undefined,
): VerifyProblem | undefined {
  const expectedSeq = state.lastSeq + 1;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'malformed', line, seq: expectedSeq, message: 'The line is not JSON (edited, or garbage inserted)' };
  }
  const parsed = auditEntrySchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const seq = typeof (json as { seq?: unknown } | null)?.seq === 'number' ? (json as { seq: number }).seq : expectedSeq;
    return { kind: 'malformed', line, seq, message: `The line is not an audit entry: ${issue?.path.join('.') || '(entry)'}: ${issue?.message}` };
  }
  const entry: AuditEntry = parsed.data;
  if (hashAuditEntry(entry) !== entry.hash) {
    return { kind: 'edited', line, seq: entry.seq, message: `Entry seq ${entry.seq} does not match its hash: its content was edited` };
  }
  if (canonicalJson(entry) !== text) {
    return { kind: 'edited', line, seq: entry.seq, message: `Entry seq ${entry.seq} is not in canonical form: the line was edited` };
  }
  if (entry.seq !== expectedSeq) {
    const why =
      entry.seq > expectedSeq
        ? `expected seq ${expectedSeq}, found ${entry.seq}: entries before it were deleted or moved`
        : `seq ${entry.seq} comes after seq ${state.lastSeq}: entries were reordered or duplicated`;
    return { kind: 'sequence', line, seq: entry.seq, message: why };
  }
  if (entry.prev !== state.lastHash) {
    return {
      kind: 'broken-chain',
      line,
      seq: entry.seq,
      message: `Entry seq ${entry.seq} does not chain to the entry before it: an entry was replaced or inserted`,
    };
  }
  state.entries++;
  state.lastSeq = entry.seq;
  state.lastHash = entry.hash;
  if (head && entry.seq === head.seq) state.hashAtHead = entry.hash;
  return undefined;
}
