/**
 * The Orchestra extension: a workspace session (the review swarm kept warm, agents people spawn)
 * on the first workspace folder; saves become reviews (debounced, superseded ones cancelled);
 * findings become diagnostics per agent with quick fixes; a sidebar with the live dashboard, the
 * findings and the approvals inbox; commands, a status bar item, an `@orchestra` chat participant and
 * a chat panel. Heavy review work runs on the session's worker thread, not the extension host's.
 */
import { join } from 'node:path';
import * as vscode from 'vscode';
import { WorkspaceSession, type ReviewSettings } from '../../agents/session/workspace-session.js';
import type { WasmPaths } from '../../agents/review/parsing/wasm-paths.js';
import { FILE_AGENTS } from '../../agents/review/swarm/analyze-batch.js';
import { isReviewable } from '../../agents/review/swarm/collect-files.js';
import { AuditTrail, verifyAuditLog } from '../../shared/audit/index.js';
import type { Finding } from '../../shared/findings/finding.js';
import { ApprovalsInbox } from './approvals.js';
import { registerChat } from './chat-participant.js';
import { FindingCodeActions, suppressFinding } from './code-actions.js';
import { DashboardView } from './dashboard-view.js';
import { registerErrorSwarm } from './error-swarm-editor.js';
import { AgentDiagnostics } from './diagnostics.js';
import { FindingsTree, type GroupBy } from './findings-tree.js';
import { registerSettings, type SettingsSync } from './settings.js';
import { registerWorkspaceTrust } from './workspace-trust.js';

const VERSION = '0.1.0';

/** What the extension's commands and views share; tests reach it through the activate() result. */
export interface OrchestraApi {
  session: WorkspaceSession | undefined;
  /** Reviews files (workspace-relative) now; resolves when diagnostics are updated. */
  review(files?: string[]): Promise<void>;
  findings(): Finding[];
  dashboard: DashboardView;
  /** Milliseconds activate() took. */
  activationMs: number;
}

/** The editor's own settings; which agents run is the config's (`review.agents.*.enabled`, see settings.ts). */
function settings(): ReviewSettings & { onSave: boolean; debounceMs: number } {
  const c = vscode.workspace.getConfiguration('orchestra');
  return { agents: [...FILE_AGENTS], newCodeOnly: c.get<boolean>('review.newCodeOnly') ?? false, onSave: c.get<boolean>('review.onSave') ?? true, debounceMs: c.get<number>('review.debounceMs') ?? 150 };
}

function wasmPaths(extensionUri: vscode.Uri): WasmPaths {
  const g = (name: string) => vscode.Uri.joinPath(extensionUri, 'dist', 'grammars', name).fsPath;
  return {
    runtime: g('web-tree-sitter.wasm'),
    languages: { javascript: g('tree-sitter-javascript.wasm'), typescript: g('tree-sitter-typescript.wasm'), tsx: g('tree-sitter-tsx.wasm'), python: g('tree-sitter-python.wasm'), json: g('tree-sitter-json.wasm') },
  };
}

export async function activate(context: vscode.ExtensionContext): Promise<OrchestraApi> {
  const started = performance.now();
  const log = vscode.window.createOutputChannel('Orchestra', { log: true });
  context.subscriptions.push(log);
  const folder = vscode.workspace.workspaceFolders?.[0];
  const root = folder?.uri;
  const diagnostics = new AgentDiagnostics();
  context.subscriptions.push(diagnostics);

  let session: WorkspaceSession | undefined;
  if (root && root.scheme === 'file') {
    session = await WorkspaceSession.create({
      root: root.fsPath,
      version: VERSION,
      workerModule: vscode.Uri.joinPath(context.extensionUri, 'dist', 'review-worker.cjs').fsPath,
      wasmPaths: wasmPaths(context.extensionUri),
      threads: 1,
      // ESLint always runs on the worker thread: the extension host thread stays free for typing.
      poolThreshold: 0,
      cacheDir: join(context.globalStorageUri.fsPath, 'review-cache'),
      // Restricted Mode: the repository's ESLint config and tests do not run (workspace-trust.ts).
      trusted: vscode.workspace.isTrusted,
    });
    context.subscriptions.push({ dispose: () => void session?.close() });
  }
  const allFindings = () => [...(session?.findings.values() ?? [])].flat();

  const tree = new FindingsTree(root ?? vscode.Uri.file('/'), allFindings);
  context.subscriptions.push(tree, vscode.window.registerTreeDataProvider('orchestra.findings', tree));

  // Workspace trust: what may run (see workspace-trust.ts); granting it re-applies the settings and config.
  let settingsSync: SettingsSync | undefined;
  const trust = registerWorkspaceTrust(context, { session, log, onDidGrant: () => void settingsSync?.apply().catch(() => undefined) });

  // One audit trail, opened on first use, shared by the approvals inbox and the error swarm's governance engine.
  let audit: Promise<AuditTrail> | undefined;
  const auditTrail = (): Promise<AuditTrail> => (audit ??= AuditTrail.open(join(session!.root, '.orchestra', 'audit.jsonl')));
  const approvals = session
    ? new ApprovalsInbox(session.bus, async (e) => {
        await (await auditTrail()).record({ agentId: 'vscode', action: `approval: ${e.action}`, user: e.by, level: e.level, input: { requestId: e.requestId }, status: e.approved ? 'ok' : 'denied', decision: e.approved ? 'approved' : 'denied', approval: { requestId: e.requestId, by: e.by } });
      }, trust)
    : undefined;
  context.subscriptions.push({ dispose: () => void audit?.then((a) => a.close()) });
  if (approvals) context.subscriptions.push(approvals, vscode.window.registerTreeDataProvider('orchestra.approvals', approvals));

  const status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Left, 50);
  status.command = 'orchestra.showDashboard';
  context.subscriptions.push(status);
  const updateStatus = () => {
    const snap = session?.snapshot();
    if (!snap) {
      status.text = '$(circle-slash) Orchestra';
      status.tooltip = 'Orchestra: open a folder to review it';
    } else {
      status.text = `$(pulse) ${snap.agents.length} · $(error) ${snap.findings.error} $(warning) ${snap.findings.warning}${snap.lowPower ? ' · $(debug-pause) low-power' : ''}`;
      status.tooltip = `Orchestra: ${snap.agents.length} agent(s) running, ${snap.findings.error} error(s), ${snap.findings.warning} warning(s)${snap.lowPower ? ', low-power mode' : ''}`;
    }
    status.show();
  };
  updateStatus();

  const review = async (files?: string[]): Promise<void> => {
    if (!session) return;
    const s = settings();
    const result = await session.review(files, s);
    log.info(`reviewed ${result.filesReviewed} file(s): ${result.findings.filter((f) => f.shouldReport !== false && !f.suppressed).length} finding(s)`);
    for (const notice of result.notices) log.warn(notice);
  };

  if (session) {
    const s = session;
    context.subscriptions.push(s.onDidChangeFindings((files) => {
      diagnostics.update(root!, files, (file) => s.findings.get(file) ?? []);
      tree.refresh();
      updateStatus();
    }));
  }

  const relative = (uri: vscode.Uri): string | undefined => {
    if (!root || uri.scheme !== 'file') return undefined;
    const rel = vscode.workspace.asRelativePath(uri, false);
    return rel === uri.fsPath || rel.startsWith('..') ? undefined : rel.split('\\').join('/');
  };
  const reviewSoon = (uri: vscode.Uri) => {
    const rel = relative(uri);
    if (!session || !rel || !isReviewable(rel)) return;
    const s = settings();
    if (!s.onSave && !session.lowPower) return;
    session.scheduleReview([rel], s, s.debounceMs).catch((error: unknown) => log.error(`review of ${rel} failed: ${String(error)}`));
  };
  const CONFIG_FILE = /(^|\/)(orchestra\.config\.(json|ya?ml)|\.github\/orchestra\.yml)$/;
  // The settings are laid over the file again (settings.ts), and open files are reviewed if that changed anything.
  const onConfigSaved = async () => {
    if (!session || !settingsSync) return;
    await settingsSync.apply();
    if (session.configProblem) void vscode.window.showWarningMessage(`Orchestra: the config is invalid, defaults apply: ${session.configProblem}`);
    else log.info('config reloaded');
  };
  if (session?.configProblem) void vscode.window.showWarningMessage(`Orchestra: the config is invalid, defaults apply: ${session.configProblem}`);
  context.subscriptions.push(vscode.workspace.onDidSaveTextDocument((doc) => {
    const rel = relative(doc.uri);
    if (rel && CONFIG_FILE.test(rel)) void onConfigSaved();
    else reviewSoon(doc.uri);
  }));
  // Files changed outside the editor (a git checkout, a generator) are reviewed too, unless low-power.
  if (root) {
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(root, '**/*.{js,jsx,mjs,cjs,ts,tsx,mts,cts,py,json}'));
    const outside = (uri: vscode.Uri) => {
      if (session?.lowPower || vscode.workspace.textDocuments.some((d) => d.uri.toString() === uri.toString() && d.isDirty)) return;
      if (!uri.fsPath.includes(`${join('node_modules', '')}`)) reviewSoon(uri);
    };
    context.subscriptions.push(watcher, watcher.onDidChange(outside), watcher.onDidCreate(outside));
  }
  // Commits, checkouts and resets become `code.pushed` events; in "new code only" mode the open files
  // are reviewed again, since what counts as new moved with HEAD.
  if (session) {
    const s = session;
    void s.watchGit().then((watching) => context.subscriptions.push(watching));
    const sub = s.bus.subscribe('code.pushed', (e) => {
      log.info(`HEAD moved to ${e.payload.after.slice(0, 7)} on ${e.payload.ref}`);
      if (!settings().newCodeOnly) return;
      const open = vscode.workspace.textDocuments.map((d) => relative(d.uri)).filter((p): p is string => p !== undefined && isReviewable(p));
      if (open.length) void review(open).catch(() => undefined);
    }, { name: 'extension-git' });
    context.subscriptions.push(sub);
  }
  // Log files (also outside the workspace) followed by log watchers; their failures become events.
  if (session) {
    for (const file of vscode.workspace.getConfiguration('orchestra').get<string[]>('logFiles') ?? []) {
      if (typeof file === 'string' && file.trim()) void session.watchLog(file.trim()).then((id) => log.info(`${id} follows ${file}`), (e: unknown) => log.warn(`cannot watch ${file}: ${String(e)}`));
    }
  }
  // Settings: the orchestra.* settings set explicitly override the repository's config file (settings.ts).
  const openFiles = () => vscode.workspace.textDocuments.map((d) => relative(d.uri)).filter((p): p is string => p !== undefined && isReviewable(p));
  let settingsApplied = false;
  if (session) {
    const s = session;
    settingsSync = registerSettings(context, {
      session: s,
      log,
      onDidApply: (applied) => {
        if (applied.lowPowerChanged) {
          s.lowPower = applied.lowPower;
          updateStatus();
        }
        const files = openFiles();
        if (settingsApplied && applied.reviewChanged && files.length > 0) void review(files).catch((error: unknown) => log.error(String(error)));
      },
    });
    context.subscriptions.push(settingsSync);
    await settingsSync.apply().catch(() => undefined);
  }
  settingsApplied = true;
  // What is open when the extension starts is reviewed at once.
  const open = openFiles();
  if (open.length > 0) void review(open).catch((error: unknown) => log.error(String(error)));
  context.subscriptions.push(vscode.workspace.onDidOpenTextDocument((doc) => {
    const rel = relative(doc.uri);
    if (session && rel && isReviewable(rel) && !session.findings.has(rel)) session.scheduleReview([rel], settings(), 0).catch(() => undefined);
  }));

  context.subscriptions.push(vscode.languages.registerCodeActionsProvider([{ scheme: 'file' }], new FindingCodeActions(diagnostics), { providedCodeActionKinds: FindingCodeActions.kinds }));

  const dashboard = new DashboardView(context.extensionUri, () => session, (command) => void vscode.commands.executeCommand(`orchestra.${command}`), log, session?.bus);
  context.subscriptions.push(dashboard, vscode.window.registerWebviewViewProvider(DashboardView.id, dashboard));

  const withProgress = (title: string, task: () => Promise<void>) =>
    vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: false }, task);
  const needSession = (): WorkspaceSession | undefined => {
    if (!session) void vscode.window.showWarningMessage('Orchestra: open a folder first; the agents work on a workspace folder.');
    return session;
  };

  const chat = registerChat(context, { session: () => session, log, review, setLowPower: (on) => setLowPower(on), trust, ...(approvals ? { approvals } : {}) });

  // The error swarm: failed terminal commands and tasks → triage → diagnostics, notifications, culprit and revert (error-swarm-editor.ts).
  if (session) registerErrorSwarm(context, { session, log, trust, audit: { record: async (entry) => (await auditTrail()).record(entry) }, askChat: (text) => chat.ask(text) });

  const setLowPower = (on: boolean) => {
    if (!session) return;
    session.lowPower = on;
    void vscode.workspace.getConfiguration('orchestra').update('background.lowPower', on, vscode.ConfigurationTarget.Workspace).then(undefined, () => undefined);
    updateStatus();
    dashboard.schedule();
  };

  const commands: Record<string, (...args: never[]) => unknown> = {
    'orchestra.reviewWorkspace': () => needSession() && withProgress('Orchestra: reviewing the workspace', () => review(undefined)),
    'orchestra.reviewChanges': () => needSession() && withProgress('Orchestra: reviewing your changes', async () => {
      const s = needSession()!;
      await s.review(undefined, { ...settings(), newCodeOnly: true });
    }),
    'orchestra.showDashboard': () => vscode.commands.executeCommand('orchestra.dashboard.focus'),
    'orchestra.spawnAgent': async () => {
      const s = needSession();
      if (!s) return;
      const count = await vscode.window.showInputBox({ title: 'Spawn security-scanner agents', prompt: 'How many? (1-10)', value: '1', validateInput: (v) => (/^(10|[1-9])$/.test(v.trim()) ? undefined : 'A whole number from 1 to 10') });
      if (!count) return;
      const ids = await s.spawnSecurityScanners(Number(count));
      void vscode.window.showInformationMessage(`Orchestra: spawned ${ids.join(', ')}.`);
    },
    'orchestra.stopAgent': async () => {
      const s = needSession();
      if (!s) return;
      const spawned = s.spawned.list();
      if (spawned.length === 0) return void vscode.window.showInformationMessage('Orchestra: no spawned agent to stop (the review swarm stops with the editor).');
      const pick = await vscode.window.showQuickPick(spawned.map((a) => ({ label: a.id, description: a.kind })), { title: 'Stop which agent?' });
      if (pick && (await s.stopAgent(pick.label))) void vscode.window.showInformationMessage(`Orchestra: stopped ${pick.label}.`);
    },
    'orchestra.runChain': async () => {
      const text = await vscode.window.showInputBox({ title: 'Run a chain', prompt: 'e.g. syntax -> security -> complexity', value: 'syntax -> security' });
      if (!text) return;
      const reply = await chat.answer(`chain ${text} for all changed files`);
      // A refusal was shown already, as a warning that offers to manage trust.
      if (!trust.wasRefusal(reply)) void vscode.window.showInformationMessage(reply);
    },
    'orchestra.toggleLowPower': () => setLowPower(!session?.lowPower),
    'orchestra.showAuditLog': async () => {
      const s = needSession();
      if (!s) return;
      const uri = vscode.Uri.file(join(s.root, '.orchestra', 'audit.jsonl'));
      try {
        await vscode.window.showTextDocument(uri, { preview: true });
      } catch {
        void vscode.window.showInformationMessage('Orchestra: no audit log yet (.orchestra/audit.jsonl is written when an agent acts).');
      }
    },
    'orchestra.verifyAuditLog': async () => {
      const s = needSession();
      if (!s) return;
      const file = join(s.root, '.orchestra', 'audit.jsonl');
      const result = await verifyAuditLog(file).catch((error: unknown) => error as Error);
      if (result instanceof Error) return void vscode.window.showWarningMessage(`Orchestra: could not verify the audit log ${file}: ${result.message}`);
      if (result.ok) void vscode.window.showInformationMessage(`Orchestra: audit log intact, ${result.entries} entries.`);
      else void vscode.window.showErrorMessage(`Orchestra: audit log ${result.problem!.kind} at line ${result.problem!.line}: ${result.problem!.message}`);
    },
    'orchestra.approvePending': (requestId?: string) => approvals?.decide(requestId),
    'orchestra.approvals.approve': (request?: { requestId: string }) => request && approvals?.decideDirect(request.requestId, true),
    'orchestra.approvals.deny': (request?: { requestId: string }) => request && approvals?.decideDirect(request.requestId, false),
    'orchestra.openChat': () => chat.openPanel(),
    'orchestra.suppressFinding': (uri: vscode.Uri, finding: Finding, reason?: string) => suppressFinding(uri, finding, reason),
    'orchestra.explainFinding': (finding: Finding) => chat.explain(finding),
    'orchestra.findings.groupBy': async () => {
      const pick = await vscode.window.showQuickPick(['file', 'agent', 'severity'], { title: 'Group findings by' });
      if (pick) {
        tree.groupBy = pick as GroupBy;
        tree.refresh();
      }
    },
  };
  for (const [id, fn] of Object.entries(commands)) context.subscriptions.push(vscode.commands.registerCommand(id, fn as (...args: unknown[]) => unknown));

  const activationMs = performance.now() - started;
  log.info(`activated in ${Math.round(activationMs)} ms on ${root?.fsPath ?? '(no folder)'}`);
  return { session, review, findings: allFindings, dashboard, activationMs };
}

export function deactivate(): void {}
