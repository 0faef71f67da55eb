/**
 * Turns a stream of chunks (bytes or text) into clean lines with bounded memory: UTF-8 decoded
 * across chunk boundaries, ANSI removed, `\r\n` and a leading BOM dropped, a line longer than the
 * limit cut (and the rest of it skipped without being held), lines of binary junk skipped. Every
 * line, kept or not, counts for numbering, so line numbers match the log.
 */
import { isAscii } from 'node:buffer';
import { stripAnsi } from './strip-ansi.js';

/** What the reader counted. */
export interface LineStats {
  bytes: number;
  lines: number;
  truncatedLines: number;
  binaryLines: number;
}

/**
 * Receives each kept line with its 1-based number; `mayHaveCr` when the line may still hold a
 * carriage return (a progress display redrawn in place), which a trailing one never is.
 */
export type LineSink = (text: string, lineNo: number, mayHaveCr: boolean) => void;

export class LineReader {
  readonly stats: LineStats = { bytes: 0, lines: 0, truncatedLines: 0, binaryLines: 0 };
  // ignoreBOM: the BOM is dropped here only at the very start, whichever path decoded it.
  private readonly decoder = new TextDecoder('utf-8', { ignoreBOM: true });
  /** The incomplete last line seen so far (at most `maxLine` characters). */
  private partial = '';
  /** The incomplete line was cut: skip what is left of it up to the next newline. */
  private skippingRest = false;
  private started = false;
  private decoderHolds = false;
  private asciiMisses = 0;

  /** `maxLine`: characters kept of one line (for ASCII logs, bytes). */
  constructor(
    private readonly maxLine: number,
    private readonly sink: LineSink,
  ) {}

  push(chunk: string | Uint8Array): void {
    let text: string;
    if (typeof chunk === 'string') {
      this.stats.bytes += Buffer.byteLength(chunk, 'utf8');
      text = this.decoderHolds ? this.flushDecoder() + chunk : chunk;
    } else {
      this.stats.bytes += chunk.byteLength;
      // Checked only while chunks keep being ASCII, and again every 32 chunks after one was not.
      const tryAscii = !this.decoderHolds && (this.asciiMisses === 0 || ++this.asciiMisses % 32 === 0);
      if (tryAscii && isAscii(chunk)) {
        this.asciiMisses = 0;
        // ASCII is its own Latin-1: decoding it that way skips UTF-8 validation (many logs are ASCII).
        text = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
      } else {
        if (tryAscii) this.asciiMisses = Math.max(1, this.asciiMisses);
        text = this.decoder.decode(chunk, { stream: true });
        // The decoder may hold the start of a character only if the chunk ended inside one.
        this.decoderHolds = chunk.byteLength > 0 && chunk[chunk.byteLength - 1]! >= 0x80;
      }
    }
    if (!this.started && text.length > 0) {
      this.started = true;
      if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
    }
    this.feed(text);
  }

  /** Emits the last line when the input did not end with a newline. */
  end(): void {
    if (this.decoderHolds) this.feed(this.flushDecoder());
    if (this.partial.length > 0 || this.skippingRest) this.emit(this.partial, this.skippingRest, true);
    this.partial = '';
    this.skippingRest = false;
  }

  private flushDecoder(): string {
    this.decoderHolds = false;
    return this.decoder.decode();
  }

  private feed(text: string): void {
    let start = 0;
    if (this.skippingRest) {
      const nl = text.indexOf('\n');
      if (nl === -1) return;
      this.emit(this.partial, true, true);
      this.partial = '';
      this.skippingRest = false;
      start = nl + 1;
    }
    const last = text.lastIndexOf('\n');
    if (last < start) {
      this.keepPartial(text, start);
      return;
    }
    const firstNl = text.indexOf('\n', start);
    if (this.partial.length > 0) {
      const head = text.slice(start, firstNl);
      const line = this.partial + head;
      this.partial = '';
      this.emit(line, false, true);
      start = firstNl + 1;
    }
    if (start <= last) {
      const raw = text.slice(start, last + 1);
      if (this.hasLongLine(raw)) {
        // Rare: a line over the limit is cut before its escapes are removed, as a line that arrives
        // in pieces is, so the result never depends on how the input was chunked.
        let pos = 0;
        while (pos < raw.length) {
          const nl = raw.indexOf('\n', pos);
          this.emit(raw.slice(pos, nl), false, true);
          pos = nl + 1;
        }
        this.keepPartial(text, last + 1);
        return;
      }
      // The complete lines of the chunk are cleaned in one pass each (ANSI) or checked once (binary
      // junk, carriage returns): much cheaper than per line.
      const region = stripAnsi(raw);
      const suspect = region.indexOf('\u0000') !== -1 || region.indexOf('\ufffd') !== -1;
      const cr = region.indexOf('\r') !== -1;
      let pos = 0;
      const end = region.length;
      while (pos < end) {
        const nl = region.indexOf('\n', pos);
        this.emit(region.slice(pos, nl), false, false, suspect, cr);
        pos = nl + 1;
      }
    }
    this.keepPartial(text, last + 1);
  }

  /** Whether some line of `region` (complete lines, each ended by a newline) is over the limit. */
  private hasLongLine(region: string): boolean {
    if (region.length <= this.maxLine) return false;
    let pos = 0;
    while (pos < region.length) {
      const nl = region.indexOf('\n', pos);
      if (nl - pos > this.maxLine) return true;
      pos = nl + 1;
    }
    return false;
  }

  private keepPartial(text: string, from: number): void {
    const room = this.maxLine - this.partial.length;
    if (text.length - from > room) {
      this.partial += text.slice(from, from + Math.max(0, room));
      this.skippingRest = true;
    } else if (from < text.length) {
      this.partial += from === 0 ? text : text.slice(from);
    }
  }

  private emit(raw: string, truncated: boolean, needsStrip: boolean, suspect = true, cr = true): void {
    const lineNo = ++this.stats.lines;
    let line = raw;
    if (line.length > this.maxLine) {
      line = line.slice(0, this.maxLine);
      truncated = true;
    }
    if (truncated) this.stats.truncatedLines++;
    if (needsStrip) line = stripAnsi(line);
    if (cr && line.length > 0 && line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    if (suspect && isBinary(line)) {
      this.stats.binaryLines++;
      return;
    }
    this.sink(line, lineNo, cr);
  }
}

/**
 * A line of binary junk rather than text: it holds a NUL, or undecodable bytes (U+FFFD after
 * decoding) make up a quarter of it.
 */
export function isBinary(line: string): boolean {
  if (line.indexOf('\u0000') !== -1) return true;
  let at = line.indexOf('\ufffd');
  if (at === -1) return false;
  let bad = 0;
  while (at !== -1) {
    bad++;
    at = line.indexOf('\ufffd', at + 1);
  }
  return bad >= 4 && bad * 4 >= line.length;
}
