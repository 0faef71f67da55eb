/**
 * Reads a log file front to back, frame by frame, in bounded chunks, and stops at the first frame that
 * is torn (runs past the end of the file) or corrupt (bad checksum, absurd length, undecodable payload).
 * Everything before that point is intact; what follows is for the caller to quarantine and truncate.
 */
import type { FileHandle } from 'node:fs/promises';
import { throwIfAborted } from '../errors/errors.js';
import { FRAME_HEADER_BYTES, decodeRecord, frameChecksum, type LogRecord } from './log-record.js';

/** Bytes read per chunk while scanning. */
const CHUNK_BYTES = 1 << 20;

/** Where and why a scan stopped early. */
export interface ScanProblem {
  /** File offset of the first byte that is not part of an intact frame. */
  offset: number;
  reason: string;
}

/** Result of {@link scanLog}. */
export interface ScanResult {
  /** Offset just past the last intact frame. */
  end: number;
  /** Set when bytes after `end` exist but do not form an intact frame. */
  problem?: ScanProblem;
}

/**
 * Scans frames of `file` from `start` to `size`, calling `onRecord` for each intact one in order.
 * Frames longer than `maxFrameBytes` count as corrupt (a damaged length field would otherwise make the
 * scan allocate gigabytes). Checks `signal` between chunks.
 */
export async function scanLog(
  file: FileHandle,
  start: number,
  size: number,
  maxFrameBytes: number,
  onRecord: (record: LogRecord, offset: number, frameBytes: number) => void,
  signal?: AbortSignal,
): Promise<ScanResult> {
  let buf = Buffer.alloc(0);
  let bufStart = start;
  let pos = start;

  /** Makes bytes [pos, pos + n) available in `buf`; false if the file ends first. */
  const ensure = async (n: number): Promise<boolean> => {
    if (pos + n > size) return false;
    if (bufStart + buf.length >= pos + n) return true;
    throwIfAborted(signal);
    const kept = buf.subarray(pos - bufStart);
    const next = Buffer.allocUnsafe(Math.min(Math.max(n, CHUNK_BYTES), size - pos));
    kept.copy(next, 0);
    let filled = kept.length;
    while (filled < next.length) {
      const { bytesRead } = await file.read(next, filled, next.length - filled, pos + filled);
      if (bytesRead === 0) break;
      filled += bytesRead;
    }
    buf = next.subarray(0, filled);
    bufStart = pos;
    return filled >= n;
  };

  while (pos < size) {
    if (!(await ensure(FRAME_HEADER_BYTES))) {
      return { end: pos, problem: { offset: pos, reason: `torn frame header (${size - pos} bytes at end of file)` } };
    }
    const at = pos - bufStart;
    const length = buf.readUInt32LE(at);
    const stored = buf.readUInt32LE(at + 4);
    if (length === 0 || length > maxFrameBytes) {
      return { end: pos, problem: { offset: pos, reason: `frame length ${length} is outside 1..${maxFrameBytes}` } };
    }
    const frameBytes = FRAME_HEADER_BYTES + length;
    if (!(await ensure(frameBytes))) {
      return { end: pos, problem: { offset: pos, reason: `torn frame: ${frameBytes} bytes expected, ${size - pos} left in file` } };
    }
    const frame = buf.subarray(pos - bufStart, pos - bufStart + frameBytes);
    if (frameChecksum(frame, length) !== stored) {
      return { end: pos, problem: { offset: pos, reason: 'checksum mismatch' } };
    }
    const record = decodeRecord(frame.subarray(FRAME_HEADER_BYTES));
    if (!record) return { end: pos, problem: { offset: pos, reason: 'checksum matches but the payload is not a record' } };
    onRecord(record, pos, frameBytes);
    pos += frameBytes;
  }
  return { end: pos };
}
