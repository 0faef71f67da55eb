/**
 * Collects the findings of one file: turns a sink, its class and the taint that reached it into a
 * {@link Finding} with CWE ids, a severity and confidence that follow the strength of the source,
 * source→sink evidence and the rule's remediation; drops duplicates of one sink.
 */
import type { EvidenceStep, Finding, Severity } from '../../../shared/findings/finding.js';
import type { LiftedTree } from '../parsing/lift-tree.js';
import { SECURITY_RULES, type SecurityClass } from './rules.js';
import { Level, type Span, type Taint } from './taint.js';

/** What an analyser reports for one sink. */
export interface SinkReport {
  cls: SecurityClass;
  /** The flagged code (the sink call, the regex, the string). */
  at: Span;
  message: string;
  /** The outside data that reached the sink, when the finding is a taint finding. */
  taint?: Taint;
  /** Overrides the severity derived from the taint level. */
  severity?: Severity;
  /** Overrides the confidence derived from the taint level. */
  confidence?: number;
  /** Short label of the sink for the evidence (`child_process.exec`). */
  sink?: string;
  tags?: string[];
}

const SEVERITY_RANK: Record<Severity, number> = { error: 3, warning: 2, info: 1 };

/** Severity and confidence for a taint of a given level on a rule whose strongest severity is `top`. */
export function gradeFor(level: Level, top: Severity): { severity: Severity; confidence: number } {
  const cap = (s: Severity): Severity => (SEVERITY_RANK[s] > SEVERITY_RANK[top] ? top : s);
  if (level >= Level.User) return { severity: top, confidence: 0.9 };
  if (level >= Level.Archive) return { severity: top, confidence: 0.8 };
  if (level >= Level.Param) return { severity: cap('warning'), confidence: 0.6 };
  return { severity: 'info', confidence: 0.3 };
}

/** Accumulates findings for one file. */
export class FindingCollector {
  private readonly seen = new Set<string>();
  private readonly items: Omit<Finding, 'fingerprint'>[] = [];

  constructor(
    private readonly file: string,
    private readonly tree: Pick<LiftedTree, 'position'>,
    private readonly agent: string,
  ) {}

  /** Adds a finding; a second report of the same class on the same span is ignored. */
  add(report: SinkReport): void {
    const key = `${report.cls}:${report.at.start}:${report.at.end}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    const rule = SECURITY_RULES[report.cls];
    const graded = report.taint ? gradeFor(report.taint.level, rule.severity) : { severity: rule.severity, confidence: 0.7 };
    const evidence: EvidenceStep[] = [];
    if (report.taint) {
      const t = report.taint;
      evidence.push({ message: `source: ${t.source}`, file: this.file, range: this.range(t.origin) });
      for (const s of t.steps) evidence.push({ message: s.message, file: this.file, range: this.range(s) });
      evidence.push({ message: `sink: ${report.sink ?? rule.title}`, file: this.file, range: this.range(report.at) });
    }
    this.items.push({
      ruleId: rule.id,
      agent: this.agent,
      severity: report.severity ?? graded.severity,
      message: report.message,
      file: this.file,
      range: this.range(report.at),
      help: rule.help,
      helpUrl: rule.helpUrl,
      cwe: [...rule.cwe],
      tags: ['security', ...rule.cwe.map((c) => `external/cwe/cwe-${c}`), ...(report.tags ?? [])],
      confidence: report.confidence ?? graded.confidence,
      ...(evidence.length > 0 ? { evidence } : {}),
    });
  }

  /** The findings so far, in file order, without fingerprints. */
  findings(): Omit<Finding, 'fingerprint'>[] {
    return [...this.items].sort((a, b) => a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column);
  }

  private range(span: Span): Finding['range'] {
    return { start: this.tree.position(span.start), end: this.tree.position(Math.max(span.start, span.end)) };
  }
}
