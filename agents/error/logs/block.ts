/**
 * The contract between the extractor and the parsers of multi-line errors. A block starts at a line
 * the extractor recognised (a jest `●`, a `Traceback`, an `Error:` header …), is fed the following
 * lines one at a time, and says for each whether it belongs to it. When a line does not, the block
 * is finished and the line is read afresh, so a block never swallows the start of something else.
 */
import type { ErrorDraft } from './error-draft.js';

/** One clean log line: ANSI and the GitHub Actions timestamp removed. */
export interface Line {
  /** The text; `indent` leading spaces or tabs. */
  text: string;
  indent: number;
  lineNo: number;
  /** The log's timestamp of the line (the GitHub Actions prefix), when it had one. */
  timestamp: string | undefined;
  /** The GitHub Actions step the line is in. */
  step: string | undefined;
}

/** The line belongs to the block; more may follow. */
export const CONTINUE = 0;
/** The line belongs to the block, which ends with it. */
export const END_AFTER = 1;
/** The line is not part of the block, which ends before it; the line is read afresh. */
export const END_BEFORE = 2;
export type Feed = typeof CONTINUE | typeof END_AFTER | typeof END_BEFORE;

/** Publishes a finished error. */
export type Emit = (draft: ErrorDraft) => void;

/** Tells whether a line would start something of its own (an error, a section, a test file). */
export type Probe = (line: Line) => boolean;

export interface Block {
  feed(line: Line): Feed;
  /** The block ended (a foreign line, the end of the input): publish what it read. */
  finish(emit: Emit): void;
}

/** Number of leading spaces and tabs. */
export function indentOf(text: string): number {
  let i = 0;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c !== 32 && c !== 9) return i;
    i++;
  }
}

/** True for an empty or whitespace-only line. */
export function isBlank(line: Line): boolean {
  return line.indent === line.text.length;
}

/** The line being read; its timestamp is cut from the raw line only when an error asks for it. */
export class CurrentLine implements Line {
  text = '';
  indent = 0;
  lineNo = 0;
  step: string | undefined;
  private raw = '';
  private prefix = 0;

  set(raw: string, prefix: number, text: string, lineNo: number, step: string | undefined): void {
    this.raw = raw;
    this.prefix = prefix;
    this.text = text;
    this.indent = indentOf(text);
    this.lineNo = lineNo;
    this.step = step;
  }

  get timestamp(): string | undefined {
    if (this.prefix === 0) return undefined;
    return this.raw.slice(0, this.raw.charCodeAt(this.prefix - 1) === 32 ? this.prefix - 1 : this.prefix);
  }
}
