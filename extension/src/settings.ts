/**
 * The `orchestra.*` settings at run time: every config key set explicitly in user, workspace or
 * folder settings is laid over the repository's config file (schema defaults < file < settings), the
 * result is validated by the core's schema, and the session reviews with it. A setting the schema
 * refuses is ignored (the file's value, or the default, applies) and one warning names it and says
 * what is expected. Settings are re-applied when they change and when the workspace becomes trusted.
 */
import { relative } from 'node:path';
import * as vscode from 'vscode';
import type { WorkspaceSession } from '../../agents/session/workspace-session.js';
import { defaultConfig } from '../../shared/config/index.js';
import { SETTINGS_SECTION, mirroredSettings } from './settings-contribution.js';
import { describeRejected, overridesFromSettings, settingId, type InspectedSetting } from './settings-merge.js';

/** What changed when the settings were applied. */
export interface AppliedSettings {
  /** The review config changed: open files should be reviewed again. */
  readonly reviewChanged: boolean;
  /** `background.lowPower` in effect. */
  readonly lowPower: boolean;
  /** Whether `background.lowPower` in effect changed (always true the first time). */
  readonly lowPowerChanged: boolean;
}

/** Keeps the session's config in step with the settings. */
export interface SettingsSync extends vscode.Disposable {
  /** Reads the settings and the config file again and applies them; resolves when the session has them. */
  apply(): Promise<AppliedSettings>;
}

/** What {@link registerSettings} needs. */
export interface SettingsDeps {
  readonly session: WorkspaceSession;
  readonly log: vscode.LogOutputChannel;
  /** Called after each apply (e.g. to review the open files again). */
  readonly onDidApply: (applied: AppliedSettings) => void;
}

/** What reviews depend on, to tell whether open files need another review. */
function reviewState(session: WorkspaceSession): string {
  const { effectiveConfig: c } = session;
  return JSON.stringify([session.config, c.review.agents.tests, c.permissions.trustedRepository, session.trusted]);
}

/** The explicitly set values of every mirrored setting, for the folder the session works on. */
function inspectSettings(scope: vscode.Uri | undefined): InspectedSetting[] {
  const configuration = vscode.workspace.getConfiguration(SETTINGS_SECTION, scope);
  return mirroredSettings().map((s) => {
    const inspected = configuration.inspect(s.key);
    return { key: s.key, globalValue: inspected?.globalValue, workspaceValue: inspected?.workspaceValue, workspaceFolderValue: inspected?.workspaceFolderValue };
  });
}

/**
 * Applies the settings now and whenever they change. Reloads run one after another, so a slow
 * reload never overwrites a newer one.
 */
export function registerSettings(context: vscode.ExtensionContext, deps: SettingsDeps): SettingsSync {
  const { session, log } = deps;
  const scope = vscode.Uri.file(session.root);
  let chain: Promise<unknown> = Promise.resolve();
  let lastWarning: string | undefined;
  let lastLowPower: boolean | undefined;

  const applyNow = async (): Promise<AppliedSettings> => {
    const overrides = overridesFromSettings(inspectSettings(scope), { settings: mirroredSettings(), trusted: vscode.workspace.isTrusted });
    const before = reviewState(session);
    await session.reloadConfig(overrides);
    const rejected = session.overrideProblems;
    const warning = describeRejected(rejected, {
      effective: session.effectiveConfig,
      file: session.fileConfig,
      defaults: defaultConfig(),
      applied: overrides.filter((o) => !rejected.some((r) => r.override === o)),
      fileName: session.configFile ? relative(session.root, session.configFile).split('\\').join('/') : undefined,
    });
    if (warning && warning !== lastWarning) {
      log.warn(warning);
      const first = rejected[0]!.override.path.join('.');
      void vscode.window.showWarningMessage(warning, 'Open Settings').then((pick) => {
        if (pick) void vscode.commands.executeCommand('workbench.action.openSettings', settingId(first));
      });
    }
    lastWarning = warning;
    if (overrides.length > 0) log.info(`settings applied over the config file: ${overrides.map((o) => `${settingId(o.path.join('.'))} (${o.origin})`).join(', ')}`);
    const lowPower = session.effectiveConfig.background.lowPower;
    const applied = { reviewChanged: reviewState(session) !== before, lowPower, lowPowerChanged: lowPower !== lastLowPower };
    lastLowPower = lowPower;
    deps.onDidApply(applied);
    return applied;
  };
  const apply = (): Promise<AppliedSettings> => {
    const next = chain.then(applyNow, applyNow);
    chain = next.catch((error: unknown) => log.error(`applying the settings failed: ${String(error)}`));
    return next;
  };

  const listener = vscode.workspace.onDidChangeConfiguration((event) => {
    if (event.affectsConfiguration(SETTINGS_SECTION, scope)) void apply().catch(() => undefined);
  });
  context.subscriptions.push(listener);
  return { apply, dispose: () => listener.dispose() };
}
