/**
 * "Find Culprit Commit" and "Revert…" in the editor. Finding the culprit runs the failing command at
 * several commits (`findCulprit`, in a temporary worktree): an `execute` action. Reverting creates a
 * branch with the revert commit (`proposeRevert`, in a temporary worktree, never pushed): a `critical`
 * action. Both are refused in an untrusted workspace, and otherwise wait for a person's approval in the
 * Approvals inbox (the governance engine publishes `approval.requested`; the inbox answers with
 * `approval.decided`), and both are audited. The search shows its progress and can be cancelled; its
 * report opens as a read-only document.
 */
import { isAbsolute, relative } from 'node:path';
import * as vscode from 'vscode';
import { findCulprit } from '../../agents/error/bisect/index.js';
import { gitText } from '../../agents/error/bisect/git-command.js';
import type { CommitInfo, CulpritReport } from '../../agents/error/bisect/types.js';
import { proposeRevert } from '../../agents/error/rollback/index.js';
import type { WorkspaceSession } from '../../agents/session/workspace-session.js';
import { errorMessage, isCancellation, isErrorNamed } from '../../shared/errors/errors.js';
import type { PolicyEngine } from '../../shared/governance/policy-engine.js';
import { culpritHeadline, culpritMarkdown, describeCommit, revertMessage } from './culprit-text.js';
import { commandArgv, formatArgv, oneLine } from './error-output.js';
import { CULPRIT_AGENT, ROLLBACK_AGENT } from './error-policy.js';
import type { TrustGate } from './workspace-trust.js';

/** The scheme of the read-only evidence documents. */
export const EVIDENCE_SCHEME = 'orchestra-evidence';

/** What the flows need. */
export interface CulpritFlowDeps {
  readonly session: WorkspaceSession;
  readonly log: vscode.LogOutputChannel;
  readonly trust: Pick<TrustGate, 'allows' | 'refuse'>;
  /** The governance engine on the session's bus, its policy up to date. */
  engine(): PolicyEngine;
  /** Who asks, for the audit trail. */
  readonly user: string;
}

interface RefPick extends vscode.QuickPickItem {
  ref?: string;
}

/** Serves the evidence documents (read-only: a content provider's documents cannot be saved over). */
export class EvidenceDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly documents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.documents.get(uri.path) ?? 'This report is no longer available: run "Find Culprit Commit" again.';
  }

  /** Opens `markdown` as a read-only document named `name`. */
  async show(name: string, markdown: string): Promise<void> {
    const uri = vscode.Uri.from({ scheme: EVIDENCE_SCHEME, path: `/${name}` });
    this.documents.set(uri.path, markdown);
    this.changed.fire(uri);
    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.languages.setTextDocumentLanguage(document, 'markdown');
    await vscode.window.showTextDocument(document, { preview: false });
  }

  dispose(): void {
    this.changed.dispose();
    this.documents.clear();
  }
}

/** Recent tags and commits for the known-good ref, stepping back first. Undefined when cancelled. */
async function pickGoodRef(root: string): Promise<{ ref: string | undefined } | undefined> {
  const items: RefPick[] = [{ label: '$(history) Let Orchestra step back', description: 'tries HEAD~1, ~2, ~4, … until the command passes', detail: 'Pick this when you do not know a commit where it worked.' }];
  const tags = await gitText(['for-each-ref', '--sort=-creatordate', '--count=10', '--format=%(refname:short)%09%(subject)', 'refs/tags'], { cwd: root }).catch(() => '');
  const commits = await gitText(['log', '-n', '20', '--skip=1', '--format=%h%x09%s%x09%an, %ar', 'HEAD'], { cwd: root }).catch(() => '');
  const rows = (text: string) => text.split('\n').filter(Boolean).map((line) => line.split('\t'));
  const tagRows = rows(tags);
  if (tagRows.length > 0) items.push({ label: 'Tags', kind: vscode.QuickPickItemKind.Separator }, ...tagRows.map(([tag, subject]) => ({ label: `$(tag) ${tag}`, description: subject, ref: tag })));
  const commitRows = rows(commits);
  if (commitRows.length > 0) items.push({ label: 'Recent commits', kind: vscode.QuickPickItemKind.Separator }, ...commitRows.map(([sha, subject, who]) => ({ label: `$(git-commit) ${sha}`, description: subject, detail: who, ref: sha })));
  const pick = await vscode.window.showQuickPick(items, { title: 'Find Culprit Commit (1/2): where did the command still pass?', placeHolder: 'A tag or commit known to be good, or let Orchestra step back', matchOnDescription: true });
  return pick ? { ref: pick.ref } : undefined;
}

/** The folder to run the command in: where it failed when that is inside the workspace, else the workspace. */
function runFolder(root: string, cwd: string | undefined): string {
  if (!cwd) return root;
  const rel = relative(root, cwd);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? root : cwd;
}

/**
 * Asks for the known-good ref and the command (default: the failed command), then, approved,
 * bisects with progress (in the same sub-folder the command failed in); shows the result with
 * "Revert…" and "Show Evidence".
 */
export async function findCulpritInteractively(deps: CulpritFlowDeps, evidence: EvidenceDocuments, failed: { line: string; cwd: string | undefined } | undefined): Promise<CulpritReport | undefined> {
  const { session, log } = deps;
  if (!deps.trust.allows('execute')) {
    deps.trust.refuse('find the culprit commit (runs the failing command at several commits)', 'execute');
    return undefined;
  }
  const inRepo = await gitText(['rev-parse', '--is-inside-work-tree'], { cwd: session.root }).catch(() => 'false');
  if (inRepo !== 'true') {
    void vscode.window.showWarningMessage('Orchestra: finding the culprit commit needs a git repository, and this folder is not one.');
    return undefined;
  }
  const good = await pickGoodRef(session.root);
  if (!good) return undefined;
  const line = await vscode.window.showInputBox({
    title: 'Find Culprit Commit (2/2): the command that fails',
    prompt: 'Run at each commit in a temporary worktree (your working tree is not touched): exit 0 passes, 125 skips the commit, anything else fails.',
    value: failed?.line ?? '',
    validateInput: (value) => (commandArgv(value) ? undefined : 'Give the command that fails, e.g. npm test'),
  });
  const command = line === undefined ? undefined : commandArgv(line);
  if (!command) return undefined;
  const shown = formatArgv(command);
  const folder = runFolder(session.root, failed?.cwd);
  const budgetMs = session.effectiveConfig.error.bisect.timeBudgetMs;
  let report: CulpritReport;
  try {
    report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'Orchestra: finding the culprit commit', cancellable: true }, async (progress, token) => {
      const controller = new AbortController();
      const cancel = token.onCancellationRequested(() => controller.abort(new Error('cancelled in the editor')));
      try {
        progress.report({ message: 'waiting for your approval in the Approvals view…' });
        return await deps.engine().perform(
          {
            agentId: CULPRIT_AGENT,
            action: 'bisect.run',
            level: 'execute',
            input: { repo: folder, command, good: good.ref ?? '(step back from HEAD)', budgetMs },
            user: deps.user,
            summary: `Find the commit that broke "${oneLine(shown, 120)}": runs it at several commits in a temporary worktree (your working tree is not touched)`,
            signal: controller.signal,
          },
          () => {
            progress.report({ message: 'running the command at HEAD…' });
            return findCulprit({
              repo: folder,
              command,
              ...(good.ref !== undefined && { good: good.ref }),
              budgetMs,
              signal: controller.signal,
              onStep: (step) => progress.report({ message: `run ${step.index}: ${step.sha.slice(0, 7)} ${step.verdict}${step.remaining !== undefined ? `, ${step.remaining} left` : ''}` }),
            });
          },
        );
      } finally {
        cancel.dispose();
      }
    });
  } catch (error) {
    if (isCancellation(error)) void vscode.window.showInformationMessage('Orchestra: the culprit search was cancelled; nothing was changed.');
    else if (isErrorNamed(error, 'PermissionDeniedError')) void vscode.window.showWarningMessage(`Orchestra: the culprit search did not run: ${error.message}`);
    else void vscode.window.showErrorMessage(`Orchestra: the culprit search failed: ${errorMessage(error)}`);
    log.warn(`culprit search: ${errorMessage(error)}`);
    return undefined;
  }
  log.info(`culprit search: ${report.status}: ${report.summary}`);
  const name = `culprit-${report.culprit?.short ?? report.status}.md`;
  const markdown = culpritMarkdown(report, { command: shown, good: good.ref });
  const buttons = report.status === 'found' && report.culprit ? ['Revert…', 'Show Evidence'] : ['Show Evidence'];
  void (report.status === 'found' ? vscode.window.showInformationMessage(culpritHeadline(report), ...buttons) : vscode.window.showWarningMessage(culpritHeadline(report), ...buttons)).then((pick) => {
    if (pick === 'Show Evidence') void evidence.show(name, markdown);
    if (pick === 'Revert…' && report.culprit) void vscode.commands.executeCommand('orchestra.errors.revert', report.culprit);
  });
  return report;
}

/**
 * Proposes the revert of `culprit` on a new branch, after a `critical` approval; says how it ended
 * (the branch and how to check it out; or why nothing was done).
 */
export async function revertInteractively(deps: CulpritFlowDeps, culprit: Pick<CommitInfo, 'sha' | 'short' | 'subject' | 'author'>): Promise<void> {
  const { session, log } = deps;
  if (!deps.trust.allows('critical')) {
    deps.trust.refuse(`revert ${culprit.short} on a new branch`, 'critical');
    return;
  }
  const rollback = session.effectiveConfig.error.rollback;
  if (!rollback.enabled) {
    const open = 'Open Setting';
    const pick = await vscode.window.showWarningMessage('Orchestra: proposing reverts is off in this repository. Turn on "error.rollback.enabled" (the setting Orchestra › Error: Rollback Enabled, or the Orchestra config file) to allow it; each revert still needs your approval.', open);
    if (pick === open) void vscode.commands.executeCommand('workbench.action.openSettings', 'orchestra.error.rollback.enabled');
    return;
  }
  let outcome;
  try {
    outcome = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Orchestra: reverting ${describeCommit(culprit)}`, cancellable: true }, async (progress, token) => {
      const controller = new AbortController();
      const cancel = token.onCancellationRequested(() => controller.abort(new Error('cancelled in the editor')));
      progress.report({ message: 'preparing the revert in a temporary worktree, then waiting for your approval in the Approvals view…' });
      try {
        return await proposeRevert({ repo: session.root, culprit: culprit.sha, engine: deps.engine(), agentId: ROLLBACK_AGENT, user: deps.user, maxPerDay: rollback.maxPerDay, signal: controller.signal });
      } finally {
        cancel.dispose();
      }
    });
  } catch (error) {
    if (isCancellation(error)) void vscode.window.showInformationMessage('Orchestra: the revert was cancelled; nothing was changed.');
    else void vscode.window.showErrorMessage(`Orchestra: the revert failed: ${errorMessage(error)}`);
    log.warn(`revert of ${culprit.short}: ${errorMessage(error)}`);
    return;
  }
  const message = revertMessage(outcome, culprit.short);
  log.info(`revert of ${culprit.short}: ${outcome.status}`);
  if (!message.ok) {
    void vscode.window.showWarningMessage(message.text);
    return;
  }
  if (outcome.status === 'reverted') {
    const copy = 'Copy "git switch" Command';
    void vscode.window.showInformationMessage(message.text, copy).then((pick) => {
      if (pick === copy) void vscode.env.clipboard.writeText(`git switch ${outcome.branch}`);
    });
  } else {
    void vscode.window.showInformationMessage(message.text);
  }
}
