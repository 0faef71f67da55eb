/**
 * Workspace trust: in an untrusted workspace (VS Code's Restricted Mode) nothing of the repository
 * runs. Orchestra then grants `read_write` at most: the session does not load the repository's ESLint
 * config nor run its tests, and actions at the `execute` or `critical` level (chat intents,
 * approvals) are refused with a message that offers to manage trust. Granting trust while the
 * extension runs lifts all of it at once; VS Code reloads the window when trust is taken away.
 */
import * as vscode from 'vscode';
import type { WorkspaceSession } from '../../agents/session/workspace-session.js';
import { atLeast, type PermissionLevel } from '../../shared/governance/permissions.js';

/** The button on a refusal, and VS Code's command behind it. */
export const MANAGE_TRUST = 'Manage Workspace Trust';
const MANAGE_TRUST_COMMAND = 'workbench.trust.manage';

/** Decides what may run, given the workspace's trust. */
export interface TrustGate {
  /** The highest level granted now: `critical` in a trusted workspace, `read_write` otherwise. */
  ceiling(): PermissionLevel;
  /** Whether an action at `level` may run now. */
  allows(level: PermissionLevel): boolean;
  /** Tells the person why `what` does not run (a warning with "Manage Workspace Trust"); returns the text, e.g. for a chat answer. */
  refuse(what: string, level: PermissionLevel): string;
  /** Whether `text` is what {@link refuse} returned (so a caller does not show it twice). */
  wasRefusal(text: string): boolean;
}

/** The highest permission level granted in a workspace that is (not) trusted. */
export function grantCeiling(trusted: boolean): PermissionLevel {
  return trusted ? 'critical' : 'read_write';
}

/** What {@link registerWorkspaceTrust} needs. */
export interface TrustDeps {
  readonly session: WorkspaceSession | undefined;
  readonly log: vscode.LogOutputChannel;
  /** Called once trust is granted, after the session knows (e.g. to re-apply the settings). */
  readonly onDidGrant: () => void;
}

/** Follows the workspace's trust; returns the gate every execute-level action goes through. */
export function registerWorkspaceTrust(context: vscode.ExtensionContext, deps: TrustDeps): TrustGate {
  const refusals = new Set<string>();
  const gate: TrustGate = {
    ceiling: () => grantCeiling(vscode.workspace.isTrusted),
    allows: (level) => atLeast(gate.ceiling(), level),
    refuse: (what, level) => {
      const text = `Orchestra: "${what}" needs the ${level} permission level, but this workspace is not trusted: in Restricted Mode agents may read and write (read_write) and never run the repository's code. Trust the workspace to allow it.`;
      refusals.add(text);
      deps.log.warn(text);
      void vscode.window.showWarningMessage(text, MANAGE_TRUST).then((pick) => {
        if (pick === MANAGE_TRUST) void vscode.commands.executeCommand(MANAGE_TRUST_COMMAND);
      });
      return text;
    },
    wasRefusal: (text) => refusals.has(text),
  };
  if (!vscode.workspace.isTrusted) deps.log.info('the workspace is not trusted: the repository\'s ESLint config, its tests and execute-level actions stay off');
  context.subscriptions.push(
    vscode.workspace.onDidGrantWorkspaceTrust(() => {
      if (deps.session) deps.session.trusted = true;
      deps.log.info('the workspace is now trusted: the repository\'s ESLint config, its tests (when configured) and execute-level actions are allowed');
      deps.onDidGrant();
    }),
  );
  return gate;
}
