/**
 * Quick fixes on Orchestra's diagnostics: apply the agent's fix (ESLint's and others), pick one of
 * its suggestions, suppress the finding with a reason (an inline `orchestra-ignore-next-line`
 * comment), or explain it in chat.
 */
import * as vscode from 'vscode';
import type { Finding, Fix } from '../../shared/findings/finding.js';
import type { AgentDiagnostics, FindingDiagnostic } from './diagnostics.js';

/** The edit that applies a fix to a document whose text is the reviewed text. */
export function fixEdit(document: vscode.TextDocument, fix: Fix): vscode.WorkspaceEdit {
  const edit = new vscode.WorkspaceEdit();
  for (const e of fix.edits) edit.replace(document.uri, new vscode.Range(document.positionAt(e.start), document.positionAt(e.end)), e.text);
  return edit;
}

/** The comment that suppresses a finding on the next line, in the document's comment syntax. */
export function suppressionComment(languageId: string, indent: string, ruleId: string, reason: string): string {
  const text = `orchestra-ignore-next-line ${ruleId} -- ${reason.replace(/[\r\n]+/g, ' ').trim()}`;
  return languageId === 'python' ? `${indent}# ${text}\n` : `${indent}// ${text}\n`;
}

/** Provides the quick fixes. */
export class FindingCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly diagnostics: AgentDiagnostics) {}

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const d of this.diagnostics.at(document.uri)) {
      if (!d.range.intersection(range) && !d.range.contains(range.start)) continue;
      const f = d.finding;
      if (f.fix && !document.isDirty) {
        const action = new vscode.CodeAction(`Fix: ${f.fix.description}`, vscode.CodeActionKind.QuickFix);
        action.edit = fixEdit(document, f.fix);
        action.diagnostics = [d];
        action.isPreferred = true;
        actions.push(action);
      }
      for (const s of document.isDirty ? [] : (f.suggestions ?? [])) {
        const action = new vscode.CodeAction(s.description, vscode.CodeActionKind.QuickFix);
        action.edit = fixEdit(document, s);
        action.diagnostics = [d];
        actions.push(action);
      }
      actions.push(command(d, `Suppress ${f.ruleId} here with a reason…`, 'orchestra.suppressFinding', [document.uri, f]));
      actions.push(command(d, `Explain ${f.ruleId}`, 'orchestra.explainFinding', [f]));
    }
    return actions;
  }
}

function command(d: FindingDiagnostic, title: string, id: string, args: unknown[]): vscode.CodeAction {
  const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
  action.command = { command: id, title, arguments: args };
  action.diagnostics = [d];
  return action;
}

/** Asks for a reason and inserts the suppression comment above the finding's line. */
export async function suppressFinding(uri: vscode.Uri, finding: Finding, reason?: string): Promise<boolean> {
  const why = reason ?? (await vscode.window.showInputBox({ title: `Suppress ${finding.ruleId}`, prompt: 'Why is this finding acceptable here? The reason is kept in the code.', validateInput: (v) => (v.trim().length < 3 ? 'Give a reason (at least 3 characters).' : undefined) }));
  if (!why) return false;
  const document = await vscode.workspace.openTextDocument(uri);
  const line = document.lineAt(Math.max(0, finding.range.start.line - 1));
  const indent = line.text.slice(0, line.firstNonWhitespaceCharacterIndex);
  const edit = new vscode.WorkspaceEdit();
  edit.insert(uri, line.range.start, suppressionComment(document.languageId, indent, finding.ruleId, why));
  return vscode.workspace.applyEdit(edit);
}
