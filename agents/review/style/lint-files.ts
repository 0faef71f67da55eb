/**
 * `lintFiles`: ESLint over content the caller provides (saved or not), as findings. Each file goes
 * to the ESLint instance of the config that governs it: the repository's own flat config when it has
 * one, else the built-in recommended config. Instances are cached per resolved config. A config that
 * cannot be loaded becomes one `style/config-error` finding and never a throw; a legacy `.eslintrc*`
 * (ignored by ESLint 10) becomes one info finding; files the config ignores produce nothing.
 */
import { stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { ESLint } from 'eslint';
import { z } from 'zod';
import { isCancellation, InvalidInputError, throwIfAborted } from '../../../shared/errors/errors.js';
import type { Finding } from '../../../shared/findings/finding.js';
import { assignFingerprints } from '../../../shared/findings/fingerprint.js';
import { builtinEslintConfig } from './builtin-eslint-config.js';
import { configErrorFinding } from './config-error-finding.js';
import { EslintConfigLocator } from './eslint-config-locator.js';
import { EslintInstanceCache } from './eslint-instance-cache.js';
import { eslintMessageToFinding, FILE_SKIPPED_RULE_ID, PARSE_ERROR_RULE_ID, type FindingDraft } from './eslint-message-to-finding.js';
import { lintFileSchema, parseStyleOptions, parseWith, type StyleOptions, type StyleOptionsInput } from './style-options.js';

/** The agent id findings carry unless the caller names another. */
export const STYLE_AGENT_ID = 'style-validator';
/** Rule id of the info finding about an ignored legacy `.eslintrc*`. */
export const LEGACY_CONFIG_RULE_ID = 'style/legacy-config';
/** Rule id of the finding about a rule that crashed on a file (its other findings are then missing). */
export const RULE_CRASH_RULE_ID = 'style/rule-crash';

/** The cache used when the caller passes none: one per thread, as module state is per thread. */
const defaultCache = new EslintInstanceCache();

/** A file to lint. */
export interface LintFile {
  /** Relative to the root, or absolute inside it. */
  path: string;
  /** Content to lint (the caller's, possibly unsaved). */
  text: string;
}

/** Options of {@link lintFiles}: the style settings plus run-time objects. */
export interface LintFilesOptions extends StyleOptionsInput {
  /** Cancels between files. */
  signal?: AbortSignal;
  /** Where ESLint instances are kept; default: one shared cache per thread. */
  cache?: EslintInstanceCache;
  /** Agent id written into findings; default {@link STYLE_AGENT_ID}. */
  agent?: string;
}

/** A group of files linted by one ESLint instance. */
interface Group {
  /** Absolute config file, or undefined for the built-in config. */
  configFile: string | undefined;
  /** How the config was chosen, for messages. */
  origin?: string;
  files: { abs: string; rel: string; text: string }[];
}

const filesSchema = z.array(lintFileSchema);

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/** A stamp that changes when the config file is edited: ESLint instances never re-read their config. */
async function configStamp(file: string): Promise<string> {
  const s = await stat(file);
  return `${s.mtimeMs}:${s.size}`;
}

function createEslint(root: string, configFile: string | undefined, explicit: boolean): Promise<ESLint> {
  return (async () => {
    const { ESLint } = await import('eslint');
    if (configFile === undefined) {
      return new ESLint({ cwd: root, overrideConfigFile: true, overrideConfig: await builtinEslintConfig() });
    }
    // With an explicit file ESLint uses it for every file; otherwise its own lookup finds the same
    // config we located (from each file's folder upwards).
    return explicit ? new ESLint({ cwd: root, overrideConfigFile: configFile }) : new ESLint({ cwd: root });
  })();
}

function ruleCrashFinding(error: Error & { ruleId: string; currentNode?: unknown }, agent: string, file: string): FindingDraft {
  const loc = (error.currentNode as { loc?: { start?: { line?: number; column?: number } } } | undefined)?.loc?.start;
  const line = loc?.line ?? 1;
  const column = (loc?.column ?? 0) + 1;
  const reason = error.message.split('\n')[0] ?? '';
  return {
    ruleId: RULE_CRASH_RULE_ID,
    agent,
    severity: 'warning',
    message: `ESLint rule '${error.ruleId}' crashed on this file (${reason}), so its style findings are missing. Update the plugin that provides the rule, or turn the rule off for this file.`,
    file,
    range: { start: { line, column }, end: { line, column } },
    tags: ['style', 'config'],
  };
}

function legacyConfigFinding(root: string, legacy: string, agent: string): Finding {
  const file = toPosix(relative(root, legacy));
  const draft = {
    ruleId: LEGACY_CONFIG_RULE_ID,
    agent,
    severity: 'info' as const,
    message:
      `${file} is a legacy ESLint config, which ESLint 10 no longer reads, so the built-in recommended rules were used instead. ` +
      `Migrate it to a flat config: run \`npx @eslint/migrate-config ${file}\` and commit the eslint.config.mjs it writes.`,
    file,
    range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
    help: 'ESLint 10 only supports flat config files (eslint.config.*).',
    helpUrl: 'https://eslint.org/docs/latest/use/configure/migration-guide',
    tags: ['style', 'config'],
  };
  return assignFingerprints([draft], () => '')[0]!;
}

/** Lines of a text, split lazily once, for fingerprints. */
function lineReader(text: string): (line: number) => string {
  let lines: string[] | undefined;
  return (line) => (lines ??= text.split(/\r\n|\r|\n/))[line - 1] ?? '';
}

function byPosition(a: FindingDraft, b: FindingDraft): number {
  return a.range.start.line - b.range.start.line || a.range.start.column - b.range.start.column;
}

/**
 * Lints `files` (content from the caller) under the reviewed `root` and returns findings with
 * fingerprints. Throws {@link InvalidInputError} for bad input (a file outside the root, bad options)
 * and {@link CancelledError} when `options.signal` fires; a broken user config is a finding, not a throw.
 */
export async function lintFiles(root: string, files: readonly LintFile[], options: LintFilesOptions = {}): Promise<Finding[]> {
  const { signal, cache = defaultCache, agent = STYLE_AGENT_ID, ...settings } = options;
  const opts = parseStyleOptions(settings);
  const checked = parseWith(filesSchema, files, 'files to lint');
  if (typeof root !== 'string' || root === '') throw new InvalidInputError('lintFiles: root must be a non-empty folder path', { key: 'root' });
  const absRoot = resolve(root);
  throwIfAborted(signal);

  const groups = new Map<string, Group>();
  const legacyConfigs = new Set<string>();
  const locator = new EslintConfigLocator(absRoot);
  const explicit = opts.configFile !== undefined ? resolve(absRoot, opts.configFile) : undefined;
  for (const [index, file] of checked.entries()) {
    const abs = resolve(absRoot, file.path);
    const rel = relative(absRoot, abs);
    if (rel === '' || rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
      throw new InvalidInputError(`File '${file.path}' is not inside the reviewed root '${absRoot}': pass paths relative to the root, or absolute paths inside it`, {
        key: `files.${index}.path`,
      });
    }
    let configFile: string | undefined;
    let origin: string | undefined;
    if (explicit !== undefined) {
      configFile = explicit;
      origin = 'set by the style configFile setting';
    } else if (opts.useRepoConfig) {
      const location = await locator.locate(abs);
      if (location.kind === 'flat') configFile = location.path;
      else if (location.kind === 'legacy') legacyConfigs.add(location.path);
    }
    const key = configFile ?? '';
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { configFile, ...(origin ? { origin } : {}), files: [] }));
    group.files.push({ abs, rel: toPosix(rel), text: file.text });
  }

  const findings: Finding[] = [...legacyConfigs].map((legacy) => legacyConfigFinding(absRoot, legacy, agent));
  for (const group of groups.values()) {
    findings.push(...(await lintGroup(group, { root: absRoot, explicit: explicit !== undefined, settings: opts, cache, agent, signal })));
  }
  return findings;
}

/** What lintGroup needs besides the group. */
interface GroupRun {
  root: string;
  explicit: boolean;
  settings: StyleOptions;
  cache: EslintInstanceCache;
  agent: string;
  signal: AbortSignal | undefined;
}

function fileSkippedFinding(file: string, bytes: number, limit: number, agent: string): FindingDraft {
  const mb = (n: number) => (n < 1024 * 1024 ? `${Math.ceil(n / 1024)} KiB` : `${(n / 1024 / 1024).toFixed(1)} MiB`);
  return {
    ruleId: FILE_SKIPPED_RULE_ID,
    agent,
    severity: 'info',
    message: `Not style-checked: ${mb(bytes)} is above the ${mb(limit)} limit (the style maxFileBytes setting). Raise the limit, or ignore the file in the ESLint config if it is generated.`,
    file,
    range: { start: { line: 1, column: 1 }, end: { line: 1, column: 1 } },
    tags: ['style'],
  };
}

/** Lints one file with `eslint`; returns its findings before fingerprinting. Throws what ESLint throws. */
async function lintOne(eslint: ESLint, file: Group['files'][number], run: GroupRun): Promise<FindingDraft[]> {
  const bytes = file.text.length > run.settings.maxFileBytes / 3 ? Buffer.byteLength(file.text) : 0;
  if (bytes > run.settings.maxFileBytes) {
    // An ignored bundle stays silent; one we would have linted says why it was not.
    return (await eslint.isPathIgnored(file.abs)) ? [] : [fileSkippedFinding(file.rel, bytes, run.settings.maxFileBytes, run.agent)];
  }
  // warnIgnored: false: a file the config ignores (or has no config for) yields no result at all.
  const results = await eslint.lintText(file.text, { filePath: file.abs, warnIgnored: false });
  const result = results[0];
  if (!result || result.messages.length === 0) return [];
  const context = {
    agent: run.agent,
    file: file.rel,
    bomOffset: file.text.charCodeAt(0) === 0xfeff ? 1 : 0,
    rulesMeta: eslint.getRulesMetaForResults(results),
  };
  const drafts: FindingDraft[] = [];
  for (const message of result.messages) {
    const draft = eslintMessageToFinding(message, context);
    if (draft.ruleId === PARSE_ERROR_RULE_ID && run.settings.parseErrors === 'omit') continue;
    drafts.push(draft);
  }
  return drafts.sort(byPosition);
}

async function lintGroup(group: Group, run: GroupRun): Promise<Finding[]> {
  const { root, explicit, cache, agent, signal } = run;
  const { configFile } = group;
  const configError = (error: unknown) => configErrorFinding(error, { agent, root, configFile: configFile!, ...(group.origin ? { origin: group.origin } : {}) });
  let eslint: ESLint;
  if (configFile === undefined) {
    eslint = await cache.get(`${root}\0<builtin>`, 'builtin', () => createEslint(root, undefined, false));
  } else {
    let stamp: string;
    try {
      stamp = await configStamp(configFile);
    } catch (error) {
      // Deleted since the lookup, or an explicit path that does not exist.
      return [await configError(new Error(`Cannot read the config file: ${(error as NodeJS.ErrnoException).code ?? String(error)}`))];
    }
    eslint = await cache.get(`${root}\0${explicit ? 'explicit' : 'lookup'}\0${configFile}`, stamp, () => createEslint(root, configFile, explicit));
  }

  const findings: Finding[] = [];
  let reportedConfigError = false;
  for (const file of group.files) {
    throwIfAborted(signal);
    try {
      findings.push(...assignFingerprints(await lintOne(eslint, file, run), lineReader(file.text)));
    } catch (error) {
      if (isCancellation(error)) throw error;
      if (error instanceof Error && typeof (error as { ruleId?: unknown }).ruleId === 'string') {
        const crash = ruleCrashFinding(error as Error & { ruleId: string }, agent, file.rel);
        findings.push(...assignFingerprints([crash], lineReader(file.text)));
        continue;
      }
      // Our own config failing is a bug or a broken install, not the user's problem to fix.
      if (configFile === undefined) throw error;
      if (!reportedConfigError) findings.push(await configError(error));
      reportedConfigError = true;
    }
  }
  return findings;
}
