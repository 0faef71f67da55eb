/**
 * The extension's settings are generated from the core's config schema: the committed manifest is
 * what the generator produces (the build rewrites it; this fails while it is stale), every config key
 * is a setting with the schema's type, enum, default and bounds, and no setting holds a secret.
 */
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { configJsonSchema } from '../../shared/config/index.js';
import { secretKindForKey } from '../../shared/governance/redact.js';
import {
  EDITOR_SETTINGS,
  RESTRICTED_SETTINGS,
  applySettingsToManifest,
  configurationContribution,
  manifestText,
  mirroredSettings,
} from '../../extension/src/settings-contribution.js';

const MANIFEST = join(process.cwd(), 'extension', 'package.json');
type Schema = Record<string, unknown>;

/** Every leaf key of the JSON schema (sections are walked into; mappings such as review.rules are leaves). */
function leafKeys(node: Schema, path: string[] = []): Map<string, Schema> {
  const out = new Map<string, Schema>();
  for (const [name, child] of Object.entries((node.properties ?? {}) as Record<string, Schema>)) {
    if (path.length === 0 && (name === '$schema' || name === 'version')) continue;
    if (child.type === 'object' && child.properties) for (const [k, v] of leafKeys(child, [...path, name])) out.set(k, v);
    else out.set([...path, name].join('.'), child);
  }
  return out;
}

const contributed = (): Map<string, Schema> => new Map(configurationContribution().flatMap((c) => Object.entries(c.properties)));

describe('the settings in extension/package.json', () => {
  it('are what the generator produces from the config schema (run `node scripts/sync-extension-manifest.mjs` or the build when this fails)', () => {
    const committed = readFileSync(MANIFEST, 'utf8');
    expect(committed).toBe(manifestText(applySettingsToManifest(JSON.parse(committed) as Record<string, unknown>)));
  });

  it('are checked by the sync script too, which exits 0 on the committed manifest', () => {
    const out = execFileSync(process.execPath, [join(process.cwd(), 'scripts', 'sync-extension-manifest.mjs'), '--check'], { encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } });
    expect(out).toMatch(/is up to date/);
  });

  it('hold every config key as orchestra.<key> with its type, enum, default, bounds and description', () => {
    const settings = contributed();
    const keys = leafKeys(configJsonSchema());
    expect(keys.size).toBeGreaterThan(40);
    for (const [key, schema] of keys) {
      const setting = settings.get(`orchestra.${key}`);
      expect({ key, setting: setting !== undefined }).toEqual({ key, setting: true });
      for (const keyword of ['type', 'enum', 'default', 'minimum', 'maximum', 'items', 'pattern', 'additionalProperties']) {
        expect({ key, keyword, value: setting![keyword] }).toEqual({ key, keyword, value: schema[keyword] });
      }
      expect(String(setting!.markdownDescription)).toContain(String(schema.description));
    }
    expect(settings.get('orchestra.review.complexity.cyclomatic')).toMatchObject({ type: 'integer', default: 20, minimum: 1, maximum: 1000, scope: 'resource' });
    expect(settings.get('orchestra.review.failOn')).toMatchObject({ type: 'string', enum: ['error', 'warning', 'never'], default: 'error' });
  });

  it('keep the editor\'s own settings, and nothing collides with a config key', () => {
    const settings = contributed();
    for (const key of Object.keys(EDITOR_SETTINGS)) expect(settings.get(`orchestra.${key}`)).toEqual(EDITOR_SETTINGS[key]);
    expect([...settings.keys()].filter((k) => k.startsWith('orchestra.review.onSave') || k === 'orchestra.review.debounceMs' || k === 'orchestra.logFiles')).toHaveLength(3);
    // A setting whose key is a prefix of another ("orchestra.review.agents" and "orchestra.review.agents.style.enabled") breaks VS Code's settings tree.
    const ids = [...settings.keys()];
    expect(ids.filter((id) => ids.some((other) => other.startsWith(`${id}.`)))).toEqual([]);
  });

  it('hold no secret: no key is named like a credential (llm.apiKeyEnv names an environment variable)', () => {
    const suspicious = mirroredSettings().filter((s) => s.path.some((segment) => !segment.endsWith('Env') && secretKindForKey(segment) !== undefined));
    expect(suspicious).toEqual([]);
    expect(mirroredSettings().find((s) => s.key === 'llm.apiKeyEnv')?.schema).toMatchObject({ type: 'string', pattern: '^[A-Z_][A-Z0-9_]{0,127}$' });
  });

  it('mark as restricted in untrusted workspaces the settings that run repository code', () => {
    const manifest = JSON.parse(readFileSync(MANIFEST, 'utf8')) as { capabilities: { untrustedWorkspaces: { supported: string; restrictedConfigurations: string[] } } };
    expect(manifest.capabilities.untrustedWorkspaces.supported).toBe('limited');
    expect(manifest.capabilities.untrustedWorkspaces.restrictedConfigurations).toEqual(RESTRICTED_SETTINGS.map((k) => `orchestra.${k}`));
    expect(RESTRICTED_SETTINGS).toEqual(expect.arrayContaining(['review.eslint.configFile', 'review.eslint.useRepoConfig', 'review.agents.tests.run', 'review.agents.tests.command', 'permissions.trustedRepository']));
    const restricted = mirroredSettings().filter((s) => s.restricted).map((s) => s.key);
    expect([...restricted].sort()).toEqual(RESTRICTED_SETTINGS.filter((k) => k !== 'logFiles').sort());
  });
});
