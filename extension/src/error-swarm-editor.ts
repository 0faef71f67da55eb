/**
 * The error swarm in the editor. Failed terminal commands (shell integration) are triaged by the
 * session's error swarm (`session.errors`); failed tasks are offered a re-run that captures their
 * output. Every traced failure located in the project becomes a diagnostic at its faulting line
 * (error-diagnostics.ts, also for failures from log watchers), and a failure from the editor gets a
 * notification with Explain (the chat, `/explain`), Find Culprit Commit and Dismiss. Finding the
 * culprit and reverting it (culprit-flow.ts) and re-running a task are `execute`/`critical` actions:
 * refused in an untrusted workspace, otherwise approved through the Approvals inbox, and audited in the
 * extension's one audit trail.
 */
import * as vscode from 'vscode';
import type { CommitInfo, CulpritReport } from '../../agents/error/bisect/types.js';
import type { TriageReport } from '../../agents/error/types.js';
import type { WorkspaceSession } from '../../agents/session/workspace-session.js';
import type { AuditRecorder } from '../../shared/audit/audit-entry.js';
import { errorMessage, isCancellation, isErrorNamed } from '../../shared/errors/errors.js';
import { PolicyEngine } from '../../shared/governance/policy-engine.js';
import { EVIDENCE_SCHEME, EvidenceDocuments, findCulpritInteractively, revertInteractively, type CulpritFlowDeps } from './culprit-flow.js';
import { ErrorDiagnostics, FailureCodeActions, patchEdit } from './error-diagnostics.js';
import { cleanTerminalOutput, failureNotice, oneLine } from './error-output.js';
import { errorActionsPolicy, RERUN_AGENT } from './error-policy.js';
import { registerErrorWatch, type TaskFailure } from './error-watch.js';
import { runForOutput, taskCommand } from './task-rerun.js';
import type { TrustGate } from './workspace-trust.js';

/** `source` of the governance engine's events: its approval requests reveal the Approvals view. */
const ENGINE_SOURCE = 'vscode-error-swarm';
const TERMINAL_PREFIX = 'terminal: ';

/** A command that failed: the line as typed (or the task's) and the folder it ran in. */
interface FailedCommand {
  readonly line: string;
  readonly cwd: string | undefined;
}

/** What {@link registerErrorSwarm} needs. */
export interface ErrorSwarmDeps {
  readonly session: WorkspaceSession;
  readonly log: vscode.LogOutputChannel;
  readonly trust: Pick<TrustGate, 'allows' | 'refuse'>;
  /** The extension's one audit trail (the approvals inbox writes to it too): never a second writer. */
  readonly audit: AuditRecorder;
  /** Asks the chat (the Chat view when it is usable, else the chat panel) and shows the answer. */
  askChat(text: string): Promise<void>;
}

/** Registers the terminal and task watch, the diagnostics, the quick fixes and the `orchestra.errors.*` commands. */
export function registerErrorSwarm(context: vscode.ExtensionContext, deps: ErrorSwarmDeps): void {
  const { session, log } = deps;
  const root = vscode.Uri.file(session.root);
  const user = process.env.USER ?? process.env.USERNAME ?? 'vscode-user';

  const diagnostics = new ErrorDiagnostics(root);
  const render = () => void diagnostics.render(session.errors.recent()).catch((error: unknown) => log.warn(`error diagnostics: ${errorMessage(error)}`));
  const triaged = session.errors.onDidTriage(render);
  render();
  const evidence = new EvidenceDocuments();
  context.subscriptions.push(
    diagnostics,
    { dispose: () => triaged.dispose() },
    vscode.languages.registerCodeActionsProvider([{ scheme: 'file' }], new FailureCodeActions(diagnostics), { providedCodeActionKinds: FailureCodeActions.kinds }),
    evidence,
    vscode.workspace.registerTextDocumentContentProvider(EVIDENCE_SCHEME, evidence),
  );

  let engine: PolicyEngine | undefined;
  const currentEngine = (): PolicyEngine => {
    const policy = errorActionsPolicy(session.effectiveConfig.permissions);
    engine ??= new PolicyEngine({ policy, bus: session.bus, audit: deps.audit, source: ENGINE_SOURCE });
    engine.setPolicy(policy);
    return engine;
  };
  const revealApprovals = session.bus.subscribe('approval.requested', (event) => {
    if (event.source === ENGINE_SOURCE) void vscode.commands.executeCommand('orchestra.approvals.focus').then(undefined, () => undefined);
  }, { name: 'error-swarm-editor' });
  context.subscriptions.push({ dispose: () => engine?.dispose() }, { dispose: () => revealApprovals.dispose() });
  const flow: CulpritFlowDeps = { session, log, trust: deps.trust, engine: currentEngine, user };

  // The command to re-run when looking for the culprit, and where: the failed terminal command, or the task's.
  const failedCommands = new Map<string, FailedCommand>();
  let lastCommand: FailedCommand | undefined;
  let lastReport: CulpritReport | undefined;
  const commandFor = (fingerprint?: string): FailedCommand | undefined => {
    const item = fingerprint ? session.errors.recent().find((i) => i.group.fingerprint === fingerprint) : undefined;
    const fromSource = item?.source.startsWith(TERMINAL_PREFIX) ? { line: item.source.slice(TERMINAL_PREFIX.length), cwd: undefined } : undefined;
    return (fingerprint ? failedCommands.get(fingerprint) : undefined) ?? fromSource ?? lastCommand;
  };

  /**
   * Shows the first failure of a report located in the project's code (a notification per failure in
   * someone's own code; a mistyped command or a failed `git push` stays quiet, though `/explain` has it).
   * False when the output held none.
   */
  const announce = (report: TriageReport, source: string, command: FailedCommand): boolean => {
    for (const item of report.items) failedCommands.set(item.group.fingerprint, command);
    lastCommand = command;
    const first = report.items.find((item) => item.fault);
    if (!first) return false;
    const fingerprint = first.group.fingerprint;
    void vscode.window.showErrorMessage(failureNotice(first, source), 'Explain', 'Find Culprit Commit', 'Dismiss').then((pick) => {
      if (pick === 'Explain') void deps.askChat(`/explain ${fingerprint}`);
      if (pick === 'Find Culprit Commit') void vscode.commands.executeCommand('orchestra.errors.findCulprit', fingerprint);
      if (pick === 'Dismiss') session.errors.clear(fingerprint);
    });
    return true;
  };

  const triage = async (output: string, source: string): Promise<TriageReport | undefined> => {
    try {
      return await session.errors.triage(output, { source });
    } catch (error) {
      if (!isCancellation(error)) log.warn(`triage of ${source} failed: ${errorMessage(error)}`);
      return undefined;
    }
  };

  const rerunTask = async (failure: TaskFailure): Promise<void> => {
    const { task } = failure;
    if (!deps.trust.allows('execute')) return void deps.trust.refuse(`re-run the task "${task.name}" to read its output`, 'execute');
    const command = taskCommand(task, session.root);
    if ('problem' in command) return void vscode.window.showWarningMessage(`Orchestra: cannot re-run the task "${task.name}": ${command.problem}.`);
    try {
      const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `Orchestra: re-running the task "${task.name}"`, cancellable: true }, async (progress, token) => {
        const controller = new AbortController();
        const cancel = token.onCancellationRequested(() => controller.abort(new Error('cancelled in the editor')));
        progress.report({ message: 'waiting for your approval in the Approvals view…' });
        try {
          return await currentEngine().perform(
            { agentId: RERUN_AGENT, action: 'task.rerun', level: 'execute', input: { task: task.name, command: command.argv, cwd: command.cwd }, user, summary: `Run the failed task "${task.name}" again to read its output: ${oneLine(command.display, 150)}`, signal: controller.signal },
            () => {
              progress.report({ message: oneLine(command.display, 80) });
              return runForOutput(command, { signal: controller.signal });
            },
          );
        } finally {
          cancel.dispose();
        }
      });
      if (result.exitCode === 0) return void vscode.window.showInformationMessage(`Orchestra: the task "${task.name}" passed when run again (a flaky failure, or one that depends on the terminal): nothing to trace.`);
      const report = await triage(cleanTerminalOutput(result.output), failure.source);
      if (!report || !announce(report, failure.source, { line: command.display, cwd: command.cwd })) {
        void vscode.window.showWarningMessage(`Orchestra: the task "${task.name}" failed again (${result.timedOut ? 'timed out' : `exit ${result.exitCode ?? result.signal}`}), but the error swarm found no error located in your code in its output.`);
      }
    } catch (error) {
      if (isCancellation(error)) return;
      if (isErrorNamed(error, 'PermissionDeniedError')) return void vscode.window.showWarningMessage(`Orchestra: the task was not re-run: ${error.message}`);
      void vscode.window.showErrorMessage(`Orchestra: re-running the task "${task.name}" failed: ${errorMessage(error)}`);
    }
  };

  registerErrorWatch(context, {
    log,
    onTerminalFailure: (failure) =>
      void triage(failure.output, failure.source).then((report) => {
        if (report) announce(report, failure.source, { line: failure.commandLine, cwd: failure.cwd });
      }),
    onTaskFailure: (failure) => {
      const rerun = 'Re-run and Triage';
      void vscode.window
        .showWarningMessage(`Orchestra: the task "${failure.task.name}" failed (exit ${failure.exitCode}). Extensions cannot read a task's output: run it again to let the error swarm trace the failure?`, rerun)
        .then((pick) => (pick === rerun ? rerunTask(failure) : undefined));
    },
  });

  const commands: Record<string, (...args: never[]) => unknown> = {
    'orchestra.errors.explain': (fingerprint?: string) => deps.askChat(typeof fingerprint === 'string' ? `/explain ${fingerprint}` : '/explain'),
    'orchestra.errors.findCulprit': async (fingerprint?: string) => {
      const report = await findCulpritInteractively(flow, evidence, commandFor(typeof fingerprint === 'string' ? fingerprint : undefined));
      if (report) lastReport = report;
    },
    'orchestra.errors.revert': async (culprit?: CommitInfo) => {
      const target = culprit?.sha ? culprit : lastReport?.culprit;
      if (!target) return void vscode.window.showInformationMessage('Orchestra: no culprit commit yet: run "Find Culprit Commit" first.');
      await revertInteractively(flow, target);
    },
    'orchestra.errors.dismiss': (fingerprint?: string) => session.errors.clear(typeof fingerprint === 'string' ? fingerprint : undefined),
    'orchestra.errors.applyPatch': async (fingerprint: string, index: number) => {
      const suggestion = session.errors.recent().find((i) => i.group.fingerprint === fingerprint)?.suggestions[index];
      if (!suggestion?.patch) return void vscode.window.showWarningMessage('Orchestra: that suggestion is gone (the failure was dismissed or traced again).');
      const result = await patchEdit(root, suggestion.patch);
      if ('problem' in result) return void vscode.window.showWarningMessage(`Orchestra: the fix was not applied: ${result.problem}.`);
      if (!(await vscode.workspace.applyEdit(result.edit))) void vscode.window.showWarningMessage('Orchestra: the editor refused the fix.');
    },
  };
  for (const [id, fn] of Object.entries(commands)) context.subscriptions.push(vscode.commands.registerCommand(id, fn as (...args: unknown[]) => unknown));
}
