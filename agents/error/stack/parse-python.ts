/**
 * CPython tracebacks. A chain is printed cause first: each traceback is followed by
 * "The above exception was the direct cause of the following exception:" (`raise … from`) or
 * "During handling of the above exception, another exception occurred:" (implicit context), and the
 * last traceback is the exception that escaped. It becomes the trace; the earlier ones its causes,
 * outermost first. Exception groups (3.11) print their lines behind `| `; pytest prints
 * `path.py:12: in fn` frames and `E   ` lines instead.
 *
 * Python prints the most recent call last; frames are stored most recent first, as for every other
 * language, so "the first frame in the project's own code" means the same thing everywhere.
 */
import type { ParsedTrace } from '../types.js';
import { clampMessage, parseHeaderText, type ErrorHeader } from './error-header.js';
import { matchFrameLine } from './frame-line.js';
import type { ParsedBlock } from './parse-javascript.js';
import { MAX_LINE_LENGTH, indentOf } from './trace-lines.js';

/** The line that opens a CPython traceback (possibly behind a log prefix or an exception group's `| `). */
export const TRACEBACK = /Traceback \(most recent call last\):\s*$/;
const DIRECT_CAUSE = /^\s*(?:\| )?The above exception was the direct cause of the following exception:\s*$/;
const CONTEXT = /^\s*(?:\| )?During handling of the above exception, another exception occurred:\s*$/;
const GROUP_LINE = /^\s*\| ?/;
const EXCEPTION = /^([A-Za-z_][\w.]*)(?:: ?([\s\S]*))?$/;
const REPEATED = /^\s*\[Previous line repeated \d+ more times?\]\s*$/;
const MAX_MESSAGE_LINES = 20;
const BLANKS_BETWEEN = 3;

function pythonTrace(header: ErrorHeader | undefined): ParsedTrace {
  const trace: ParsedTrace = { language: 'python', message: header?.message ?? '', frames: [], causes: [] };
  if (header?.errorType) trace.errorType = header.errorType;
  return trace;
}

function exceptionOf(text: string): ErrorHeader {
  const m = EXCEPTION.exec(text);
  return m ? { errorType: m[1]!, message: (m[2] ?? '').trim() } : { message: text.trim() };
}

/** One traceback from `start` (its `Traceback …` line or its first frame). */
function readTraceback(lines: readonly string[], start: number): ParsedBlock {
  let j = start;
  let group = false;
  if (TRACEBACK.test(lines[j]!)) {
    group = /^\s*[+|] /.test(lines[j]!);
    j++;
  }
  const strip = (line: string): string => (group ? line.replace(GROUP_LINE, '') : line);
  const trace = pythonTrace(undefined);
  while (j < lines.length) {
    const line = strip(lines[j]!);
    const match = matchFrameLine(line);
    if (match?.syntax !== 'python') {
      if (REPEATED.test(line)) {
        j++;
        continue;
      }
      break;
    }
    trace.frames.push(match.frame);
    const frameIndent = indentOf(line);
    j++;
    // The source line and its `^^^^` markers, indented under the frame.
    while (j < lines.length) {
      const next = strip(lines[j]!);
      if (next.trim() === '' || indentOf(next) <= frameIndent || matchFrameLine(next)?.syntax === 'python') break;
      j++;
    }
  }
  // The exception line closes a traceback; without a frame, what follows is someone else's text.
  if (j < lines.length && trace.frames.length > 0) {
    const line = strip(lines[j]!);
    if (line.trim() !== '' && indentOf(line) === 0 && line.length <= MAX_LINE_LENGTH && !DIRECT_CAUSE.test(line) && !CONTEXT.test(line)) {
      const header = exceptionOf(line);
      j++;
      // A message over several lines (and 3.11 notes) runs until a blank line.
      const extra: string[] = [];
      while (j < lines.length && extra.length < MAX_MESSAGE_LINES) {
        const next = strip(lines[j]!);
        if (next.trim() === '' || TRACEBACK.test(next) || /^\s*[+|]-/.test(lines[j]!) || matchFrameLine(next) || startsSomethingElse(next)) break;
        extra.push(next.trimEnd());
        j++;
      }
      if (extra.length > 0) header.message = clampMessage([header.message, ...extra].join('\n').trim());
      trace.message = header.message;
      if (header.errorType) trace.errorType = header.errorType;
    }
  }
  trace.frames.reverse();
  return { trace, end: j };
}

/** A line after an exception that is not more of its message: a log line, another error's header. */
function startsSomethingElse(line: string): boolean {
  return /^\[?\d{1,4}[-:/.]\d/.test(line) || /^\[?(?:TRACE|DEBUG|INFO|WARN(?:ING)?|ERROR|FATAL|CRITICAL)\b/.test(line) || parseHeaderText(line) !== undefined;
}

/** Index of the chain sentence after `from` (skipping a few blank lines), and which link it states. */
function chainSentence(lines: readonly string[], from: number): { index: number; link: 'cause' | 'context' } | undefined {
  let k = from;
  while (k < lines.length && k - from < BLANKS_BETWEEN && lines[k]!.trim() === '') k++;
  if (k >= lines.length) return undefined;
  if (DIRECT_CAUSE.test(lines[k]!)) return { index: k, link: 'cause' };
  if (CONTEXT.test(lines[k]!)) return { index: k, link: 'context' };
  return undefined;
}

/** A traceback chain starting at `start` (a `Traceback` line or a frame). */
export function parsePython(lines: readonly string[], start: number, floor: number): ParsedBlock {
  const printed: ParsedTrace[] = [];
  const links: ('cause' | 'context')[] = [];
  // A cause that was never raised has no traceback: just its exception line above the sentence.
  let k = start - 1;
  while (k > floor && k > start - BLANKS_BETWEEN - 1 && lines[k]!.trim() === '') k--;
  if (k >= floor && k < start && (DIRECT_CAUSE.test(lines[k]!) || CONTEXT.test(lines[k]!))) {
    const link = DIRECT_CAUSE.test(lines[k]!) ? 'cause' : 'context';
    let e = k - 1;
    while (e > floor && e > k - BLANKS_BETWEEN - 1 && lines[e]!.trim() === '') e--;
    if (e >= floor && lines[e]!.trim() !== '' && indentOf(lines[e]!) === 0) {
      printed.push(pythonTrace(exceptionOf(lines[e]!)));
      links.push(link);
    }
  }
  let j = start;
  for (;;) {
    const block = readTraceback(lines, j);
    printed.push(block.trace);
    j = block.end;
    const sentence = chainSentence(lines, j);
    if (!sentence) break;
    let next = sentence.index + 1;
    while (next < lines.length && next - sentence.index <= BLANKS_BETWEEN && lines[next]!.trim() === '') next++;
    if (next >= lines.length || !TRACEBACK.test(lines[next]!)) break;
    links.push(sentence.link);
    j = next;
  }
  const trace = printed[printed.length - 1]!;
  // printed[i] relates to printed[i + 1] by links[i]; causes run from the escaped exception inwards.
  trace.causes = [];
  for (let i = printed.length - 2; i >= 0; i--) trace.causes.push({ ...printed[i]!, link: links[i]! });
  return { trace, end: j };
}

/** Lines inside a pytest failure between frames: source (indented or `>`), `E` lines, separators, `--showlocals` values. */
function continuesPytest(line: string): boolean {
  return /^\s+\S/.test(line) || line.startsWith('>') || /^E(?:\s|$)/.test(line) || /^_( _)+\s*$/.test(line) || /^[\w.]+ = /.test(line);
}

/**
 * A pytest failure: `path.py:N: in fn` frames (`--tb=short`), or the long format's `path.py:N: `
 * and `path.py:N: KeyError` lines, with source, `>` and `E   ` lines between. The `E` lines give the error.
 */
export function parsePytest(lines: readonly string[], start: number): ParsedBlock {
  const trace = pythonTrace(undefined);
  const errorLines: string[] = [];
  let j = start;
  while (j < lines.length) {
    const line = lines[j]!;
    const match = matchFrameLine(line);
    if (match?.syntax === 'pytest') {
      trace.frames.push(match.frame);
    } else if (/^E(?:\s|$)/.test(line)) {
      errorLines.push(line.replace(/^E\s*/, ''));
    } else if (line.trim() === '') {
      let k = j + 1;
      while (k < lines.length && k - j <= BLANKS_BETWEEN && lines[k]!.trim() === '') k++;
      if (k >= lines.length || !(matchFrameLine(lines[k]!)?.syntax === 'pytest' || continuesPytest(lines[k]!))) break;
    } else if (!continuesPytest(line)) {
      break;
    }
    j++;
  }
  while (j > start && lines[j - 1]!.trim() === '') j--;
  trace.frames.reverse();
  const first = errorLines[0];
  if (first !== undefined) {
    if (/^assert\b/.test(first)) {
      trace.errorType = 'AssertionError';
      trace.message = clampMessage(errorLines.join('\n'));
    } else {
      const header = exceptionOf(first);
      trace.message = clampMessage([header.message, ...errorLines.slice(1)].join('\n').trim());
      if (header.errorType) trace.errorType = header.errorType;
    }
  }
  return { trace, end: j };
}
