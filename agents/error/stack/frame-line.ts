/**
 * One line → one frame, for every syntax whose frames fit on a line: V8 (Node, Chrome, Edge, Deno,
 * Bun), Gecko/JavaScriptCore (Firefox, Safari), Java (and Kotlin, Scala), .NET, CPython and pytest.
 * Go frames take two lines and are read by the Go parser.
 *
 * Frames are recognised by their shape alone, never by the file existing, and every branch is cheap
 * (prefix checks before any regular expression) because a 10 MB log is scanned line by line.
 */
import type { StackFrame } from '../types.js';
import { isDotnetInternal, isJavaInternal, isJavaScriptInternal, isPythonInternal } from './runtime-internals.js';
import { MAX_LINE_LENGTH } from './trace-lines.js';

/** The syntax a frame line was written in, which tells the parser which block reader to use. */
export type FrameSyntax = 'v8' | 'gecko' | 'java' | 'dotnet' | 'python' | 'pytest';

/** A frame read from one line. */
export interface LineFrame {
  syntax: FrameSyntax;
  frame: StackFrame;
}

/** A file in a JavaScript frame: a path or URL, or one of the engines' pseudo-files. */
const JS_FILE = /[/\\]|^(?:node:|\[eval\]|<anonymous>|evalmachine\.<anonymous>|REPL\d+$|debugger eval code|[\w.@-]+\.(?:[cm]?[jt]sx?|vue|svelte|html?)$)/;

/** The frame on this line, if the line is one. */
export function matchFrameLine(line: string): LineFrame | undefined {
  if (line.length < 4 || line.length > MAX_LINE_LENGTH) return undefined;
  let start = 0;
  while (start < line.length && (line.charCodeAt(start) === 32 || line.charCodeAt(start) === 9)) start++;
  const first = line.charCodeAt(start);
  if (first === 97 /* a */ && line.startsWith('at ', start)) {
    const lastCode = line.charCodeAt(line.length - 1);
    return matchAt(lastCode === 32 || lastCode === 9 ? line.slice(start + 3).trim() : line.slice(start + 3));
  }
  if (first === 0x276f /* ❯ */) return matchVitest(line.slice(start + 1).trim());
  if (first === 70 /* F */ && line.startsWith('File "', start)) return matchPython(line);
  if (line.includes('@') || line.endsWith('[native code]')) return matchGecko(line.trim());
  if (start === 0 && line.includes('.py:')) return matchPytest(line);
  return undefined;
}

/** vitest's frames: `❯ fn src/x.ts:3:20`, `❯ src/x.ts:3:20`, `❯ T.f [as g] node:net:1555:16`. */
const VITEST_LOCATION = /^(\S+):(\d+):(\d+)$/;

function matchVitest(rest: string): LineFrame | undefined {
  const space = rest.lastIndexOf(' ');
  const match = VITEST_LOCATION.exec(space < 0 ? rest : rest.slice(space + 1));
  if (!match) return undefined;
  const fn = space < 0 ? undefined : rest.slice(0, space).trim() || undefined;
  const [, file, line, column] = match;
  if (!JS_FILE.test(file!)) return undefined;
  const frame: StackFrame = { file, line: Number(line), column: Number(column) };
  if (fn) frame.function = fn;
  if (isJavaScriptInternal(file!)) frame.internal = true;
  return { syntax: 'v8', frame };
}

/** True when a V8 frame line opens Node's property block (`    at main (x.js:1:2) {`). */
export function opensPropertyBlock(line: string): boolean {
  let end = line.length - 1;
  while (end > 0 && (line.charCodeAt(end) === 32 || line.charCodeAt(end) === 9)) end--;
  return line.charCodeAt(end) === 123 /* { */ && line.charCodeAt(end - 1) === 32;
}

function matchAt(rest: string): LineFrame | undefined {
  // Node's util.inspect: the last frame before a property block ends with " {", frames in an array with ",".
  if (rest.endsWith(' {')) rest = rest.slice(0, -2).trimEnd();
  else if (rest.endsWith(',')) rest = rest.slice(0, -1);
  const paren = rest.indexOf('(');
  if (paren > 0 && rest.charCodeAt(paren - 1) !== 32) {
    const name = rest.slice(0, paren);
    if (!/\s/.test(name)) {
      const java = matchJava(name, rest, paren);
      if (java) return java;
      const dotnet = matchDotnet(name, rest, paren);
      if (dotnet) return dotnet;
    }
  }
  return matchV8(rest);
}

function matchV8(rest: string): LineFrame | undefined {
  let isAsync = false;
  if (rest.startsWith('async ')) {
    isAsync = true;
    rest = rest.slice(6);
  }
  let fn: string | undefined;
  let location = rest;
  if (rest.charCodeAt(rest.length - 1) === 41 /* ) */) {
    const open = rest.indexOf(' (');
    if (open > 0) {
      fn = rest.slice(0, open);
      location = rest.slice(open + 2, -1);
    }
  }
  if (location === 'native' || location === '<anonymous>' || (location.startsWith('index ') && /^index \d+$/.test(location))) {
    if (fn === undefined && location !== '<anonymous>') return undefined;
    return { syntax: 'v8', frame: v8Frame(fn, location === '<anonymous>' ? location : undefined, undefined, undefined, isAsync, true) };
  }
  if (location.startsWith('eval at ')) {
    // `eval at run (file.js:3:9), <anonymous>:1:1`: the eval call site is the useful place.
    const origin = /\(([^()]+?):(\d+):(\d+)\)/.exec(location);
    if (!origin) return undefined;
    location = `${origin[1]}:${origin[2]}:${origin[3]}`;
  }
  const position = trailingPosition(location);
  if (!position) return undefined;
  const file = location.slice(0, position.fileEnd);
  if (!file || file.charCodeAt(0) === 32 || !(file.includes('/') || JS_FILE.test(file))) return undefined;
  return { syntax: 'v8', frame: v8Frame(fn, file, position.line, position.column, isAsync, isJavaScriptInternal(file)) };
}

/** A frame with its properties always set in the same order (one object shape for the engine), absent ones left out. */
function v8Frame(fn: string | undefined, file: string | undefined, line: number | undefined, column: number | undefined, isAsync: boolean, internal: boolean): StackFrame {
  const frame: StackFrame = {};
  if (fn !== undefined && fn !== '') frame.function = fn;
  if (file !== undefined) frame.file = file;
  if (line !== undefined) frame.line = line;
  if (column !== undefined) frame.column = column;
  if (isAsync) frame.async = true;
  if (internal) frame.internal = true;
  return frame;
}

/** `…:12:5` or `…:12` at the end of a location, read without a regular expression (this runs for every frame). */
export function trailingPosition(location: string): { fileEnd: number; line: number; column?: number } | undefined {
  let i = location.length - 1;
  let first = 0;
  let scale = 1;
  const start = i;
  while (i >= 0) {
    const c = location.charCodeAt(i);
    if (c < 48 || c > 57) break;
    first += (c - 48) * scale;
    scale *= 10;
    i--;
  }
  if (i === start || i < 1 || location.charCodeAt(i) !== 58 /* : */ || start - i > 9) return undefined;
  const colon = i;
  i--;
  let second = 0;
  scale = 1;
  const secondStart = i;
  while (i >= 0) {
    const c = location.charCodeAt(i);
    if (c < 48 || c > 57) break;
    second += (c - 48) * scale;
    scale *= 10;
    i--;
  }
  if (i < secondStart && i >= 1 && location.charCodeAt(i) === 58 && secondStart - i <= 9) return { fileEnd: i, line: second, column: first };
  return { fileEnd: colon, line: first };
}

const JAVA_NAME = /^(?:([\w.$+-]+(?:@[\w.+-]*)?)\/\/?)?((?:[\w$]+\.)+[\w$<>-]+)$/;
const JAVA_SOURCE = /^([^\s:()]+)(?::(\d+))?$/;

function matchJava(name: string, rest: string, paren: number): LineFrame | undefined {
  const close = rest.indexOf(')', paren);
  if (close < 0) return undefined;
  const tail = rest.slice(close + 1).trim();
  // Logback and Log4j append packaging data: `~[classes/:na]`, `[spring-core-6.1.jar:6.1.2]`.
  if (tail !== '' && !/^~?\[[^\]]*\]$/.test(tail)) return undefined;
  const named = JAVA_NAME.exec(name);
  if (!named) return undefined;
  const source = rest.slice(paren + 1, close);
  const fn = named[2]!;
  const frame: StackFrame = { function: fn };
  if (source === 'Native Method') {
    frame.internal = true;
  } else if (source === 'Unknown Source' || /^Unknown Source:\d+$/.test(source)) {
    if (isJavaInternal(fn, named[1])) frame.internal = true;
  } else {
    const m = JAVA_SOURCE.exec(source);
    if (!m) return undefined;
    frame.file = m[1]!;
    if (m[2] !== undefined) frame.line = Number(m[2]);
    if (isJavaInternal(fn, named[1])) frame.internal = true;
  }
  return { syntax: 'java', frame };
}

const DOTNET_NAME = /^[\w.$<>`|[\],+-]+$/;
const DOTNET_LOCATION = /^(.+):[^\s:\\/]+ (\d+)$/;

function matchDotnet(name: string, rest: string, paren: number): LineFrame | undefined {
  if (!DOTNET_NAME.test(name) || !(name.includes('.') || name.startsWith('lambda_method'))) return undefined;
  let params: string;
  const frame: StackFrame = { function: name };
  const at = rest.lastIndexOf(') in ');
  if (at >= paren) {
    params = rest.slice(paren + 1, at);
    // `in /src/App/Program.cs:line 12` (localised runtimes say `:Zeile 12`, `:ligne 12` …).
    const m = DOTNET_LOCATION.exec(rest.slice(at + 5));
    if (!m) return undefined;
    frame.file = m[1]!;
    frame.line = Number(m[2]);
  } else if (rest.endsWith(')')) {
    params = rest.slice(paren + 1, -1);
  } else {
    return undefined;
  }
  // .NET always prints parameters as `Type name`: an empty list or one with a space.
  if (params !== '' && !params.includes(' ')) return undefined;
  if (/>d__\d+\.MoveNext$|Async>|\.<\w+Async>/.test(name)) frame.async = true;
  if (isDotnetInternal(name)) frame.internal = true;
  return { syntax: 'dotnet', frame };
}

const GECKO_NAME = /^[^():"'`\s][^():"'`]*$/;

function matchGecko(text: string): LineFrame | undefined {
  if (text === '[native code]') return { syntax: 'gecko', frame: { internal: true } };
  const at = text.indexOf('@');
  if (at < 0) return undefined;
  let fn = text.slice(0, at);
  const location = text.slice(at + 1);
  if (fn !== '' && (fn.length > 300 || !GECKO_NAME.test(fn))) return undefined;
  const frame: StackFrame = {};
  // Firefox marks async boundaries in the name: `async*load@…`, `promise callback*run@…`.
  const star = fn.lastIndexOf('*');
  if (star >= 0) {
    if (/async|promise/.test(fn.slice(0, star))) frame.async = true;
    fn = fn.slice(star + 1);
  }
  if (fn) frame.function = fn;
  if (location === '[native code]') {
    frame.internal = true;
    return { syntax: 'gecko', frame };
  }
  const position = trailingPosition(location);
  if (!position) return undefined;
  let file = location.slice(0, position.fileEnd);
  let line = position.line;
  let column = position.column;
  // Firefox eval code: `run@http://x/app.js line 20 > eval:1:5` — the eval call site.
  const evalSite = / line (\d+) > (?:eval|Function|injectedScript)/.exec(file);
  if (evalSite) {
    file = file.slice(0, evalSite.index);
    line = Number(evalSite[1]);
    column = undefined;
  }
  if (!file || !JS_FILE.test(file) || (file.includes(' ') && !/[/\\]/.test(file) && file !== 'debugger eval code')) return undefined;
  frame.file = file;
  frame.line = line;
  if (column !== undefined) frame.column = column;
  if (isJavaScriptInternal(file)) frame.internal = true;
  return { syntax: 'gecko', frame };
}

const PYTHON_FRAME = /^\s*File "([^"]+)", line (\d+)(?:, in (.+?))?\s*$/;

function matchPython(line: string): LineFrame | undefined {
  const m = PYTHON_FRAME.exec(line);
  if (!m) return undefined;
  const frame: StackFrame = { file: m[1]!, line: Number(m[2]) };
  if (m[3] !== undefined) frame.function = m[3];
  if (isPythonInternal(frame.file!)) frame.internal = true;
  return { syntax: 'python', frame };
}

// pytest's short tracebacks (`tests/test_x.py:12: in test_x`) and the last line of its long ones (`src/x.py:3: ValueError`).
const PYTEST_FRAME = /^([^\s:][^:]*\.py):(\d+):(?: in (\S+)| [A-Z][\w.]*)?\s*$/;

function matchPytest(line: string): LineFrame | undefined {
  const m = PYTEST_FRAME.exec(line);
  if (!m) return undefined;
  const frame: StackFrame = { file: m[1]!, line: Number(m[2]) };
  if (m[3] !== undefined) frame.function = m[3];
  if (isPythonInternal(frame.file!)) frame.internal = true;
  return { syntax: 'pytest', frame };
}
