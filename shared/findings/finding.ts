/**
 * One finding type for every agent (review swarm, error swarm). Hosts render it as diagnostics,
 * check-run annotations, SARIF results or terminal lines; the core's consensus step merges
 * findings from several agents by {@link Finding.fingerprint}.
 */

/** Severity, most to least serious. */
export type Severity = 'error' | 'warning' | 'info';

/** 1-based line, 1-based column (as editors and SARIF show them); `end` is inclusive of its line. */
export interface Position {
  line: number;
  column: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** A text edit: replace the byte range [start, end) of the original content with `text`. */
export interface TextEdit {
  /** 0-based UTF-16 offsets into the file's content, as ESLint's fixes give them. */
  start: number;
  end: number;
  text: string;
}

/** A fix an agent offers: a description and the edits that make it. */
export interface Fix {
  description: string;
  edits: TextEdit[];
}

/** One step of evidence, e.g. source→sink for a taint finding. */
export interface EvidenceStep {
  message: string;
  file: string;
  range: Range;
}

/** A finding. */
export interface Finding {
  /** Rule id, namespaced by agent family: `security/command-injection`, `eslint/no-unused-vars`. */
  ruleId: string;
  /** The agent that produced it. */
  agent: string;
  severity: Severity;
  message: string;
  /** Path relative to the reviewed root, with forward slashes. */
  file: string;
  range: Range;
  /**
   * Stable identity that survives unrelated line shifts: derived from the rule, the file and the
   * normalised text of the flagged code (not its line number).
   */
  fingerprint: string;
  fix?: Fix;
  /**
   * Alternative fixes a person may choose from; never applied automatically (ESLint's
   * "suggestions", e.g. "remove unused variable", "use `unknown` instead of `any`").
   */
  suggestions?: Fix[];
  help?: string;
  helpUrl?: string;
  /** CWE ids as numbers, e.g. [78]. */
  cwe?: number[];
  tags?: string[];
  /** 0..1, how sure the agent is. */
  confidence?: number;
  evidence?: EvidenceStep[];
  /** Set by the diff filter: the finding lies on a changed line (reviewdog's `InDiffFile`/`InDiffContext`). */
  inDiff?: boolean;
  /** Set by filters and suppressions: whether reporters should show it. */
  shouldReport?: boolean;
  /** Why it is suppressed, when it is. */
  suppressed?: { by: 'inline' | 'config' | 'baseline'; reason?: string };
}
