/**
 * What the editor reads of a failed command before the error swarm triages it: the tail of a
 * terminal command's output in bounded memory, cleaned of the terminal's escape sequences; which exit
 * codes count as failures; and how a command line becomes an argv the culprit finder can re-run.
 * Pure functions (no `vscode`), so they are unit-tested on their own (test/extension/error-output.test.ts).
 */

/** Characters of a command's output kept for triage: its last 2 Mi (an error is at the end). */
export const DEFAULT_TAIL_CHARS = 2 * 1024 * 1024;

/** Chunks kept before they are joined, so dropping the oldest never walks a long array. */
const MAX_CHUNKS = 1024;

/**
 * The last `maxChars` characters of a stream of chunks. Memory stays bounded whatever the command
 * prints; when the start was dropped, {@link text} also drops the partial first line.
 */
export class OutputTail {
  private chunks: string[] = [];
  private size = 0;
  private droppedChars = 0;

  constructor(readonly maxChars: number = DEFAULT_TAIL_CHARS) {
    if (!Number.isInteger(maxChars) || maxChars < 1) throw new RangeError(`maxChars must be a whole number ≥ 1, got ${maxChars}`);
  }

  /** Appends a chunk, dropping the oldest characters beyond the bound. */
  push(chunk: string): void {
    if (chunk.length === 0) return;
    if (chunk.length >= this.maxChars) {
      this.droppedChars += this.size + chunk.length - this.maxChars;
      this.chunks = [chunk.slice(chunk.length - this.maxChars)];
      this.size = this.maxChars;
      return;
    }
    this.chunks.push(chunk);
    this.size += chunk.length;
    let excess = this.size - this.maxChars;
    while (excess > 0) {
      const first = this.chunks[0]!;
      if (first.length <= excess) {
        this.chunks.shift();
        this.size -= first.length;
        this.droppedChars += first.length;
        excess -= first.length;
      } else {
        this.chunks[0] = first.slice(excess);
        this.size -= excess;
        this.droppedChars += excess;
        excess = 0;
      }
    }
    if (this.chunks.length > MAX_CHUNKS) this.chunks = [this.chunks.join('')];
  }

  /** Characters held now (at most {@link maxChars}). */
  get length(): number {
    return this.size;
  }

  /** Characters dropped from the start so far. */
  get dropped(): number {
    return this.droppedChars;
  }

  /** Whether the start of the output was dropped. */
  get truncated(): boolean {
    return this.droppedChars > 0;
  }

  /** The kept output; when truncated, from the first whole line on. */
  text(): string {
    const all = this.chunks.join('');
    this.chunks = all ? [all] : [];
    if (!this.truncated) return all;
    const newline = all.indexOf('\n');
    return newline >= 0 ? all.slice(newline + 1) : all;
  }
}

// OSC (window titles, hyperlinks, shell integration's 633 marks) ends at BEL or ST; CSI at a final byte.
// These patterns match control characters on purpose: they are what a terminal's escape sequences are made of.
// eslint-disable-next-line no-control-regex
const OSC = /\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)?/g;
// eslint-disable-next-line no-control-regex
const CSI = /\u001b\[[0-?]*[ -/]*[@-~]/g;
// eslint-disable-next-line no-control-regex
const OTHER_ESCAPE = /\u001b(?:[()*+][0-9A-Za-z]|[@-Z\\^_=>78])/g;
// Control characters other than tab and newline (the carriage return is handled per line first).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f\u009b]/g;

/**
 * A terminal's raw output as the lines a person saw: escape sequences removed, `\r\n` made `\n`, and a
 * line redrawn with a bare `\r` (progress bars) kept as its last drawing.
 */
export function cleanTerminalOutput(raw: string): string {
  const text = raw.replace(OSC, '').replace(CSI, '').replace(OTHER_ESCAPE, '');
  return text
    .split('\n')
    .map((line) => {
      const trimmed = line.endsWith('\r') ? line.slice(0, -1) : line;
      const last = trimmed.lastIndexOf('\r');
      const drawn = last < 0 ? trimmed : trimmed.slice(last + 1) || trimmed.slice(0, last).split('\r').pop()!;
      return drawn.replace(CONTROL, '');
    })
    .join('\n');
}

/**
 * Exit codes that mean the person stopped the command, not that it failed: 130 (Ctrl-C, SIGINT) and
 * 148 (Ctrl-Z, SIGTSTP, when the shell reports the suspension).
 */
export const INTERRUPTED_EXIT_CODES: ReadonlySet<number> = new Set([130, 148]);

/** Whether a command that ended with `exitCode` failed in a way worth triaging. Unknown (undefined) is not. */
export function isFailureExit(exitCode: number | undefined): exitCode is number {
  return typeof exitCode === 'number' && Number.isInteger(exitCode) && exitCode !== 0 && !INTERRUPTED_EXIT_CODES.has(exitCode);
}

/** Characters that only a shell understands: pipes, redirections, lists, expansions, quotes, globs. */
const SHELL_SYNTAX = /[|&;<>()$`\\"'*?[\]{}~!#\n]/;
/** `NAME=value` before a command: an assignment only a shell performs. */
const ASSIGNMENT = /^[A-Za-z_]\w*=/;

/**
 * The argv that re-runs a command line: split on spaces when it is a plain command (`node src/main.js`),
 * else `sh -c LINE` so the shell's syntax keeps its meaning. Undefined for an empty line.
 */
export function commandArgv(commandLine: string): string[] | undefined {
  const line = commandLine.trim();
  if (line === '') return undefined;
  const words = line.split(/\s+/);
  if (SHELL_SYNTAX.test(line) || ASSIGNMENT.test(words[0]!)) return ['sh', '-c', line];
  return words;
}

/** An argv shown to a person: words with spaces or quotes are quoted. */
export function formatArgv(argv: readonly string[]): string {
  return argv.map((word) => (/^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** Text shortened to `max` characters with an ellipsis, on one line. */
export function oneLine(text: string, max = 200): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** Where a failure came from, as the error swarm records it: `terminal: node src/main.js`, `task: build`. */
export function failureSource(kind: 'terminal' | 'task', name: string): string {
  return `${kind}: ${oneLine(name, 300)}`;
}

/**
 * A task's variables that can be resolved without the editor's resolver: `${workspaceFolder}`,
 * `${workspaceFolderBasename}`, `${cwd}`, `${pathSeparator}`, `${/}` and `${env:NAME}`. Returns the text,
 * or the first variable it cannot resolve (then the task is not re-run: its meaning would change).
 */
export function resolveTaskVariables(
  text: string,
  context: { workspaceFolder: string; env: Readonly<Record<string, string | undefined>>; pathSeparator?: string },
): { ok: true; text: string } | { ok: false; variable: string } {
  let unresolved: string | undefined;
  const basename = context.workspaceFolder.split(/[\\/]/).filter(Boolean).pop() ?? '';
  const separator = context.pathSeparator ?? '/';
  const resolved = text.replace(/\$\{([^}]*)\}/g, (whole, name: string) => {
    if (name === 'workspaceFolder' || name === 'workspaceRoot' || name === 'cwd') return context.workspaceFolder;
    if (name === 'workspaceFolderBasename') return basename;
    if (name === 'pathSeparator' || name === '/') return separator;
    if (name.startsWith('env:')) return context.env[name.slice(4)] ?? '';
    unresolved ??= whole;
    return whole;
  });
  return unresolved === undefined ? { ok: true, text: resolved } : { ok: false, variable: unresolved };
}

/** The notification of a traced failure: `Orchestra: <message> at <file>:<line>` (or where it came from). */
export function failureNotice(item: { group: { first: { message: string } }; fault?: { file: string; line: number } }, source?: string): string {
  const message = oneLine(item.group.first.message, 160);
  if (item.fault) return `Orchestra: ${message} at ${item.fault.file}:${item.fault.line}`;
  return `Orchestra: ${message}${source ? ` (${source})` : ''}`;
}
