/**
 * Go panics: `panic: message` (or `fatal error: …`), then `goroutine N [running]:` and two lines per
 * frame — the function with its arguments, then `\t/path/file.go:42 +0x1d`. Only the first goroutine
 * is the failure; the others of a full dump (GOTRACEBACK=all, a deadlock) are read past.
 */
import type { ParsedTrace, StackFrame } from '../types.js';
import { clampMessage } from './error-header.js';
import type { ParsedBlock } from './parse-javascript.js';
import { isGoInternal } from './runtime-internals.js';
import { MAX_LINE_LENGTH } from './trace-lines.js';

/** The line that opens a goroutine's frames. */
export const GOROUTINE = /^goroutine \d+ \[[^\]]*\]:\s*$/;
const GO_FILE = /^\s+(\S.*?\.go):(\d+)(?: \+0x[0-9a-f]+)?(?: fp=0x[0-9a-f]+ sp=0x[0-9a-f]+ pc=0x[0-9a-f]+)?\s*$/;
const HEADER = /^(panic|fatal error): (.*)$/;
const ELIDED = /^\s*\.\.\.(?:\d+ frames elided|additional frames elided)\.\.\.\s*$/;
const HEADER_LOOKBACK = 8;

/** The function of a Go frame line: `main.(*Server).handle(0x0, {0x1, 0x2})` → `main.(*Server).handle`. */
function functionOf(line: string): string | undefined {
  let text = line.trim();
  if (text === '' || text.length > MAX_LINE_LENGTH) return undefined;
  text = text.replace(/^created by /, '').replace(/ in goroutine \d+$/, '');
  if (text.endsWith(')')) {
    let depth = 0;
    for (let i = text.length - 1; i >= 0; i--) {
      const c = text[i];
      if (c === ')') depth++;
      else if (c === '(' && --depth === 0) {
        // `(*Server)` in a method name is not the argument list: the list is the last group.
        return text.slice(0, i) || undefined;
      }
    }
  }
  return text;
}

/** Reads the frames of one goroutine block; returns the next line. */
function readGoroutine(lines: readonly string[], start: number, frames: StackFrame[] | undefined): number {
  let j = start;
  while (j < lines.length) {
    const line = lines[j]!;
    if (line.trim() === '') break;
    if (ELIDED.test(line)) {
      j++;
      continue;
    }
    const location = j + 1 < lines.length ? GO_FILE.exec(lines[j + 1]!) : null;
    if (!location) break;
    if (frames) {
      const fn = functionOf(line);
      const file = location[1]!;
      const frame: StackFrame = { file, line: Number(location[2]) };
      if (fn) frame.function = fn;
      if (isGoInternal(fn, file)) frame.internal = true;
      frames.push(frame);
    }
    j += 2;
  }
  return j;
}

/** A Go panic whose first goroutine header is at `start`. */
export function parseGo(lines: readonly string[], start: number, floor: number): ParsedBlock {
  const trace: ParsedTrace = { language: 'go', message: '', frames: [], causes: [] };
  for (let j = start - 1; j >= Math.max(floor, start - HEADER_LOOKBACK); j--) {
    const header = HEADER.exec(lines[j]!);
    if (!header) continue;
    trace.errorType = header[1]!;
    // `panic: first [recovered]` followed by `\tpanic: second`: the chain, as printed.
    const parts = [header[2]!];
    for (let k = j + 1; k < start && /^\s+panic: /.test(lines[k]!); k++) parts.push(lines[k]!.trim());
    trace.message = clampMessage(parts.join('\n'));
    break;
  }
  let j = readGoroutine(lines, start + 1, trace.frames);
  // Other goroutines of the same dump.
  for (;;) {
    let k = j;
    while (k < lines.length && lines[k]!.trim() === '') k++;
    if (k >= lines.length || !GOROUTINE.test(lines[k]!)) break;
    j = readGoroutine(lines, k + 1, undefined);
  }
  return { trace, end: j };
}
