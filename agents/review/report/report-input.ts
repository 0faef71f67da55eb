/**
 * What every reporter receives: the findings (already marked by the diff filter and suppressions),
 * the reviewed root, and access to file text for code frames and fixes. Reporters buffer and
 * produce their whole output once (reviewdog's reporters do the same).
 */
import type { Finding, Severity } from '../../../shared/findings/finding.js';

/** Per-agent timing, for summaries. */
export interface AgentTiming {
  agent: string;
  ms: number;
  files: number;
}

/** Input to a reporter. */
export interface ReportInput {
  /** Absolute path of the reviewed root; finding paths are relative to it. */
  root: string;
  findings: readonly Finding[];
  /** Text of a reviewed file by relative path (undefined when unknown). */
  source(file: string): string | undefined;
  /** Tool version for SARIF. */
  version: string;
  timings?: AgentTiming[];
  /** Files reviewed. */
  filesReviewed: number;
  /** Problems with the run itself (unreadable files, skipped binaries), shown but not findings. */
  notices?: string[];
}

/** Severity order, most serious first. */
export const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

/** The findings a reporter shows: marked to report and not suppressed. */
export function reportable(findings: readonly Finding[]): Finding[] {
  return findings.filter((f) => f.shouldReport !== false && f.suppressed === undefined);
}

/** Stable order: file, line, column, rule. */
export function byLocation(a: Finding, b: Finding): number {
  return a.file.localeCompare(b.file) || a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column || a.ruleId.localeCompare(b.ruleId);
}
