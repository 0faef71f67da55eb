/**
 * The shape of one knowledge-base rule. A rule recognises one kind of failure from the error's text
 * (and, when known, its type, kind and format) and turns what it captured, plus the source line at
 * the fault, into a concrete suggestion. Rules are plain data and pure functions: deterministic,
 * no I/O, no model.
 */
import type { FaultLocation } from '../types.js';

/** The error as the log analyzer or the stack tracer reported it. */
export interface FixInput {
  /** The error text: at least its first line; more lines (expected/received, a cause) help some rules. */
  message: string;
  /** `TypeError`, `ModuleNotFoundError`, `java.lang.NullPointerException`, … when known. */
  errorType?: string;
  /** The analyzer's kind (`assertion`, `compile-error`, `uncaught`, …) when known. */
  kind?: string;
  /** The analyzer's format (`jest`, `pytest`, `tsc`, …) when known. */
  format?: string;
}

/** What a rule's `suggest` receives. Every string in it is bounded and free of control characters. */
export interface RuleContext {
  /** The named groups of the pattern that matched (absent groups are missing, never empty strings). */
  readonly groups: Readonly<Record<string, string>>;
  /** Which of the rule's message patterns matched (its index). */
  readonly pattern: number;
  /** The whole message, normalised (ANSI and control characters removed, bounded), for rules that read more lines. */
  readonly message: string;
  /** The error type: the given one, else the message's own `Type:` prefix. */
  readonly errorType?: string;
  /** The analyzer's kind and format, when given. */
  readonly kind?: string;
  readonly format?: string;
  /** The source line at the fault, trimmed, without a code-frame gutter; absent when not given. */
  readonly codeLine?: string;
  readonly fault?: FaultLocation;
}

/** Which failures a rule covers. A rule matches when one message pattern matches and every known field agrees. */
export interface RuleMatcher {
  /** Tried in order; the first that matches the message gives the groups. Every pattern is linear-time. */
  readonly message: readonly RegExp[];
  /** When the error type is known (given or read from the message), it must match this. */
  readonly errorType?: RegExp;
  /** When the error's kind is known, it must be one of these. */
  readonly kinds?: readonly string[];
  /** When the error's format is known, it must be one of these. */
  readonly formats?: readonly string[];
}

/** A rule's answer for one failure. `undefined` from `suggest` means "matched the text, but not mine". */
export interface RuleOutcome {
  /** What to do, concretely, naming the identifiers and values involved. */
  readonly detail: string;
  /** Overrides the rule's title (e.g. naming the port or the package). */
  readonly title?: string;
  /** Overrides the rule's confidence (e.g. higher when the code line confirms the match). */
  readonly confidence?: number;
}

/** One knowledge-base entry. */
export interface FixRule {
  /** Stable id, used as `FixSuggestion.rule`: `undefined-property`, `module-not-found`, `ts2339`, … */
  readonly id: string;
  /** Default title of its suggestions. */
  readonly title: string;
  /** One line for docs: which failures it covers. */
  readonly covers: string;
  readonly matcher: RuleMatcher;
  /** 0..1: how sure the rule is, by default, when it matches. */
  readonly confidence: number;
  readonly suggest: (context: RuleContext) => RuleOutcome | undefined;
}
