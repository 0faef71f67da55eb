/**
 * Findings as VS Code diagnostics: one collection per agent (so the Problems panel can be filtered
 * by source), codes that link to the rule's help, and the source→sink path of a security finding as
 * related information.
 */
import * as vscode from 'vscode';
import type { Finding } from '../../shared/findings/finding.js';

const SEVERITY: Record<Finding['severity'], vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
};

/** A diagnostic that remembers its finding (for quick fixes). */
export class FindingDiagnostic extends vscode.Diagnostic {
  constructor(readonly finding: Finding, range: vscode.Range) {
    super(range, finding.message, SEVERITY[finding.severity]);
  }
}

/** The range of a finding (1-based lines and columns) in VS Code's 0-based positions. */
export function rangeOf(f: { range: Finding['range'] }): vscode.Range {
  const start = new vscode.Position(Math.max(0, f.range.start.line - 1), Math.max(0, f.range.start.column - 1));
  const end = new vscode.Position(Math.max(0, f.range.end.line - 1), Math.max(0, f.range.end.column - 1));
  return new vscode.Range(start, end.isBefore(start) ? start : end);
}

/** Turns a finding into a diagnostic. */
export function toDiagnostic(f: Finding, root: vscode.Uri): FindingDiagnostic {
  const d = new FindingDiagnostic(f, rangeOf(f));
  d.source = `orchestra/${f.agent}`;
  d.code = f.helpUrl ? { value: f.ruleId, target: vscode.Uri.parse(f.helpUrl) } : f.ruleId;
  if (f.evidence?.length) {
    d.relatedInformation = f.evidence.map((step) => new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.joinPath(root, step.file), rangeOf(step)), step.message));
  }
  if (f.tags?.includes('deprecated')) d.tags = [vscode.DiagnosticTag.Deprecated];
  return d;
}

/** One DiagnosticCollection per agent. */
export class AgentDiagnostics implements vscode.Disposable {
  private readonly collections = new Map<string, vscode.DiagnosticCollection>();

  private collection(agent: string): vscode.DiagnosticCollection {
    let c = this.collections.get(agent);
    if (!c) {
      c = vscode.languages.createDiagnosticCollection(`orchestra.${agent}`);
      this.collections.set(agent, c);
    }
    return c;
  }

  /** Replaces the diagnostics of `files` (relative paths) with `findingsOf(file)`. */
  update(root: vscode.Uri, files: string[], findingsOf: (file: string) => readonly Finding[]): void {
    for (const file of files) {
      const uri = vscode.Uri.joinPath(root, file);
      const byAgent = new Map<string, FindingDiagnostic[]>();
      for (const f of findingsOf(file)) byAgent.set(f.agent, [...(byAgent.get(f.agent) ?? []), toDiagnostic(f, root)]);
      for (const agent of new Set([...this.collections.keys(), ...byAgent.keys()])) this.collection(agent).set(uri, byAgent.get(agent) ?? []);
    }
  }

  /** Every diagnostic of ours at a document. */
  at(uri: vscode.Uri): FindingDiagnostic[] {
    return [...this.collections.values()].flatMap((c) => (c.get(uri) ?? []).filter((d): d is FindingDiagnostic => d instanceof FindingDiagnostic));
  }

  dispose(): void {
    for (const c of this.collections.values()) c.dispose();
    this.collections.clear();
  }
}
