/**
 * JavaScript traces: V8's (`    at fn (file:line:col)`) with Node's `util.inspect` additions — the
 * property block after the last frame holding `[cause]: …` (nested to any depth), `[errors]`,
 * `code: …`, the `[Error: message] { … }` form of an error without a stack, and the
 * `... N lines matching cause stack trace ...` elision — and Firefox's/Safari's (`fn@file:line:col`).
 */
import type { ParsedTrace } from '../types.js';
import { clampMessage, findHeader, parseHeaderText, withContinuation, type ErrorHeader } from './error-header.js';
import { matchFrameLine, opensPropertyBlock } from './frame-line.js';
import { indentOf } from './trace-lines.js';

/** A trace read by one of the block parsers, and where it ended. */
export interface ParsedBlock {
  trace: ParsedTrace;
  /** Index of the first line after the trace. */
  end: number;
}

const ELIDED = /^\s*\.\.\. \d+ lines? matching cause stack trace \.\.\.\s*$/;
const CAUSE_PROPERTY = /^(?:\[cause\]|cause): (.*)$/;
/** An enclosing error printed without frames: `[Error: outer] {`, `err: [Error: outer] {`, `Error: outer {`. */
const OPENS_BLOCK = /^(.+) \{$/;
const MAX_CAUSE_DEPTH = 16;
const MAX_BLOCK_LINES = 5000;
const MAX_NESTED_MESSAGE_LINES = 30;

function newTrace(header: ErrorHeader | undefined): ParsedTrace {
  const trace: ParsedTrace = { language: 'javascript', message: header?.message ?? '', frames: [], causes: [] };
  if (header?.errorType) trace.errorType = header.errorType;
  return trace;
}

function isV8Frame(line: string): boolean {
  return matchFrameLine(line)?.syntax === 'v8';
}

/** A V8 trace whose first frame is at `firstFrame`, with everything Node printed around it. */
export function parseV8(lines: readonly string[], firstFrame: number, floor: number): ParsedBlock {
  const header = findHeader(lines, firstFrame, floor);
  if (header && CAUSE_PROPERTY.test(lines[header.index]!.trim())) {
    // The frames belong to a `[cause]` of an error printed without a stack: start at that error.
    for (let j = header.index - 1; j >= Math.max(floor, header.index - 3); j--) {
      const open = OPENS_BLOCK.exec(lines[j]!.trim());
      if (!open) continue;
      const outer = parseHeaderText(open[1]!) ?? parseHeaderText(open[1]!.replace(/^[\w$]+: (?=\[)/, ''));
      if (!outer) break;
      const trace = newTrace(outer);
      const end = readProperties(lines, j + 1, indentOf(lines[j]!), trace.causes, 0);
      return { trace, end };
    }
  }
  const trace = newTrace(header);
  const baseIndent = header ? indentOf(lines[header.index]!) : Math.max(0, indentOf(lines[firstFrame]!) - 4);
  const end = readFrames(lines, firstFrame, trace, baseIndent, trace.causes, 0);
  return { trace, end };
}

/** Frames from `start`, then the property block if the last frame opened one. Returns the next line. */
function readFrames(lines: readonly string[], start: number, trace: ParsedTrace, baseIndent: number, causes: ParsedTrace[], depth: number): number {
  let j = start;
  while (j < lines.length) {
    const line = lines[j]!;
    const match = matchFrameLine(line);
    if (match?.syntax === 'v8') {
      trace.frames.push(match.frame);
      j++;
      if (opensPropertyBlock(line)) return readProperties(lines, j, baseIndent, causes, depth);
      continue;
    }
    if (ELIDED.test(line)) {
      j++;
      continue;
    }
    break;
  }
  return j;
}

/**
 * Node's property block after an error (`{` … `}`), from its first line. Only properties at the
 * block's own indentation count, so a `[cause]` inside an `[errors]` array is not taken for this
 * error's cause. Causes are appended to `causes`, outermost first.
 */
function readProperties(lines: readonly string[], start: number, baseIndent: number, causes: ParsedTrace[], depth: number): number {
  let propertyIndent = -1;
  let j = start;
  const last = Math.min(lines.length, start + MAX_BLOCK_LINES);
  while (j < last) {
    const line = lines[j]!;
    const trimmed = line.trim();
    if (trimmed === '') return j;
    const indent = indentOf(line);
    if (indent <= baseIndent) return trimmed.startsWith('}') ? j + 1 : j;
    if (propertyIndent < 0) propertyIndent = indent;
    const cause = indent === propertyIndent ? CAUSE_PROPERTY.exec(trimmed) : null;
    if (!cause || depth >= MAX_CAUSE_DEPTH) {
      j++;
      continue;
    }
    const value = cause[1]!;
    const header = parseHeaderText(value);
    if (!header) {
      // A cause that is not an error (`[cause]: { code: 42 }`, `[cause]: 'text'`): its value is its message.
      causes.push({ language: 'javascript', message: clampMessage(value), frames: [], causes: [], link: 'cause' });
      j++;
      continue;
    }
    const nested = newTrace(header);
    nested.link = 'cause';
    causes.push(nested);
    if (value.endsWith(' {')) {
      j = readProperties(lines, j + 1, indent, causes, depth + 1);
      continue;
    }
    // The cause's message may go on for a few lines before its frames.
    let k = j + 1;
    while (k < last && k - j <= MAX_NESTED_MESSAGE_LINES) {
      const next = lines[k]!;
      if (isV8Frame(next) || next.trim() === '' || indentOf(next) <= indent) break;
      k++;
    }
    if (k < last && isV8Frame(lines[k]!)) {
      nested.message = withContinuation(nested.message, lines, j + 1, k);
      j = readFrames(lines, k, nested, indent, causes, depth + 1);
    } else {
      j++;
    }
  }
  return j;
}

/** A Firefox or Safari trace: consecutive `fn@file:line:col` lines, its header above when printed. */
export function parseGecko(lines: readonly string[], firstFrame: number, floor: number): ParsedBlock {
  const trace = newTrace(findHeader(lines, firstFrame, floor));
  let j = firstFrame;
  while (j < lines.length) {
    const match = matchFrameLine(lines[j]!);
    if (match?.syntax !== 'gecko') break;
    trace.frames.push(match.frame);
    j++;
  }
  return { trace, end: j };
}
