/**
 * The error swarm's traced failures as diagnostics: one collection, `orchestra/error-swarm`, with one
 * diagnostic per traced error group at its faulting line (the message, the group's kind as code, the
 * other candidate frames as related information). Quick fixes on them: apply a suggestion that
 * carries a patch, find the commit that introduced the failure, explain it, dismiss it.
 */
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { applyPatch, parsePatch } from 'diff';
import * as vscode from 'vscode';
import type { FaultLocation, TriageItem } from '../../agents/error/types.js';
import { oneLine } from './error-output.js';

/** A failure the error swarm traced, as `session.errors.recent()` lists it. */
export type TracedFailure = TriageItem & { source: string; at: number };

/** `source` of every diagnostic of the collection. */
export const ERROR_SWARM_SOURCE = 'Orchestra error swarm';
/** The collection's name. */
export const ERROR_SWARM_COLLECTION = 'orchestra/error-swarm';

const MAX_READ_BYTES = 2 * 1024 * 1024;
const MAX_RELATED = 5;

/** A diagnostic that remembers its traced failure (for quick fixes). */
export class FailureDiagnostic extends vscode.Diagnostic {
  constructor(readonly failure: TracedFailure, range: vscode.Range, message: string) {
    super(range, message, vscode.DiagnosticSeverity.Error);
  }
}

/** The file of a fault under `root`, or undefined when it would leave it. */
function inside(root: string, file: string): string | undefined {
  const absolute = resolve(root, file);
  const rel = relative(root, absolute);
  return rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel) ? undefined : absolute;
}

/** Reads the faulting line's text to underline it from the column to its end (nothing when unreadable). */
async function lineText(path: string, line: number): Promise<string | undefined> {
  try {
    if ((await stat(path)).size > MAX_READ_BYTES) return undefined;
    return (await readFile(path, 'utf8')).split(/\r?\n/)[line - 1];
  } catch {
    return undefined;
  }
}

function rangeAt(fault: Pick<FaultLocation, 'line' | 'column'>, text: string | undefined): vscode.Range {
  const line = Math.max(0, fault.line - 1);
  const indent = text === undefined ? 0 : text.length - text.trimStart().length;
  const start = fault.column !== undefined ? Math.max(0, fault.column - 1) : indent;
  const end = text === undefined ? start + 1 : Math.max(start + 1, text.trimEnd().length);
  return new vscode.Range(line, start, line, end);
}

/** The diagnostics of the error swarm; {@link render} replaces them all with the traced failures given. */
export class ErrorDiagnostics implements vscode.Disposable {
  private readonly collection = vscode.languages.createDiagnosticCollection(ERROR_SWARM_COLLECTION);
  private generation = 0;

  constructor(private readonly root: vscode.Uri) {}

  /** Shows one diagnostic per failure located in the project's files; the rest have no place to show. */
  async render(failures: readonly TracedFailure[]): Promise<void> {
    const generation = ++this.generation;
    const byFile = new Map<string, FailureDiagnostic[]>();
    for (const failure of failures) {
      const fault = failure.fault;
      const path = fault && inside(this.root.fsPath, fault.file);
      if (!fault || !path) continue;
      const { first, count } = failure.group;
      const diagnostic = new FailureDiagnostic(failure, rangeAt(fault, await lineText(path, fault.line)), `${oneLine(first.message, 500)}${count > 1 ? ` (×${count})` : ''}`);
      diagnostic.source = ERROR_SWARM_SOURCE;
      diagnostic.code = first.kind;
      const others = failure.candidates.filter((c) => !(c.file === fault.file && c.line === fault.line)).slice(0, MAX_RELATED);
      const related = others.flatMap((c) => {
        const other = inside(this.root.fsPath, c.file);
        return other ? [new vscode.DiagnosticRelatedInformation(new vscode.Location(vscode.Uri.file(other), rangeAt(c, undefined)), `also in the trace${c.function ? `: ${c.function}` : ''} (${c.file}:${c.line})`)] : [];
      });
      if (related.length > 0) diagnostic.relatedInformation = related;
      byFile.set(path, [...(byFile.get(path) ?? []), diagnostic]);
    }
    if (generation !== this.generation) return;
    this.collection.clear();
    for (const [path, list] of byFile) this.collection.set(vscode.Uri.file(path), list);
  }

  /** The diagnostics of ours at a document. */
  at(uri: vscode.Uri): FailureDiagnostic[] {
    return (this.collection.get(uri) ?? []).filter((d): d is FailureDiagnostic => d instanceof FailureDiagnostic);
  }

  dispose(): void {
    this.generation++;
    this.collection.dispose();
  }
}

/** Quick fixes on the error swarm's diagnostics. */
export class FailureCodeActions implements vscode.CodeActionProvider {
  static readonly kinds = [vscode.CodeActionKind.QuickFix];

  constructor(private readonly diagnostics: ErrorDiagnostics) {}

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection): vscode.CodeAction[] {
    const actions: vscode.CodeAction[] = [];
    for (const d of this.diagnostics.at(document.uri)) {
      if (!d.range.intersection(range) && d.range.start.line !== range.start.line) continue;
      const fingerprint = d.failure.group.fingerprint;
      d.failure.suggestions.forEach((s, index) => {
        if (s.patch) actions.push(command(d, `Apply fix: ${s.title}`, 'orchestra.errors.applyPatch', [fingerprint, index], index === 0));
      });
      actions.push(command(d, 'Find Culprit Commit…', 'orchestra.errors.findCulprit', [fingerprint]));
      actions.push(command(d, 'Explain this failure', 'orchestra.errors.explain', [fingerprint]));
      actions.push(command(d, 'Dismiss this failure', 'orchestra.errors.dismiss', [fingerprint]));
    }
    return actions;
  }
}

function command(d: FailureDiagnostic, title: string, id: string, args: unknown[], preferred = false): vscode.CodeAction {
  const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
  action.command = { command: id, title, arguments: args };
  action.diagnostics = [d];
  if (preferred) action.isPreferred = true;
  return action;
}

/** A path named in a patch header (`a/src/x.js`, `b/src/x.js`, `src/x.js`), relative to the root. */
function patchPath(name: string | undefined): string | undefined {
  if (!name || name === '/dev/null') return undefined;
  return name.replace(/^[ab]\//, '');
}

/**
 * The edit that applies a suggestion's unified diff to the documents as they are now (open and
 * unsaved text included). Undefined, with the reason, when a file is outside the workspace or a hunk
 * no longer matches.
 */
export async function patchEdit(root: vscode.Uri, patch: string): Promise<{ edit: vscode.WorkspaceEdit } | { problem: string }> {
  const edit = new vscode.WorkspaceEdit();
  const files = parsePatch(patch);
  if (files.length === 0) return { problem: 'the suggestion carries no patch' };
  for (const file of files) {
    const name = patchPath(file.newFileName) ?? patchPath(file.oldFileName);
    const path = name && inside(root.fsPath, name);
    if (!path) return { problem: `the patch names a file outside the workspace (${name ?? 'none'})` };
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(path));
    const before = document.getText();
    const after = applyPatch(before, file);
    if (after === false) return { problem: `the patch no longer applies to ${name}: the file changed since the failure was traced` };
    edit.replace(document.uri, new vscode.Range(document.positionAt(0), document.positionAt(before.length)), after);
  }
  return { edit };
}
