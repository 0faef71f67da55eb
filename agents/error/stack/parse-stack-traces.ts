/**
 * Finds stack traces in text — a crash's stderr, a test runner's failure, a section of a CI log —
 * and parses each: V8/Node, Chrome, Firefox, Safari, CPython (and pytest), JVM, Go and .NET, with
 * their cause chains. Text that is not a trace is skipped line by line; nothing here throws on any
 * input, and nothing is read from disk (that is `locate`'s job).
 */
import type { ParsedTrace } from '../types.js';
import { matchFrameLine } from './frame-line.js';
import { parseDotnet } from './parse-dotnet.js';
import { GOROUTINE, parseGo } from './parse-go.js';
import { parseJava } from './parse-java.js';
import { parseGecko, parseV8, type ParsedBlock } from './parse-javascript.js';
import { TRACEBACK, parsePython, parsePytest } from './parse-python.js';
import { MAX_LINE_LENGTH, traceLines } from './trace-lines.js';

/** Every stack trace in `text`, in the order they appear. */
export function parseStackTraces(text: string): ParsedTrace[] {
  return scan(text, Number.POSITIVE_INFINITY);
}

/** The first stack trace in `text`, if there is one. */
export function parseStackTrace(text: string): ParsedTrace | undefined {
  return scan(text, 1)[0];
}

function scan(text: string, limit: number): ParsedTrace[] {
  if (typeof text !== 'string' || text.length === 0) return [];
  const lines = traceLines(text);
  const traces: ParsedTrace[] = [];
  let floor = 0;
  for (let i = 0; i < lines.length && traces.length < limit; ) {
    const block = parseAt(lines, i, floor);
    if (!block) {
      i++;
      continue;
    }
    traces.push(block.trace);
    i = Math.max(block.end, i + 1);
    floor = i;
  }
  return traces;
}

function parseAt(lines: readonly string[], i: number, floor: number): ParsedBlock | undefined {
  const line = lines[i]!;
  if (line.length > MAX_LINE_LENGTH) return undefined;
  if (line.includes('Traceback (') && TRACEBACK.test(line)) return parsePython(lines, i, floor);
  if (line.startsWith('goroutine ') && GOROUTINE.test(line)) return parseGo(lines, i, floor);
  const match = matchFrameLine(line);
  if (!match) return undefined;
  switch (match.syntax) {
    case 'v8':
      return parseV8(lines, i, floor);
    case 'gecko':
      return parseGecko(lines, i, floor);
    case 'java':
      return parseJava(lines, i, floor);
    case 'dotnet':
      return parseDotnet(lines, i, floor);
    case 'python':
      // A traceback whose `Traceback …` line was cut off.
      return parsePython(lines, i, floor);
    case 'pytest':
      return parsePytest(lines, i);
  }
}
