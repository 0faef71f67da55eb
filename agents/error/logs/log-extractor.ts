/**
 * The extractor: reads clean lines one at a time and publishes the errors they hold. Each line is
 * either fed to the block in progress (a multi-line error) or looked at afresh: a cheap dispatch on
 * its first character finds test-runner, compiler, linter and workflow lines; only lines that
 * mention an error word go through the expressions for exception headers and log levels.
 */
import type { LogError, LogFormat, SourceLocation } from '../types.js';
import { parseJsonLine, parseLevelLine, type Severity } from './app-lines.js';
import { CONTINUE, CurrentLine, END_AFTER, type Block, type Emit, type Line, type Probe } from './block.js';
import { clip, ErrorDraft, groupKey, kindOf } from './error-draft.js';
import { GITHUB_PREFIX_LENGTH, parseWorkflowCommand, timestampPrefixLength } from './github-actions.js';
import { JestBlock, SkipBlock, VitestBlock, vitestTest } from './jest-vitest.js';
import { MochaBlock, NodeSpecBlock, parseLocation, specTestName, TapBlock } from './node-mocha.js';
import { parsePytestSummary, pytestHeader, PytestBlock, pytestSectionName } from './pytest.js';
import { GoPanicBlock, parseHeader, StackBlock } from './stack-blocks.js';
import { npmErrorText, NpmBlock, parseEslintLine, parseEslintStylish, parseTscLine, TscBlock, type ToolDiagnostic } from './tool-lines.js';

/** Receives each error with the text its fingerprint is made of; true when it started a new group. */
export type ErrorSink = (error: LogError, groupKey: string) => boolean;

/** Lines worth the header and level expressions mention one of these. */
const ERROR_HINT = /Error|ERROR|error|Exception|FATAL|Fatal|fatal|CRIT|SEVERE|PANIC|EMERG|ALERT|Interrupt|Exit|Throwable|Rejection/;
const WARN_HINT = /WARN|[Ww]arn/;
const BRACKET_ERROR = /^\[([\w$.]*(?:Error|Rejection|Exception)\w*)(?::\s*(.*?))?\]( \{)?$/;
const ESLINT_FILE = /^(?:\/|[A-Za-z]:\\)[^:*?"<>|]*$/;
/** Failures remembered to recognise a closing summary's repeats. */
const MAX_SEEN = 10_000;
/** Suite nesting levels followed (deeper indentation is not a suite of any real run). */
const MAX_DEPTH = 32;

export class LogExtractor {
  private block: Block | undefined;
  private step: string | undefined;
  /** Lines or errors recognised per format (a plain object: it is counted on every line). */
  private readonly counts: Record<LogFormat, number> = {
    jest: 0,
    vitest: 0,
    mocha: 0,
    'node-test': 0,
    pytest: 0,
    tsc: 0,
    eslint: 0,
    npm: 0,
    'github-actions': 0,
    app: 0,
    unknown: 0,
  };
  private readonly seen = new Map<string, LogError | null>();
  private readonly hint: RegExp;
  // Where the output of each tool stands.
  private mochaFailing = false;
  private pytestSection: 'none' | 'report' | 'summary' = 'none';
  private jestRepeat = false;
  private tap = false;
  private nodeRepeat = false;
  private nodeRepeatLocation: SourceLocation | undefined;
  private readonly suites: string[] = [];
  private readonly tapNames: string[] = [];
  private eslintFile: string | undefined;
  private readonly current = new CurrentLine();
  private readonly probe: Probe = (line) => this.dispatch(line, true);
  private readonly emitDraft: Emit = (draft) => this.publish(draft);

  constructor(
    private readonly minLevel: Severity,
    private readonly sink: ErrorSink,
  ) {
    this.hint = minLevel === 'warn' ? new RegExp(`${ERROR_HINT.source}|${WARN_HINT.source}`) : ERROR_HINT;
  }

  /** Reads one line (ANSI already removed). */
  line(raw: string, lineNo: number, mayHaveCr = true): void {
    let text = raw;
    const prefix = timestampPrefixLength(text);
    if (prefix > 0) {
      text = text.slice(prefix);
      if (prefix === GITHUB_PREFIX_LENGTH) this.count('github-actions');
    }
    // A progress line redrawn with carriage returns shows its last state.
    if (mayHaveCr) {
      const cr = text.lastIndexOf('\r');
      if (cr !== -1) text = text.slice(cr + 1);
    }
    // TAP diagnostics (`# …`) carry what a test file printed, a crash's stack included: read it.
    if (this.tap && text.charCodeAt(0) === 35 && text.charCodeAt(1) === 32 && !text.startsWith('# Subtest: ')) {
      text = text.slice(2).replace(/\\#/g, '#');
    }
    // One line object, reused: it is read while the line is looked at and never kept.
    const line = this.current;
    line.set(raw, prefix, text, lineNo, this.step);
    const c0 = text.charCodeAt(0);
    if ((c0 === 35 || c0 === 58) && this.workflowCommand(line)) return;
    if (this.block) {
      const fed = this.block.feed(line);
      if (fed === CONTINUE) return;
      this.finishBlock();
      if (fed === END_AFTER) return;
    }
    if (line.indent === text.length) return;
    this.dispatch(line, false);
  }

  /** The input ended: publishes the error in progress. */
  end(): void {
    this.finishBlock();
  }

  /** Formats seen, most frequent first. */
  formats(): LogFormat[] {
    return (Object.entries(this.counts) as [LogFormat, number][])
      .filter(([, n]) => n > 0)
      .sort((a, b) => b[1] - a[1])
      .map(([format]) => format);
  }

  private count(format: LogFormat): void {
    this.counts[format]++;
  }

  private finishBlock(): void {
    const block = this.block;
    if (!block) return;
    this.block = undefined;
    block.finish(this.emitDraft);
  }

  private draft(format: LogFormat, kind: string, line: Line, timestamp?: string): ErrorDraft {
    return new ErrorDraft(format, kind, { lineNo: line.lineNo, timestamp: line.timestamp ?? timestamp, step: line.step });
  }

  private publish(draft: ErrorDraft): void {
    // Bounded and detached from the chunk it was cut from: the map outlives many chunks.
    const dedupe = draft.dedupeKey === undefined ? undefined : ` ${draft.format}\u0000${clip(draft.dedupeKey, 300)}`.slice(1);
    if (dedupe !== undefined && draft.repeated) {
      const prior = this.seen.get(dedupe);
      if (prior !== undefined) {
        if (prior && !prior.location && draft.location) prior.location = draft.location;
        return;
      }
    }
    const error = draft.toLogError();
    this.count(draft.format);
    const isNew = this.sink(error, groupKey(draft));
    if (dedupe !== undefined && !draft.repeated && this.seen.size < MAX_SEEN && !this.seen.has(dedupe)) {
      // Keep the error itself only when its group keeps it anyway (so a summary can add its location).
      this.seen.set(dedupe, isNew ? error : null);
    }
  }

  /** `##[group]`, `##[error]`, `::error file=…::` … ; false when the line is not one. */
  private workflowCommand(line: Line): boolean {
    const command = parseWorkflowCommand(line.text);
    if (!command) return false;
    this.finishBlock();
    this.count('github-actions');
    if (command.command === 'group') {
      if (command.title.startsWith('Run ')) {
        this.step = command.title;
        this.resetSections();
      }
    } else if (command.command === 'error' || (command.command === 'warning' && this.minLevel === 'warn')) {
      const draft = this.draft('github-actions', command.command === 'error' ? 'workflow-error' : 'workflow-warning', line);
      draft.message = command.title && !command.message.startsWith(command.title) ? `${command.title}: ${command.message}` : command.message;
      if (command.location) {
        draft.location = command.location;
        draft.keyFile = command.location.file;
      }
      this.publish(draft);
    }
    return true;
  }

  private resetSections(): void {
    this.tap = false;
    this.mochaFailing = false;
    this.pytestSection = 'none';
    this.jestRepeat = false;
    this.nodeRepeat = false;
    this.eslintFile = undefined;
  }

  /**
   * Looks at a line outside any block: starts a block or publishes a one-line error. With `dry`,
   * only tells whether the line would start something (used by blocks to know where they end).
   */
  private dispatch(line: Line, dry: boolean): boolean {
    const t = line.text;
    const i = line.indent;
    const c = t.charCodeAt(i);
    if (!dry && this.nodeRepeat && i === 0 && c !== 0x2716 && !t.startsWith('test at ')) this.nodeRepeat = false;
    if (this.pytestSection !== 'none' && i === 0 && this.pytestLine(line, dry)) return true;
    if (this.mochaFailing) {
      const entry = i === 2 ? /^ {2}\d+\) (.*)$/.exec(t) : null;
      if (entry) {
        if (!dry) this.block = new MochaBlock(this.draft('mocha', 'test-failure', line), entry[1]!, this.probe);
        return true;
      }
      if (!dry && i === 0) this.mochaFailing = false;
    }
    switch (c) {
      case 0x25cf: // ●
        if (!dry) this.jestBullet(line);
        return true;
      case 70: // F
        if (i <= 1 && t.startsWith('FAIL ', i)) {
          if (!dry) this.failHeader(line);
          return true;
        }
        break;
      case 80: // P
        if (i <= 1 && t.startsWith('PASS ', i)) {
          if (!dry) this.count('jest');
          return true;
        }
        break;
      case 83: // S
        if (t.startsWith('Summary of all failing tests', i)) {
          if (!dry) this.jestRepeat = true;
          return true;
        }
        break;
      case 0x2716: // ✖
        if (this.crossMark(line, dry)) return true;
        break;
      case 0x25b6: // ▶
        if (!dry) {
          const level = i >> 1;
          if (level <= MAX_DEPTH) {
            this.suites.length = Math.min(this.suites.length, level);
            this.suites[level] = specTestName(t.slice(i));
          }
          this.count('node-test');
        }
        return true;
      case 110: // n
        if (t.startsWith('not ok ', i)) {
          if (!dry) this.tapNotOk(line);
          return true;
        }
        if (i === 0) {
          const npm = npmErrorText(t);
          if (npm !== undefined) {
            if (!dry) this.block = new NpmBlock(this.draft('npm', 'npm-error', line), npm);
            return true;
          }
        }
        break;
      case 35: // #
        if (t.startsWith('# Subtest: ', i)) {
          if (!dry) {
            const level = i >> 2;
            if (level <= MAX_DEPTH) {
              this.tapNames.length = Math.min(this.tapNames.length, level);
              this.tapNames[level] = t.slice(i + 11).trim();
            }
            this.count('node-test');
          }
          return true;
        }
        break;
      case 61: // =
        if (i === 0) {
          const name = pytestSectionName(t);
          if (name !== undefined) {
            if (!dry) this.pytestSectionStart(name);
            return true;
          }
        }
        break;
      case 84: // T
        if (t.startsWith('Traceback (most recent call last):', i)) {
          if (!dry) this.stackBlock(this.draft('unknown', 'uncaught', line), line, 'traceback');
          return true;
        }
        if (i === 0 && t.startsWith('Test Suites:')) {
          if (!dry) this.jestRepeat = false;
          return true;
        }
        if (i === 0 && t.startsWith('TAP version ')) {
          if (!dry) {
            this.tap = true;
            this.count('node-test');
          }
          return true;
        }
        break;
      case 116: // t
        if (this.nodeRepeat && t.startsWith('test at ')) {
          if (!dry) this.nodeRepeatLocation = parseLocation(t.slice(8));
          return true;
        }
        break;
      case 112: // p
      case 102: // f
        if (i === 0 && (t.startsWith('panic: ') || t.startsWith('fatal error: '))) {
          if (!dry) {
            const draft = this.draft('unknown', 'panic', line);
            draft.message = t.trimEnd();
            draft.addStack(t);
            this.block = new GoPanicBlock(draft);
          }
          return true;
        }
        break;
      case 85: // U
        if (t.startsWith('Unhandled exception. ', i)) {
          if (!dry) this.headerBlock(line, t.slice(i + 21).trim());
          return true;
        }
        break;
      case 69: // E
        if (t.startsWith('Exception in thread "', i)) {
          const m = /^Exception in thread "[^"]*" (.+)$/.exec(t.slice(i));
          if (m) {
            if (!dry) this.headerBlock(line, m[1]!.trim());
            return true;
          }
        }
        break;
      case 123: // {
        if (i === 0 && t.charCodeAt(t.length - 1) === 125) {
          if (!dry) this.jsonLine(line);
          return true;
        }
        break;
      case 91: {
        // [
        const m = t.length - i < 4000 ? BRACKET_ERROR.exec(t.slice(i)) : null;
        if (m) {
          if (!dry) this.headerBlock(line, m[2] ? `${m[1]}: ${m[2]}` : m[1]!, m[3] !== undefined);
          return true;
        }
        break;
      }
      case 99: // c
        if (i > 0 && /^console\.(?:log|info|warn|error|debug|trace|dir|table)$/.test(t.slice(i).trimEnd())) {
          if (!dry) this.block = new SkipBlock(i + 1);
          return true;
        }
        break;
      case 0x23af: // ⎯ (vitest's section rules)
        if (!dry) this.count('vitest');
        return true;
    }
    if (c >= 48 && c <= 57 && i > 0) {
      const stylish = parseEslintStylish(t, this.eslintFile);
      if (stylish) {
        if (!dry) this.toolDiagnostic('eslint', stylish, line);
        return true;
      }
      if (/^\s+\d+ (?:failing|passing)\b/.test(t)) {
        if (!dry) {
          if (t.includes('failing')) this.mochaFailing = true;
          this.count('mocha');
        }
        return true;
      }
    }
    if (i === 0 && (c === 47 || t.charCodeAt(1) === 58) && ESLINT_FILE.test(t)) {
      // A stylish report's file line: not an error, but the problems below it are in that file.
      if (!dry) this.eslintFile = t.trimEnd();
      return false;
    }
    if (t.indexOf('error TS') !== -1) {
      const tsc = parseTscLine(i > 0 ? t.slice(i) : t);
      if (tsc) {
        if (!dry) {
          const draft = this.diagnosticDraft('tsc', 'compile-error', tsc, line);
          this.block = new TscBlock(draft);
        }
        return true;
      }
    }
    if (!this.hint.test(t)) return false;
    const header = parseHeader(t, i);
    if (header) {
      if (!dry) this.headerBlock(line, header.message, false, header.bare);
      return true;
    }
    if (t.includes(' [Error') || t.includes(' [Warning') || t.includes(', Error - ') || t.includes(', Warning - ')) {
      const eslint = parseEslintLine(t);
      if (eslint) {
        if (!dry) this.toolDiagnostic('eslint', eslint, line);
        return true;
      }
    }
    const level = parseLevelLine(t, i, this.minLevel);
    if (level) {
      if (!dry) {
        const kind = level.severity === 'fatal' ? 'log-fatal' : level.severity === 'warn' ? 'log-warning' : 'log-error';
        const draft = this.draft('app', kind, line, level.timestamp);
        draft.message = level.message;
        this.block = new StackBlock(draft, 'log', this.probe);
        this.count('app');
      }
      return true;
    }
    return false;
  }

  private stackBlock(draft: ErrorDraft, line: Line, origin: 'header' | 'traceback', requireFrames = false): StackBlock {
    draft.addStack(line.text);
    const block = new StackBlock(draft, origin, this.probe, requireFrames);
    this.block = block;
    return block;
  }

  private headerBlock(line: Line, message: string, braces = false, bare = false): void {
    const draft = this.draft('unknown', kindOf(message, 'uncaught'), line);
    draft.message = message;
    const block = this.stackBlock(draft, line, 'header', bare);
    if (braces) block.openBrace();
  }

  private diagnosticDraft(format: 'tsc' | 'eslint', kind: string, diagnostic: ToolDiagnostic, line: Line): ErrorDraft {
    const draft = this.draft(format, kind, line);
    draft.message = diagnostic.message;
    if (diagnostic.location) {
      draft.location = diagnostic.location;
      draft.keyFile = diagnostic.location.file;
    }
    return draft;
  }

  private toolDiagnostic(format: 'eslint', diagnostic: ToolDiagnostic, line: Line): void {
    if (diagnostic.severity === 'warning' && this.minLevel !== 'warn') {
      this.count(format);
      return;
    }
    this.publish(this.diagnosticDraft(format, diagnostic.severity === 'error' ? 'lint-error' : 'lint-warning', diagnostic, line));
  }

  private jestBullet(line: Line): void {
    const title = line.text.slice(line.indent + 1).trim();
    this.count('jest');
    if (title === 'Console') {
      this.block = new SkipBlock(line.indent + 2);
      return;
    }
    const suiteError = title === 'Test suite failed to run';
    const draft = this.draft('jest', 'test-failure', line);
    if (!suiteError) draft.test = title.replace(/ › /g, ' > ');
    draft.repeated = this.jestRepeat;
    this.block = new JestBlock(draft, suiteError);
  }

  /** ` FAIL  file` (jest: a file marker) or ` FAIL  file > suite > test` (vitest: a failure). */
  private failHeader(line: Line): void {
    const body = line.text.slice(line.indent);
    const rest = body.slice(5).trim();
    if (rest.includes(' > ') || (rest.endsWith(' ]') && rest.includes(' [ '))) {
      this.block = new VitestBlock(this.draft('vitest', 'test-failure', line), vitestTest(body));
      this.count('vitest');
    } else {
      this.count('jest');
    }
  }

  private crossMark(line: Line, dry: boolean): boolean {
    const body = line.text.slice(line.indent);
    if (/^✖ \d+ problems? \(/.test(body)) {
      if (!dry) this.count('eslint');
      return true;
    }
    if (body.startsWith('✖ failing tests:')) {
      if (!dry) this.nodeRepeat = true;
      return true;
    }
    if (!/ms\)(?:\s*#.*)?\s*$/.test(body)) return false;
    if (dry) return true;
    const leaf = specTestName(body);
    const draft = this.draft('node-test', 'test-failure', line);
    if (this.nodeRepeat) {
      draft.test = leaf;
      draft.repeated = true;
      draft.location = this.nodeRepeatLocation;
      this.nodeRepeatLocation = undefined;
    } else {
      draft.test = [...this.suites.slice(0, Math.min(line.indent >> 1, MAX_DEPTH)), leaf].join(' > ');
    }
    this.block = new NodeSpecBlock(draft, line.indent, leaf);
    this.count('node-test');
    return true;
  }

  private tapNotOk(line: Line): void {
    const m = /^not ok \d+(?: - |\s+)?/.exec(line.text.slice(line.indent));
    this.count('node-test');
    if (!m) return;
    let leaf = line.text.slice(line.indent + m[0].length);
    // A `# TODO` or `# SKIP` directive (an unescaped #) makes the failure expected.
    const hash = leaf.search(/(?<!\\)#/);
    if (hash !== -1) {
      if (/^#\s*(?:TODO|SKIP)\b/i.test(leaf.slice(hash))) return;
    }
    leaf = leaf.replace(/\\#/g, '#').trim();
    const draft = this.draft('node-test', 'test-failure', line);
    draft.test = [...this.tapNames.slice(0, Math.min(line.indent >> 2, MAX_DEPTH)), leaf].join(' > ');
    this.block = new TapBlock(draft, line.indent, leaf);
  }

  private pytestSectionStart(name: string): void {
    this.count('pytest');
    if (name === 'FAILURES' || name === 'ERRORS') this.pytestSection = 'report';
    else if (name === 'short test summary info') this.pytestSection = 'summary';
    else this.pytestSection = 'none';
  }

  private pytestLine(line: Line, dry: boolean): boolean {
    const t = line.text;
    if (this.pytestSection === 'report') {
      const header = t.startsWith('___') ? pytestHeader(t) : undefined;
      if (header === undefined) return false;
      if (!dry) this.block = new PytestBlock(this.draft('pytest', 'test-failure', line), header);
      return true;
    }
    const summary = parsePytestSummary(t);
    if (!summary) return false;
    if (dry) return true;
    const draft = this.draft('pytest', 'test-failure', line);
    draft.message = summary.message ?? (summary.outcome === 'ERROR' ? 'error' : 'failed');
    draft.repeated = true;
    draft.dedupeKey = summary.key;
    if (summary.outcome === 'FAILED' || summary.id.includes('::')) draft.test = summary.id;
    draft.kind = summary.outcome === 'ERROR' && !summary.id.includes('::') ? 'collection-error' : draft.message.startsWith('assert ') ? 'assertion' : kindOf(draft.message, 'test-failure');
    this.publish(draft);
    return true;
  }

  private jsonLine(line: Line): void {
    const record = parseJsonLine(line.text, this.minLevel);
    this.count('app');
    if (!record) return;
    const kind = record.severity === 'fatal' ? 'log-fatal' : record.severity === 'warn' ? 'log-warning' : 'log-error';
    const draft = this.draft('app', kind, line, record.timestamp);
    draft.message = record.message;
    if (record.detail && record.detail !== record.message) draft.detail = record.detail;
    if (record.stack) for (const frame of record.stack.split('\n')) draft.addStack(frame);
    this.publish(draft);
  }
}
