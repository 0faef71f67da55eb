/**
 * The extension's settings, generated from the core's config schema: every key of the Orchestra
 * config (`review.complexity.cyclomatic`) is an `orchestra.<key>` setting with the schema's type,
 * enum, default, bounds and description, plus a few settings that only the editor has (when to
 * review, log files to follow). scripts/build-extension.mjs writes {@link applySettingsToManifest}'s
 * result into extension/package.json on every build, and a test fails while the committed manifest
 * is stale, so the shipped .vsix always matches the schema. No vscode import: the build and unit
 * tests load this module too.
 */
import { configJsonSchema } from '../../shared/config/generate-json-schema.js';
import { secretKindForKey } from '../../shared/governance/redact.js';

/** The settings section: `orchestra.*`. */
export const SETTINGS_SECTION = 'orchestra';

/** A JSON schema node. */
type Schema = Record<string, unknown>;

/** A config key mirrored as a setting. */
export interface MirroredSetting {
  /** The key under {@link SETTINGS_SECTION} and in the config file, e.g. `review.complexity.cyclomatic`. */
  readonly key: string;
  readonly path: readonly string[];
  /** The setting's contribution (type, enum, default, bounds, markdownDescription, scope). */
  readonly schema: Schema;
  /** The key has no default (unset means "let Orchestra decide"); an empty string set for it means unset. */
  readonly optional: boolean;
  /** Ignored at workspace and folder level in an untrusted workspace (see {@link RESTRICTED_SETTINGS}). */
  readonly restricted: boolean;
}

/** Settings only the editor has: when it reviews and which log files it follows. Not config keys. */
export const EDITOR_SETTINGS: Readonly<Record<string, Schema>> = {
  'review.onSave': { type: 'boolean', default: true, markdownDescription: 'Review a file when it is saved.' },
  'review.newCodeOnly': {
    type: 'boolean',
    default: false,
    markdownDescription: "Show only findings on lines changed since `HEAD` (like Sonar's focus on new code).",
  },
  'review.debounceMs': {
    type: 'number',
    default: 150,
    minimum: 0,
    maximum: 5000,
    markdownDescription: 'Milliseconds to wait after a save before reviewing; a newer save cancels the pending review.',
  },
  logFiles: {
    type: 'array',
    items: { type: 'string' },
    default: [],
    markdownDescription: 'Log files (also outside the workspace) watched for errors.',
  },
};

/**
 * Settings a workspace must not set while it is untrusted (VS Code then ignores their workspace and
 * folder values and uses the user's): they would run the repository's code, widen what agents may
 * do, send code or environment secrets to an endpoint the repository chose, or read and write files
 * outside the workspace.
 */
export const RESTRICTED_SETTINGS: readonly string[] = [
  // Loads a module from the repository (an ESLint flat config is code).
  'review.eslint.configFile',
  'review.eslint.useRepoConfig',
  // Runs the repository's tests, or a command line.
  'review.agents.tests.run',
  'review.agents.tests.command',
  // Grants the permission to run repository code, or raises agents' levels.
  'permissions.trustedRepository',
  'permissions.grants',
  // Where code and the key named by an environment variable go.
  'llm.provider',
  'llm.baseUrl',
  'llm.apiKeyEnv',
  // Files read or written, also outside the workspace (absolute paths are allowed).
  'error.logs',
  'memory.dir',
  'audit.path',
  'logFiles',
];

/** Config keys that describe the file itself, not a setting. */
const FILE_ONLY_KEYS = new Set(['$schema', 'version']);

/** JSON schema keywords a setting keeps (VS Code validates settings.json and builds its Settings UI from them). */
const KEPT_KEYWORDS = [
  'type',
  'enum',
  'default',
  'minimum',
  'maximum',
  'exclusiveMinimum',
  'exclusiveMaximum',
  'minLength',
  'maxLength',
  'pattern',
  'format',
  'items',
  'minItems',
  'maxItems',
  'uniqueItems',
  'propertyNames',
  'additionalProperties',
] as const;

/** Titles of the Settings UI categories, one per top-level config section. */
const SECTION_TITLES: Readonly<Record<string, string>> = {
  review: 'Review',
  error: 'Error swarm',
  background: 'Background agents',
  permissions: 'Permissions',
  llm: 'Language model',
  github: 'GitHub App',
  memory: 'Memory',
  audit: 'Audit trail',
};

const isSchema = (value: unknown): value is Schema => typeof value === 'object' && value !== null && !Array.isArray(value);

/** A section of the config (a fixed set of keys), as opposed to a mapping the user fills (rules, grants). */
const isSection = (node: Schema): boolean => node.type === 'object' && isSchema(node.properties);

/** Refuses, at build time, a key named like a credential: secrets never become settings. */
function assertNotSecret(path: readonly string[]): void {
  for (const segment of path) {
    // `llm.apiKeyEnv` names an environment variable; the key itself is never a setting.
    if (segment.endsWith('Env')) continue;
    const kind = secretKindForKey(segment);
    if (kind !== undefined) {
      throw new Error(`config key "${path.join('.')}" is named like a ${kind}: secrets must come from environment variables, never from settings`);
    }
  }
}

function toSetting(path: readonly string[], node: Schema, order: number): MirroredSetting {
  const key = path.join('.');
  assertNotSecret(path);
  const schema: Schema = {};
  for (const keyword of KEPT_KEYWORDS) if (node[keyword] !== undefined) schema[keyword] = node[keyword];
  if (schema.type === undefined) throw new Error(`config key "${key}" has no JSON schema type; give it one in the zod schema`);
  const description = typeof node.description === 'string' ? node.description : '';
  schema.markdownDescription = `${description}\n\nConfig file key \`${key}\`: set here, it overrides the repository's Orchestra config file.`;
  schema.scope = 'resource';
  schema.order = order;
  const restricted = RESTRICTED_SETTINGS.includes(key);
  return { key, path, schema, optional: node.default === undefined, restricted };
}

let cached: readonly MirroredSetting[] | undefined;

/** Every config key as a setting, in the schema's order. */
export function mirroredSettings(): readonly MirroredSetting[] {
  if (cached) return cached;
  const out: MirroredSetting[] = [];
  const visit = (node: Schema, path: string[]): void => {
    const properties = node.properties as Record<string, unknown>;
    for (const [name, child] of Object.entries(properties)) {
      if (path.length === 0 && FILE_ONLY_KEYS.has(name)) continue;
      if (!isSchema(child)) continue;
      if (isSection(child)) visit(child, [...path, name]);
      else out.push(toSetting([...path, name], child, out.length));
    }
  };
  visit(configJsonSchema(), []);
  for (const s of out) {
    if (Object.hasOwn(EDITOR_SETTINGS, s.key)) throw new Error(`editor setting "${s.key}" collides with the config key of the same name`);
  }
  cached = out;
  return out;
}

/** One category of `contributes.configuration`. */
export interface ConfigurationCategory {
  id: string;
  title: string;
  order: number;
  properties: Record<string, Schema>;
}

/** `contributes.configuration`: the editor's own settings first, then one category per config section. */
export function configurationContribution(): ConfigurationCategory[] {
  const categories: ConfigurationCategory[] = [
    {
      id: SETTINGS_SECTION,
      title: 'Orchestra',
      order: 0,
      properties: Object.fromEntries(Object.entries(EDITOR_SETTINGS).map(([key, schema]) => [`${SETTINGS_SECTION}.${key}`, { ...schema }])),
    },
  ];
  for (const setting of mirroredSettings()) {
    const section = setting.path[0]!;
    let category = categories.find((c) => c.id === `${SETTINGS_SECTION}.${section}`);
    if (!category) {
      category = { id: `${SETTINGS_SECTION}.${section}`, title: SECTION_TITLES[section] ?? section, order: categories.length, properties: {} };
      categories.push(category);
    }
    category.properties[`${SETTINGS_SECTION}.${setting.key}`] = setting.schema;
  }
  return categories;
}

/** The setting ids listed in `capabilities.untrustedWorkspaces.restrictedConfigurations`. */
export function restrictedConfigurations(): string[] {
  const known = new Set([...mirroredSettings().map((s) => s.key), ...Object.keys(EDITOR_SETTINGS)]);
  const unknown = RESTRICTED_SETTINGS.filter((key) => !known.has(key));
  if (unknown.length > 0) throw new Error(`restricted settings that do not exist (renamed in the schema?): ${unknown.join(', ')}`);
  return RESTRICTED_SETTINGS.map((key) => `${SETTINGS_SECTION}.${key}`);
}

/**
 * The extension manifest with its generated parts replaced: `contributes.configuration` and
 * `capabilities.untrustedWorkspaces.restrictedConfigurations`. Everything else is kept as it is.
 */
export function applySettingsToManifest(manifest: Record<string, unknown>): Record<string, unknown> {
  const contributes = isSchema(manifest.contributes) ? manifest.contributes : {};
  const capabilities = isSchema(manifest.capabilities) ? manifest.capabilities : {};
  const untrusted = isSchema(capabilities.untrustedWorkspaces) ? capabilities.untrustedWorkspaces : {};
  return {
    ...manifest,
    capabilities: { ...capabilities, untrustedWorkspaces: { ...untrusted, restrictedConfigurations: restrictedConfigurations() } },
    contributes: { ...contributes, configuration: configurationContribution() },
  };
}

/** The manifest file's exact text: two-space JSON and a trailing newline. */
export function manifestText(manifest: Record<string, unknown>): string {
  return `${JSON.stringify(manifest, null, 2)}\n`;
}
