/**
 * The error swarm's shared vocabulary: what the log analyzer extracts, what the stack tracer parses
 * and locates, what the fix suggester proposes, and the triage report that puts them together.
 * Every part (`logs/`, `stack/`, `fix/`, `bisect/`, `rollback/`) speaks these types, so hosts (CLI,
 * editor, GitHub App) render one shape whatever found the failure.
 */

/** Where an extracted error came from, as far as the analyzer could tell from the text. */
export type LogFormat =
  | 'jest'
  | 'vitest'
  | 'mocha'
  | 'node-test'
  | 'pytest'
  | 'tsc'
  | 'eslint'
  | 'npm'
  | 'github-actions'
  | 'app'
  | 'unknown';

/** A file position quoted by a log line (a stack frame, `file(line,col)`, `file:line:col`). */
export interface SourceLocation {
  /** As written in the log (absolute, relative, `file://`, `webpack://…`). */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, when given. */
  column?: number;
}

/** One error occurrence as read from a log: a failing test, a compile error, an uncaught crash … */
export interface LogError {
  format: LogFormat;
  /** `assertion`, `type-error`, `compile-error`, `lint-error`, `uncaught`, `npm-error`, `log-error`, … */
  kind: string;
  /** The error's first line without noise: `TypeError: Cannot read properties of undefined (reading 'x')`. */
  message: string;
  /** The stack trace text as it appeared (ANSI stripped, log prefixes removed), when there was one. */
  stack?: string;
  /** A location stated by the tool itself (tsc, ESLint, pytest's `file:line`), when there was one. */
  location?: SourceLocation;
  /** The failing test's full name, for test-runner output. */
  test?: string;
  /** The GitHub Actions step (group) it appeared in. */
  step?: string;
  /** 1-based line of the log where the error starts. */
  logLine: number;
  /** The log's own timestamp for that line, when it had one (ISO 8601). */
  timestamp?: string;
  /** A few raw lines around it (assertion diffs, expected/received), bounded. */
  context?: string;
}

/** Occurrences of one bug: errors whose normalised text is the same. */
export interface ErrorGroup {
  /** Stable across runs: volatile parts (ports, ids, hashes, times, temp paths, durations, line:col in messages) removed. */
  fingerprint: string;
  /** The first occurrence, in full. */
  first: LogError;
  count: number;
  firstSeen: { logLine: number; timestamp?: string };
  lastSeen: { logLine: number; timestamp?: string };
}

/** A burst of one group well above its usual rate. */
export interface RateSpike {
  fingerprint: string;
  /** Start of the window (ISO timestamp when the log had them, else `line N`). */
  window: string;
  count: number;
  /** The group's median count per window. */
  baseline: number;
}

export interface LogAnalysis {
  /** Formats recognised in the log, most frequent first. */
  formats: LogFormat[];
  groups: ErrorGroup[];
  spikes: RateSpike[];
  /** `overflow`: occurrences of errors left ungrouped because the group limit was reached (absent when none). */
  stats: { bytes: number; lines: number; truncatedLines: number; binaryLines: number; overflow?: number };
}

/** A language whose stack traces the tracer reads. */
export type StackLanguage = 'javascript' | 'python' | 'java' | 'go' | 'dotnet';

export interface StackFrame {
  /** Function or method, when the trace names one. */
  function?: string;
  /** As written in the trace. */
  file?: string;
  line?: number;
  column?: number;
  /** `async` frames (V8 `at async f`, Python has none, .NET `<…>d__`), shown but marked. */
  async?: boolean;
  /** Runtime internals (`node:internal/…`, `<anonymous>`, `java.base/…`, Go runtime). */
  internal?: boolean;
  /** Set by `locate`: the original position through a source map. */
  original?: { file: string; line: number; column?: number; function?: string };
  /** Set by `locate`: the frame's file relative to the project root, when it is inside it. */
  projectFile?: string;
  /** Set by `locate`: in the project's own code (not node_modules, site-packages, vendor, internals). */
  own?: boolean;
}

export interface ParsedTrace {
  language: StackLanguage;
  /** `TypeError`, `ValueError`, `java.lang.NullPointerException`, `panic` … */
  errorType?: string;
  message: string;
  /** Most recent call first, whatever order the language prints them in (Python prints it last). */
  frames: StackFrame[];
  /** `Caused by:` / `[cause]:` / "During handling of the above exception …" chains, outermost first. */
  causes: ParsedTrace[];
  /**
   * On an entry of `causes`, how it relates to the trace before it in the chain: `cause` when chained
   * explicitly (`{ cause }`, `Caused by:`, `raise … from`, a .NET inner exception), `context` when it
   * was being handled as the next one was raised (Python's "During handling of the above exception").
   */
  link?: 'cause' | 'context';
}

/** The located fault: the first own frame, its original position and a code frame. */
export interface FaultLocation {
  /** Relative to the project root, forward slashes. */
  file: string;
  line: number;
  column?: number;
  function?: string;
  /** The source lines around it with a marker, as @babel/code-frame prints them (no colour). */
  codeFrame?: string;
  /** How it was found: a mapped stack frame, a tool's own location, a test file. */
  via: 'stack' | 'source-map' | 'tool' | 'test';
}

/** A suggestion from the knowledge base (or an LLM), at the located line. */
export interface FixSuggestion {
  /** Knowledge-base rule id: `undefined-property`, `module-not-found`, `econnrefused`, … or `llm`. */
  rule: string;
  title: string;
  /** What to do, concretely, naming the identifiers and values from the error. */
  detail: string;
  /** A unified diff against the working tree, checked to apply cleanly; only from an LLM or a mechanical fix. */
  patch?: string;
  /** 0..1: how sure the rule is that it matches this failure. */
  confidence: number;
}

/** What `orchestra triage` reports for one error group. */
export interface TriageItem {
  group: ErrorGroup;
  trace?: ParsedTrace;
  fault?: FaultLocation;
  /** Other candidate locations, best first (top-3 for the faults bench). */
  candidates: FaultLocation[];
  suggestions: FixSuggestion[];
}

export interface TriageReport {
  items: TriageItem[];
  analysis: Omit<LogAnalysis, 'groups'>;
}
