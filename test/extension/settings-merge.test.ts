/**
 * From VS Code's `inspect()` results to the config in effect, as plain data: only values someone set
 * count, the most specific scope wins, restricted settings from the workspace are ignored while it is
 * untrusted, and an invalid setting falls back to the file's value with one message that names it.
 */
import { describe, expect, it } from '@jest/globals';
import { applyConfigOverrides, defaultConfig, parseConfig } from '../../shared/config/index.js';
import { mirroredSettings } from '../../extension/src/settings-contribution.js';
import { describeRejected, overridesFromSettings, type InspectedSetting } from '../../extension/src/settings-merge.js';

const settings = mirroredSettings();
const file = parseConfig(JSON.stringify({ review: { complexity: { cyclomatic: 3 }, eslint: { useRepoConfig: false } } }), 'orchestra.config.json');

/** The inspect() result of every mirrored setting, with the given values set. */
function inspected(values: Record<string, Omit<InspectedSetting, 'key'>>): InspectedSetting[] {
  return settings.map((s) => ({ key: s.key, ...values[s.key] }));
}

/** Settings → the config in effect, the refusals and the message, as the extension computes them. */
function effective(values: Record<string, Omit<InspectedSetting, 'key'>>, trusted = true) {
  const overrides = overridesFromSettings(inspected(values), { settings, trusted });
  const result = applyConfigOverrides(file, overrides);
  const message = describeRejected(result.rejected, { effective: result.config, file, defaults: defaultConfig(), applied: result.applied, fileName: 'orchestra.config.json' });
  return { overrides, ...result, message };
}

describe('settings over the repository config file', () => {
  it('nothing set: the file applies (a setting\'s default never overrides it)', () => {
    const { overrides, config } = effective({});
    expect(overrides).toEqual([]);
    expect(config).toEqual(file);
  });

  it('folder beats workspace beats user beats the file', () => {
    expect(effective({ 'review.complexity.cyclomatic': { globalValue: 8 } }).config.review.complexity.cyclomatic).toBe(8);
    expect(effective({ 'review.complexity.cyclomatic': { globalValue: 8, workspaceValue: 9 } }).config.review.complexity.cyclomatic).toBe(9);
    expect(effective({ 'review.complexity.cyclomatic': { globalValue: 8, workspaceValue: 9, workspaceFolderValue: 10 } }).config.review.complexity.cyclomatic).toBe(10);
  });

  it('counts a value once when VS Code reports it for the workspace and its folder (a single-folder workspace)', () => {
    const { overrides, message } = effective({ 'review.complexity.cyclomatic': { workspaceValue: 0, workspaceFolderValue: 0 } });
    expect(overrides.map((o) => o.origin)).toEqual(['workspace settings']);
    expect(message).toMatch(/^Orchestra: the setting "orchestra\.review\.complexity\.cyclomatic" in workspace settings is invalid/);
  });

  it('merges mappings across scopes, as VS Code does for object settings', () => {
    const { config } = effective({ 'review.rules': { globalValue: { 'eslint/*': 'off' }, workspaceValue: { 'security/command-injection': 'warning' } } });
    expect(config.review.rules).toEqual({ 'eslint/*': 'off', 'security/command-injection': 'warning' });
  });

  it('an empty string for a key without a default means unset', () => {
    const { overrides, config, rejected } = effective({ 'llm.model': { globalValue: '' }, 'review.agents.style.severity': { workspaceValue: 'warning' } });
    expect(overrides.map((o) => o.path.join('.'))).toEqual(['review.agents.style.severity']);
    expect(rejected).toEqual([]);
    expect(config.llm.model).toBeUndefined();
    expect(config.review.agents.style.severity).toBe('warning');
  });

  it('an invalid setting falls back to the file\'s value with one message naming the setting and what is expected', () => {
    const { config, message } = effective({ 'review.complexity.cyclomatic': { workspaceValue: 0 }, 'review.failOn': { workspaceValue: 'warning' } });
    expect(config.review.complexity.cyclomatic).toBe(3);
    expect(config.review.failOn).toBe('warning');
    expect(message).toBe(
      'Orchestra: the setting "orchestra.review.complexity.cyclomatic" in workspace settings is invalid: expected a number at least 1, found number 0. Using 3 (from orchestra.config.json) instead.',
    );
  });

  it('an invalid workspace value falls back to a valid user value, or to the default', () => {
    const both = effective({ 'review.complexity.cognitive': { globalValue: 12, workspaceValue: 'many' } });
    expect(both.config.review.complexity.cognitive).toBe(12);
    expect(both.message).toMatch(/"orchestra\.review\.complexity\.cognitive" in workspace settings is invalid: expected a number, found the string "many"\. Using 12 \(from your user settings\) instead\.$/);
    const several = effective({ 'error.sensitivity': { globalValue: 'extreme' }, 'memory.ttlDays': { workspaceFolderValue: 1.5 } });
    expect(several.message).toMatch(/^Orchestra: 2 settings were ignored\. The setting "orchestra\.error\.sensitivity" in user settings is invalid: expected one of "low", "medium", "high"; found the string "extreme"\. Using "medium" \(the default\) instead\. The setting "orchestra\.memory\.ttlDays" in folder settings is invalid: .*Using 90 \(the default\) instead\.$/);
  });

  it('in an untrusted workspace, restricted settings count only from user settings', () => {
    const values = { 'review.eslint.useRepoConfig': { workspaceValue: true }, 'permissions.trustedRepository': { workspaceFolderValue: true }, 'review.complexity.cyclomatic': { workspaceValue: 7 } };
    const untrusted = effective(values, false);
    expect(untrusted.config.review.eslint.useRepoConfig).toBe(false);
    expect(untrusted.config.permissions.trustedRepository).toBe(false);
    expect(untrusted.config.review.complexity.cyclomatic).toBe(7);
    expect(effective({ 'review.eslint.useRepoConfig': { globalValue: true } }, false).config.review.eslint.useRepoConfig).toBe(true);
    const trusted = effective(values, true);
    expect(trusted.config.review.eslint.useRepoConfig).toBe(true);
    expect(trusted.config.permissions.trustedRepository).toBe(true);
  });

  it('ignores keys that are not config keys (the editor\'s own settings)', () => {
    expect(overridesFromSettings([{ key: 'review.onSave', globalValue: false }, { key: 'logFiles', workspaceValue: ['/var/log/x.log'] }], { settings, trusted: true })).toEqual([]);
  });
});
