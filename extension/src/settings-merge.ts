/**
 * From what VS Code says about each `orchestra.*` setting (the `inspect()` result: its value per
 * scope) to config overrides, and from refused overrides to the one message a person sees. Plain
 * data in, plain data out (no vscode import), so it is unit-tested; settings.ts does the I/O.
 *
 * Precedence: schema defaults < the repository's config file < user settings < workspace settings <
 * folder settings, counting only values someone set explicitly (a setting's default never overrides
 * the file). A mapping (review.rules, permissions.grants) is merged key by key over the file's.
 */
import type { ConfigOverride, OrchestraConfig, RejectedOverride } from '../../shared/config/index.js';
import { SETTINGS_SECTION, type MirroredSetting } from './settings-contribution.js';

/** The parts of `WorkspaceConfiguration.inspect(key)` that count: values someone set. */
export interface InspectedSetting {
  /** The key under `orchestra.`, e.g. `review.complexity.cyclomatic`. */
  readonly key: string;
  readonly globalValue?: unknown;
  readonly workspaceValue?: unknown;
  readonly workspaceFolderValue?: unknown;
}

/** Where a setting's value was set, as messages say it. */
const SCOPES = [
  ['globalValue', 'user settings'],
  ['workspaceValue', 'workspace settings'],
  ['workspaceFolderValue', 'folder settings'],
] as const;

/** Options of {@link overridesFromSettings}. */
export interface OverridesOptions {
  /** The mirrored settings (see settings-contribution.ts). */
  readonly settings: readonly MirroredSetting[];
  /**
   * Whether the workspace is trusted. When not, workspace and folder values of restricted settings
   * are ignored (VS Code already hides them; this holds even if it did not).
   */
  readonly trusted: boolean;
}

/**
 * The overrides the explicitly set settings make, least specific first (user, workspace, folder), so
 * a later one wins. Unknown keys are ignored; an empty string for a key without a default means
 * "unset" (what the Settings UI leaves when a text box is cleared).
 */
export function overridesFromSettings(inspected: readonly InspectedSetting[], options: OverridesOptions): ConfigOverride[] {
  const byKey = new Map(options.settings.map((s) => [s.key, s]));
  const overrides: ConfigOverride[] = [];
  for (const entry of inspected) {
    const setting = byKey.get(entry.key);
    if (!setting) continue;
    for (const [field, origin] of SCOPES) {
      const value = entry[field];
      if (value === undefined || value === null) continue;
      if (field !== 'globalValue' && setting.restricted && !options.trusted) continue;
      if (setting.optional && value === '') continue;
      // In a single-folder workspace the folder's settings are the workspace's: VS Code reports the value twice.
      if (field === 'workspaceFolderValue' && JSON.stringify(value) === JSON.stringify(entry.workspaceValue)) continue;
      overrides.push({ path: setting.path, value, origin });
    }
  }
  return overrides;
}

/** The setting id a person reads in settings.json. */
export function settingId(key: string): string {
  return `${SETTINGS_SECTION}.${key}`;
}

/** What the config holds at `path`. */
function valueAt(config: unknown, path: readonly string[]): unknown {
  let node = config;
  for (const segment of path) {
    if (typeof node !== 'object' || node === null || !Object.hasOwn(node, segment)) return undefined;
    node = (node as Record<string, unknown>)[segment];
  }
  return node;
}

const show = (value: unknown): string => {
  if (value === undefined) return 'unset';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
};

/** Where the value in effect comes from, for {@link describeRejected}. */
export interface EffectiveSource {
  /** The config in effect after the valid overrides. */
  readonly effective: OrchestraConfig;
  /** The config of the file alone (the defaults when there is no valid file). */
  readonly file: OrchestraConfig;
  /** The defaults. */
  readonly defaults: OrchestraConfig;
  /** The overrides that were applied. */
  readonly applied: readonly ConfigOverride[];
  /** The config file as shown to people (e.g. `orchestra.config.json`), or undefined when there is none. */
  readonly fileName: string | undefined;
}

/** Where the value of `path` in effect comes from: a setting, the config file, or the default. */
function sourceOf(path: readonly string[], source: EffectiveSource): string {
  const same = (o: ConfigOverride) => o.path.length === path.length && o.path.every((s, i) => s === path[i]);
  const setting = [...source.applied].reverse().find(same);
  if (setting) return `from your ${setting.origin}`;
  const fromFile = JSON.stringify(valueAt(source.file, path)) !== JSON.stringify(valueAt(source.defaults, path));
  return fromFile && source.fileName ? `from ${source.fileName}` : 'the default';
}

/**
 * One message for every refused setting: which setting, where it was set, what is expected there
 * and what applies instead. Undefined when nothing was refused.
 */
export function describeRejected(rejected: readonly RejectedOverride[], source: EffectiveSource): string | undefined {
  if (rejected.length === 0) return undefined;
  const one = (r: RejectedOverride): string => {
    const path = r.override.path;
    const instead = valueAt(source.effective, path);
    return `"${settingId(path.join('.'))}" in ${r.override.origin} is invalid: ${r.message}. Using ${show(instead)} (${sourceOf(path, source)}) instead.`;
  };
  if (rejected.length === 1) return `Orchestra: the setting ${one(rejected[0]!)}`;
  return `Orchestra: ${rejected.length} settings were ignored. ${rejected.map((r) => `The setting ${one(r)}`).join(' ')}`;
}
