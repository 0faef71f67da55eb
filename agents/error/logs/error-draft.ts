/**
 * An error being read: the parsers fill it line by line, within bounds, and turn it into a
 * `LogError` when its block ends. Besides the public fields it carries what its fingerprint is made
 * of (`keyFile`, `detail`), which the `LogError` does not show.
 */
import type { LogError, LogFormat, SourceLocation } from '../types.js';

/** Bounds of what one error keeps. */
export const LIMITS = {
  messageChars: 2000,
  stackLines: 200,
  stackChars: 32 * 1024,
  contextLines: 40,
  contextChars: 4096,
} as const;

/** Where a line stands in the log. */
export interface LinePosition {
  lineNo: number;
  timestamp: string | undefined;
  step: string | undefined;
}

export class ErrorDraft {
  message = '';
  test: string | undefined;
  location: SourceLocation | undefined;
  /** A file that is part of the identity (a compiler's or linter's finding is per file). */
  keyFile: string | undefined;
  /** The exception a log line carried (its header), part of the identity of `log-error`s. */
  detail: string | undefined;
  /**
   * Identifies a test failure within its run, for runners that print failures twice (jest's and
   * node:test's closing summaries, pytest's short summary): the repeat is recognised and not counted.
   */
  dedupeKey: string | undefined;
  /** Read from such a closing summary: publish only if the run's own report had not shown it. */
  repeated = false;
  readonly logLine: number;
  readonly timestamp: string | undefined;
  readonly step: string | undefined;
  private readonly stack: string[] = [];
  private stackChars = 0;
  private readonly context: string[] = [];
  private contextChars = 0;

  constructor(
    public format: LogFormat,
    public kind: string,
    at: LinePosition,
  ) {
    this.logLine = at.lineNo;
    this.timestamp = at.timestamp;
    this.step = at.step;
  }

  get stackLineCount(): number {
    return this.stack.length;
  }

  addStack(line: string): void {
    if (this.stack.length >= LIMITS.stackLines || this.stackChars >= LIMITS.stackChars) return;
    const kept = line.length > 1000 ? line.slice(0, 1000) : line;
    this.stack.push(kept);
    this.stackChars += kept.length + 1;
  }

  /** Drops the stack read so far (a header that no frame followed is not a stack trace). */
  clearStack(): void {
    this.stack.length = 0;
    this.stackChars = 0;
  }

  addContext(line: string): void {
    if (this.context.length >= LIMITS.contextLines || this.contextChars >= LIMITS.contextChars) return;
    const kept = line.length > 500 ? line.slice(0, 500) : line;
    this.context.push(kept);
    this.contextChars += kept.length + 1;
  }

  /** The error as published; blank lines at either end of the stack and context are dropped. */
  toLogError(): LogError {
    const error: LogError = {
      format: this.format,
      kind: this.kind,
      message: clip(this.message.trim(), LIMITS.messageChars) || '(no message)',
      logLine: this.logLine,
    };
    const stack = trimBlank(this.stack);
    if (stack.length > 0) error.stack = stack.join('\n');
    if (this.location) error.location = this.location;
    if (this.test) error.test = this.test;
    if (this.step) error.step = this.step;
    if (this.timestamp) error.timestamp = this.timestamp;
    const context = trimBlank(this.context);
    if (context.length > 0) error.context = context.join('\n');
    return error;
  }
}

/** The text an error's fingerprint is made of: its message and what else identifies the bug. */
export function groupKey(draft: ErrorDraft): string {
  let key = draft.message;
  if (draft.test) key += `\n@test ${draft.test}`;
  if (draft.keyFile) key += `\n@file ${draft.keyFile}`;
  if (draft.detail) key += `\n@detail ${draft.detail}`;
  return key;
}

function trimBlank(lines: string[]): string[] {
  let from = 0;
  let to = lines.length;
  while (from < to && lines[from]!.trim() === '') from++;
  while (to > from && lines[to - 1]!.trim() === '') to--;
  return from === 0 && to === lines.length ? lines : lines.slice(from, to);
}

/** Cuts `text` to `max` characters, marking the cut. */
export function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** The error kind implied by an error's first line, or `fallback`. */
export function kindOf(message: string, fallback: string): string {
  const m = /^(?:Uncaught )?(?:[\w$]+\.)*([A-Z]\w*?)(?:\s?\[[^\]]*\])?:/.exec(message);
  const type = m?.[1];
  if (type === 'AssertionError' || type === 'AssertError' || /^(?:expect\(|assert )/.test(message)) return 'assertion';
  if (type === 'TypeError') return 'type-error';
  if (type === 'ReferenceError') return 'reference-error';
  if (type === 'SyntaxError') return 'syntax-error';
  return fallback;
}
