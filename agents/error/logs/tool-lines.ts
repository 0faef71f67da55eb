/**
 * Compiler, linter and package manager output.
 * - tsc: `file(3,7): error TS2322: msg` (plain) or `file:3:7 - error TS2322: msg` (pretty, with a
 *   code frame), message chains indented below; `error TS5023: msg` without a file.
 * - ESLint: stylish (a file line, then `  3:14  error  msg  rule`), unix
 *   (`file:3:14: msg [Error/rule]`) and compact (`file: line 3, col 14, Error - msg (rule)`).
 * - npm: consecutive `npm ERR!` (npm ≤ 8) or `npm error` (npm ≥ 9) lines form one error.
 */
import { CONTINUE, END_BEFORE, isBlank, type Block, type Emit, type Feed, type Line } from './block.js';
import type { ErrorDraft } from './error-draft.js';
import type { SourceLocation } from '../types.js';

/** A diagnostic a tool printed on one line. */
export interface ToolDiagnostic {
  severity: 'error' | 'warning';
  message: string;
  location?: SourceLocation;
}

const TSC_PLAIN = /^(.+?)\((\d+),(\d+)\): error (TS\d+): (.*)$/;
const TSC_PRETTY = /^(.+?):(\d+):(\d+) - error (TS\d+): (.*)$/;
const TSC_GLOBAL = /^error (TS\d+): (.*)$/;

/** A tsc error line; the message starts with the code (`TS2322: …`). */
export function parseTscLine(text: string): ToolDiagnostic | undefined {
  const m = TSC_PLAIN.exec(text) ?? TSC_PRETTY.exec(text);
  if (m) return { severity: 'error', message: `${m[4]}: ${m[5]}`, location: { file: m[1]!.trim(), line: Number(m[2]), column: Number(m[3]) } };
  const g = TSC_GLOBAL.exec(text);
  return g ? { severity: 'error', message: `${g[1]}: ${g[2]}` } : undefined;
}

/** A tsc error and what follows it: the indented message chain, the pretty code frame. */
export class TscBlock implements Block {
  private blanks = 0;

  constructor(private readonly draft: ErrorDraft) {}

  feed(line: Line): Feed {
    if (isBlank(line)) {
      return ++this.blanks > 2 ? END_BEFORE : CONTINUE;
    }
    this.blanks = 0;
    const t = line.text;
    if (line.indent >= 2 || /^\d+ /.test(t)) {
      this.draft.addContext(t);
      return CONTINUE;
    }
    return END_BEFORE;
  }

  finish(emit: Emit): void {
    emit(this.draft);
  }
}

const ESLINT_STYLISH = /^\s+(\d+):(\d+)\s+(error|warning)\s+/;
const ESLINT_RULE = /^@?[\w-]+(?:\/[\w-]+)*$/;
/** Longest unix / compact line looked at (real ones are far shorter; the expressions backtrack). */
const MAX_ESLINT_LINE = 4000;
const ESLINT_UNIX = /^(.+?):(\d+):(\d+): (.*?) \[(Error|Warning)(?:\/(.+?))?\]$/;
const ESLINT_COMPACT = /^(.+?): line (\d+), col (\d+), (Error|Warning) - (.*?)(?: \(([@\w/-]+)\))?$/;

function eslintMessage(message: string, rule: string | undefined): string {
  return rule ? `${rule}: ${message}` : message;
}

/** An ESLint stylish problem line; `file` is the last file line above it. */
export function parseEslintStylish(text: string, file: string | undefined): ToolDiagnostic | undefined {
  const m = ESLINT_STYLISH.exec(text);
  if (!m) return undefined;
  // Columns are separated by two spaces or more: the rule, when there is one, is the last column.
  const rest = text.slice(m[0].length).trimEnd();
  const gap = rest.lastIndexOf('  ');
  const rule = gap === -1 ? undefined : rest.slice(gap).trim();
  const hasRule = rule !== undefined && ESLINT_RULE.test(rule);
  const message = hasRule ? rest.slice(0, gap).trimEnd() : rest;
  const diagnostic: ToolDiagnostic = { severity: m[3] as 'error' | 'warning', message: eslintMessage(message, hasRule ? rule : undefined) };
  if (file) diagnostic.location = { file, line: Number(m[1]), column: Number(m[2]) };
  return diagnostic;
}

/** An ESLint unix or compact line. */
export function parseEslintLine(text: string): ToolDiagnostic | undefined {
  if (text.length > MAX_ESLINT_LINE) return undefined;
  const u = ESLINT_UNIX.exec(text);
  if (u) {
    return {
      severity: u[5] === 'Error' ? 'error' : 'warning',
      message: eslintMessage(u[4]!, u[6]),
      location: { file: u[1]!, line: Number(u[2]), column: Number(u[3]) },
    };
  }
  const c = ESLINT_COMPACT.exec(text);
  if (c) {
    return {
      severity: c[4] === 'Error' ? 'error' : 'warning',
      message: eslintMessage(c[5]!, c[6]),
      location: { file: c[1]!, line: Number(c[2]), column: Number(c[3]) },
    };
  }
  return undefined;
}

/** The text after `npm ERR!` / `npm error`, or undefined for other lines. */
export function npmErrorText(text: string): string | undefined {
  if (!text.startsWith('npm ')) return undefined;
  const m = /^npm (?:ERR!|error)(?: (.*))?$/.exec(text);
  return m ? (m[1] ?? '') : undefined;
}

/** Lines of an npm error that name where, not what. */
const NPM_DETAIL = /^(?:errno|path|syscall|workspace|location|command|signal|cwd|dest|spawn|file|Exit status|A complete log|Log files were not written|You can rerun)\b|^\s*\/.*\.log$|^\s*$/;

/** A run of npm error lines; the message is the code and the first telling line. */
export class NpmBlock implements Block {
  private code: string | undefined;
  private first: string | undefined;

  constructor(
    private readonly draft: ErrorDraft,
    firstText: string,
  ) {
    this.add(firstText);
  }

  private add(text: string): void {
    this.draft.addContext(text);
    const code = /^code (\S+)$/.exec(text);
    if (code) this.code ??= code[1];
    else if (this.first === undefined && !NPM_DETAIL.test(text)) this.first = text.trim();
  }

  feed(line: Line): Feed {
    const text = npmErrorText(line.text);
    if (text === undefined) return END_BEFORE;
    this.add(text);
    return CONTINUE;
  }

  finish(emit: Emit): void {
    const code = this.code !== undefined && !/^\d+$/.test(this.code) ? this.code : undefined;
    this.draft.message = code ? (this.first ? `${code}: ${this.first}` : code) : (this.first ?? `npm error ${this.code ?? ''}`.trim());
    emit(this.draft);
  }
}
