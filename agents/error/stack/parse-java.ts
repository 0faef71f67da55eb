/**
 * JVM traces (Java, Kotlin, Scala): `\tat pkg.Class.method(File.java:12)` under
 * `Exception in thread "main" pkg.SomeException: message`, with `Caused by:` chains whose
 * `... N more` stands for the last N frames of the trace they caused (expanded here, as they are
 * real frames of the cause), and `Suppressed:` blocks, which are skipped: they did not cause the
 * failure and their frames must not be taken for the enclosing trace's.
 */
import type { ParsedTrace, StackFrame } from '../types.js';
import { findHeader, parseHeaderText, withContinuation, type ErrorHeader } from './error-header.js';
import { matchFrameLine } from './frame-line.js';
import type { ParsedBlock } from './parse-javascript.js';
import { indentOf } from './trace-lines.js';

const MORE = /^\s*\.\.\. (\d+) (?:more|common frames omitted)\s*$/;
const CAUSED_BY = /^\s*Caused by: (.*)$/;
const SUPPRESSED = /^\s*Suppressed: /;
const MAX_CAUSE_MESSAGE_LINES = 10;

function javaTrace(header: ErrorHeader | undefined): ParsedTrace {
  const trace: ParsedTrace = { language: 'java', message: header?.message ?? '', frames: [], causes: [] };
  if (header?.errorType) trace.errorType = header.errorType;
  return trace;
}

function headerOf(text: string): ErrorHeader {
  return parseHeaderText(text, { dottedNames: true }) ?? { message: text.trim() };
}

/** A JVM trace whose first frame is at `firstFrame`. */
export function parseJava(lines: readonly string[], firstFrame: number, floor: number): ParsedBlock {
  const top = javaTrace(findHeader(lines, firstFrame, floor, { dottedNames: true }));
  const chain: ParsedTrace[] = [top];
  let current = top;
  let suppressedIndent = -1;
  let j = firstFrame;
  while (j < lines.length) {
    const line = lines[j]!;
    if (suppressedIndent >= 0) {
      if (indentOf(line) > suppressedIndent && line.trim() !== '') {
        j++;
        continue;
      }
      suppressedIndent = -1;
    }
    const match = matchFrameLine(line);
    if (match?.syntax === 'java') {
      current.frames.push(match.frame);
      j++;
      continue;
    }
    const more = MORE.exec(line);
    if (more) {
      const enclosing = chain[chain.length - 2];
      if (enclosing && current !== top) current.frames.push(...sharedTail(enclosing.frames, Number(more[1])));
      j++;
      continue;
    }
    const causedBy = CAUSED_BY.exec(line);
    if (causedBy) {
      const cause = javaTrace(headerOf(causedBy[1]!));
      cause.link = 'cause';
      chain.push(cause);
      current = cause;
      j++;
      // A multi-line message runs until the cause's first frame.
      let k = j;
      while (k < lines.length && k - j < MAX_CAUSE_MESSAGE_LINES && lines[k]!.trim() !== '' && matchFrameLine(lines[k]!)?.syntax !== 'java' && !CAUSED_BY.test(lines[k]!)) k++;
      if (k > j && k < lines.length && matchFrameLine(lines[k]!)?.syntax === 'java') {
        cause.message = withContinuation(cause.message, lines, j, k);
        j = k;
      }
      continue;
    }
    if (SUPPRESSED.test(line)) {
      suppressedIndent = indentOf(line);
      j++;
      continue;
    }
    break;
  }
  top.causes = chain.slice(1);
  return { trace: top, end: j };
}

function sharedTail(frames: readonly StackFrame[], count: number): StackFrame[] {
  if (count <= 0) return [];
  return frames.slice(Math.max(0, frames.length - count)).map((frame) => ({ ...frame }));
}
