/**
 * Reads a file's lines from the end, a chunk at a time, so viewers and `AuditTrail.open` look at the
 * newest entries without reading a large log whole.
 */
import type { FileHandle } from 'node:fs/promises';

/** One line read backwards: its bytes (without `\n`), its byte offset, and whether a `\n` ended it. */
export interface BackwardLine {
  readonly bytes: Buffer;
  readonly offset: number;
  /** False only for a last line with no trailing newline (a torn append). */
  readonly terminated: boolean;
}

const NEWLINE = 0x0a;

/**
 * Yields the lines of the first `size` bytes of a file, last line first. A file ending in `\n` has
 * no unterminated tail; otherwise the tail comes first with `terminated: false`.
 */
export async function* readLinesBackward(handle: FileHandle, size: number, chunkSize = 64 * 1024): AsyncGenerator<BackwardLine> {
  let pos = size;
  let carry = Buffer.alloc(0);
  let tailPending = true;
  while (pos > 0) {
    const length = Math.min(chunkSize, pos);
    pos -= length;
    const chunk = Buffer.alloc(length);
    let read = 0;
    while (read < length) {
      const { bytesRead } = await handle.read(chunk, read, length - read, pos + read);
      if (bytesRead === 0) break;
      read += bytesRead;
    }
    const buf = carry.length > 0 ? Buffer.concat([chunk.subarray(0, read), carry]) : chunk.subarray(0, read);
    let segmentEnd = buf.length;
    let nl = segmentEnd > 0 ? buf.lastIndexOf(NEWLINE, segmentEnd - 1) : -1;
    while (nl !== -1) {
      const bytes = buf.subarray(nl + 1, segmentEnd);
      if (tailPending) {
        tailPending = false;
        if (bytes.length > 0) yield { bytes, offset: pos + nl + 1, terminated: false };
      } else {
        yield { bytes, offset: pos + nl + 1, terminated: true };
      }
      segmentEnd = nl;
      nl = segmentEnd > 0 ? buf.lastIndexOf(NEWLINE, segmentEnd - 1) : -1;
    }
    carry = Buffer.from(buf.subarray(0, segmentEnd));
  }
  if (size === 0) return;
  if (tailPending) {
    if (carry.length > 0) yield { bytes: carry, offset: 0, terminated: false };
  } else {
    yield { bytes: carry, offset: 0, terminated: true };
  }
}
