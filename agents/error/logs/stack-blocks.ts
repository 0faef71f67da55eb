/**
 * Stack traces as runtimes print them: V8 (`    at f (file:1:2)`, `[cause]:`, inspected properties
 * in braces), Java (`\tat a.b.C.m(C.java:10)`, `Caused by:`, `... 5 more`), .NET
 * (`   at A.B() in /p/f.cs:line 42`, ` ---> `), Python (`Traceback (most recent call last):` and
 * chained tracebacks) and Go (`panic:` then `goroutine 1 [running]:`). The lines are kept as they
 * appeared, so the stack tracer reads them in their own format.
 */
import { CONTINUE, END_AFTER, END_BEFORE, isBlank, type Block, type Emit, type Feed, type Line, type Probe } from './block.js';
import type { ErrorDraft } from './error-draft.js';

/**
 * An error's first line: `TypeError: msg`, `AssertionError [ERR_ASSERTION]: msg`,
 * `java.lang.IllegalStateException: msg`, `System.InvalidOperationException: msg`, `KeyError: 'x'`,
 * or a bare type (`java.lang.NullPointerException`). Applied to the text after its indentation.
 */
const HEADER = /^(?:Uncaught\s+)?((?:[A-Za-z_$][\w$]*\.)*[\w$]*?(?:Error|Exception|Exit|Interrupt|Throwable|Rejection)(?:Group)?)(\s?\[[^\]]{1,80}\])?(?::(?:\s(.*))?)?$/;

/** `[cause]:`, `Caused by:` and other lines that chain one error's stack to the next. */
const CHAIN = /^\s*(?:Caused by:|\[cause\]:|\[errors\]:|Suppressed:|Cause:$|\.\.\. \d+ (?:more|common frames omitted|lines matching)|---> |--- End of )/;

const PYTHON_CHAIN = /^(?:During handling of the above exception, another exception occurred:|The above exception was the direct cause of the following exception:)$/;

/** A parsed error header: `message` is the line from the type on; `bare` when it has no message. */
export interface Header {
  message: string;
  type: string;
  bare: boolean;
}

/** Parses an error header line (see {@link HEADER}). */
export function parseHeader(text: string, indent: number): Header | undefined {
  const body = indent > 0 ? text.slice(indent) : text;
  const c = body.charCodeAt(0);
  // Headers start with a letter, `_` or `$`: a cheap test before the expression.
  if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 36)) return undefined;
  const m = HEADER.exec(body);
  if (!m) return undefined;
  const message = body.startsWith('Uncaught') ? body.replace(/^Uncaught\s+/, '') : body;
  return { message: message.trimEnd(), type: m[1]!, bare: m[3] === undefined && !body.includes(':') };
}

/** A V8 / Java / .NET frame (`at …` indented) or a vitest frame (`❯ …`). */
export function isFrame(line: Line): boolean {
  const i = line.indent;
  if (i === 0) return false;
  const t = line.text;
  const c = t.charCodeAt(i);
  if (c === 97 && t.charCodeAt(i + 1) === 116 && t.charCodeAt(i + 2) === 32) return true;
  return c === 0x276f && t.charCodeAt(i + 1) === 32;
}

/** A line that links a stack to a cause, or stands for omitted frames. */
export function isChainMarker(line: Line): boolean {
  return CHAIN.test(line.text);
}

const NONE = 0;
const IN_TRACEBACK = 1;
const AFTER_EXCEPTION = 2;

/** How a {@link StackBlock} started. */
export type StackOrigin = 'header' | 'log' | 'traceback';

/**
 * The stack that follows an error header, a log line at error level (optional there: a logged error
 * may or may not carry one) or a Python `Traceback` line.
 */
export class StackBlock implements Block {
  private sawFrame = false;
  private before = 0;
  private braces = 0;
  private python = NONE;
  private blanks = 0;
  private afterChainSentence = false;

  /**
   * `requireFrames`: the header was a bare type name, which counts as an error only if frames follow.
   * `probe` tells lines that start something else, which end the block before any frame.
   */
  constructor(
    private readonly draft: ErrorDraft,
    private readonly origin: StackOrigin,
    private readonly probe: Probe,
    private readonly requireFrames = false,
  ) {
    if (origin === 'traceback') this.python = IN_TRACEBACK;
  }

  /** Starts with braces open (`[UnhandledPromiseRejection: …] {`). */
  openBrace(): this {
    this.braces = 1;
    return this;
  }

  feed(line: Line): Feed {
    if (this.python !== NONE) return this.feedPython(line);
    const t = line.text;
    if (this.braces > 0) return this.feedBraces(line);
    if (isFrame(line)) {
      this.draft.addStack(t);
      this.sawFrame = true;
      if (t.endsWith('{')) this.braces = 1;
      return CONTINUE;
    }
    if (isChainMarker(line) && (this.sawFrame || this.origin !== 'log')) {
      this.draft.addStack(t);
      if (t.endsWith('{')) this.braces = 1;
      return CONTINUE;
    }
    if (!this.sawFrame && this.before === 0 && this.origin === 'log' && t.trim() === 'Traceback (most recent call last):') {
      this.python = IN_TRACEBACK;
      this.draft.addStack(t);
      return CONTINUE;
    }
    if (this.sawFrame) return END_BEFORE;
    if (this.origin === 'log') {
      // A logged error may be followed by its exception: the header, then frames.
      if (this.before === 0 && !isBlank(line)) {
        const header = parseHeader(t, line.indent);
        if (header) {
          this.before++;
          this.draft.addStack(t);
          this.draft.detail = header.message;
          return CONTINUE;
        }
      }
      return END_BEFORE;
    }
    // Between a header and its first frame: the rest of a multi-line message (assertion diffs).
    if (this.before < 8 && (isBlank(line) || !this.probe(line))) {
      this.before++;
      this.draft.addContext(t);
      return CONTINUE;
    }
    return END_BEFORE;
  }

  private feedBraces(line: Line): Feed {
    const t = line.text;
    const body = t.slice(line.indent);
    if (isFrame(line) || body.startsWith('[cause]:') || body.startsWith('[errors]:')) this.draft.addStack(t);
    else this.draft.addContext(t);
    const first = body.charCodeAt(0);
    if (first === 125 || first === 93) this.braces--; // } or ]
    const last = t.charCodeAt(t.length - 1);
    if (last === 123 || last === 91) this.braces++; // { or [
    if (this.braces > 20) this.braces = 20;
    return this.braces > 0 ? CONTINUE : END_AFTER;
  }

  private feedPython(line: Line): Feed {
    const t = line.text;
    if (this.python === IN_TRACEBACK) {
      if (isBlank(line)) {
        if (++this.blanks > 1) return END_BEFORE;
        return CONTINUE;
      }
      this.blanks = 0;
      this.draft.addStack(t);
      if (line.indent > 0) return CONTINUE;
      // The exception line closes a traceback: the last one printed is the one that was raised.
      this.python = AFTER_EXCEPTION;
      this.sawFrame = true;
      if (this.origin === 'traceback') this.draft.message = t;
      else this.draft.detail = t;
      return CONTINUE;
    }
    if (isBlank(line)) {
      if (++this.blanks > 2) return END_BEFORE;
      return CONTINUE;
    }
    if (PYTHON_CHAIN.test(t)) {
      this.draft.addStack('');
      this.draft.addStack(t);
      this.blanks = 0;
      this.afterChainSentence = true;
      return CONTINUE;
    }
    if (this.afterChainSentence && t.trim() === 'Traceback (most recent call last):') {
      this.draft.addStack('');
      this.draft.addStack(t);
      this.python = IN_TRACEBACK;
      this.blanks = 0;
      this.afterChainSentence = false;
      return CONTINUE;
    }
    // Indented lines right after the exception line continue its message (pydantic, SyntaxError).
    if (line.indent > 0 && this.blanks === 0 && !this.afterChainSentence) {
      this.draft.addStack(t);
      return CONTINUE;
    }
    return END_BEFORE;
  }

  finish(emit: Emit): void {
    if (!this.sawFrame) {
      if (this.requireFrames) return;
      this.draft.clearStack();
    }
    if (this.origin === 'traceback' && this.draft.message === '') this.draft.message = 'Traceback (most recent call last):';
    emit(this.draft);
  }
}

/** Go: `panic: …` or `fatal error: …`, then goroutine dumps, up to `exit status N` or other text. */
export class GoPanicBlock implements Block {
  private inTrace = false;
  private blanks = 0;

  constructor(private readonly draft: ErrorDraft) {}

  feed(line: Line): Feed {
    const t = line.text;
    if (isBlank(line)) {
      if (++this.blanks > 2) return END_BEFORE;
      return CONTINUE;
    }
    const blanks = this.blanks;
    this.blanks = 0;
    if (/^goroutine \d+ \[[^\]]*\]:$/.test(t)) {
      for (let i = 0; i < blanks; i++) this.draft.addStack('');
      this.draft.addStack(t);
      this.inTrace = true;
      return CONTINUE;
    }
    if (t.startsWith('[signal ') || (t.charCodeAt(0) === 9 && (this.inTrace || t.startsWith('\tpanic:')))) {
      this.draft.addStack(t);
      return CONTINUE;
    }
    if (this.inTrace && blanks === 0 && (t.startsWith('created by ') || (t.length < 2000 && /^[\w./*()[\]{}-]+\(.*\)$/.test(t)))) {
      this.draft.addStack(t);
      return CONTINUE;
    }
    if (/^exit status \d+$/.test(t)) {
      this.draft.addContext(t);
      return END_AFTER;
    }
    return END_BEFORE;
  }

  finish(emit: Emit): void {
    // The panic line opens the stack, as a V8 or Java header does; without goroutines there is none.
    if (!this.inTrace) this.draft.clearStack();
    emit(this.draft);
  }
}
