/**
 * A user's ESLint config that cannot be loaded (a syntax error, a plugin that is not installed, an
 * invalid rule option, a TypeScript config without `jiti`) becomes ONE finding on the config file,
 * whose message carries ESLint's own error and says what to fix. The review goes on: other agents,
 * and files under other configs, are not affected.
 */
import { readFile } from 'node:fs/promises';
import { relative, sep } from 'node:path';
import { errorMessage } from '../../../shared/errors/errors.js';
import type { Finding, Position } from '../../../shared/findings/finding.js';
import { assignFingerprints } from '../../../shared/findings/fingerprint.js';

/** Rule id of the finding reporting an unusable ESLint config. */
export const CONFIG_ERROR_RULE_ID = 'style/config-error';

/** Where the config is and who reports. */
export interface ConfigErrorContext {
  agent: string;
  /** Absolute reviewed root. */
  root: string;
  /** Absolute path of the config file. */
  configFile: string;
  /** Why this config was chosen, when the user did not write it in the usual place (e.g. a setting). */
  origin?: string;
}

interface Diagnosis {
  /** What to do, one sentence. */
  hint: string;
  /** Text in the config to point at, when the error names one. */
  needle?: string;
}

/** Reads ESLint's (or Node's) error and says what the user should change. */
function diagnose(error: unknown, message: string): Diagnosis {
  const code = (error as { code?: unknown } | null)?.code;
  if (/'jiti' library is required/.test(message)) {
    return { hint: "ESLint needs the 'jiti' package to load a TypeScript config: install it (npm install --save-dev jiti) or rename the config to eslint.config.mjs." };
  }
  const missing = /Cannot find (?:package|module) '([^']+)'/.exec(message);
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND' || missing) {
    const name = missing?.[1];
    return name && !name.startsWith('/') && !name.startsWith('.')
      ? { hint: `Install the missing package (npm install --save-dev ${name}) or remove it from the config.`, needle: name }
      : { hint: 'Fix the import path in the config, or remove the import.', ...(name ? { needle: name } : {}) };
  }
  const unknownRule = /Could not find "([^"]+)" in plugin/.exec(message);
  if (unknownRule) {
    return { hint: `Rule '${unknownRule[1]}' does not exist: check its name, or install and register the plugin that provides it.`, needle: unknownRule[1]! };
  }
  const ruleKey = /Key "rules": Key "([^"]+)"/.exec(message);
  if (ruleKey) {
    return { hint: `Fix the options of rule '${ruleKey[1]}' (see the rule's documentation) or remove them.`, needle: ruleKey[1]! };
  }
  const unexpectedKey = /Unexpected key "([^"]+)" found/.exec(message);
  if (unexpectedKey) {
    return {
      hint: `Remove or rename '${unexpectedKey[1]}': a flat config object takes only name, basePath, files, ignores, extends, languageOptions, linterOptions, processor, plugins, rules and settings.`,
      needle: unexpectedKey[1]!,
    };
  }
  if (error instanceof SyntaxError) return { hint: 'Fix the JavaScript syntax error in the config file.' };
  return { hint: 'Fix the config so that `npx eslint` can load it.' };
}

/** ESLint's message, on one line, without its repeated lines (schema errors list one problem twice). */
function oneLine(message: string): string {
  const lines = [...new Set(message.split('\n').map((l) => l.trim()).filter(Boolean))];
  return lines.join(' ').replace(/\s*\.?$/, '');
}

/** The location of a syntax error, found by parsing the config with ESLint's own parser. */
async function syntaxErrorPosition(text: string, configFile: string): Promise<Position | undefined> {
  const { Linter } = await import('eslint');
  const cjs = configFile.endsWith('.cjs');
  const messages = new Linter().verify(
    text,
    [{ files: ['**/*'], languageOptions: { sourceType: cjs ? 'commonjs' : 'module', ecmaVersion: 'latest' } }],
    cjs ? 'config.cjs' : 'config.mjs',
  );
  const fatal = messages.find((m) => m.fatal);
  return fatal ? { line: fatal.line, column: fatal.column } : undefined;
}

/** The position of a runtime error thrown by the config itself, from its stack. */
function stackPosition(error: unknown, configFile: string): Position | undefined {
  const stack = error instanceof Error ? error.stack : undefined;
  if (!stack) return undefined;
  const escaped = configFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const match = new RegExp(`${escaped}(?:\\?[^:\\s)]*)?:(\\d+)(?::(\\d+))?`).exec(stack);
  return match ? { line: Number(match[1]), column: Number(match[2] ?? 1) } : undefined;
}

/** The first line and column where `needle` appears as a string or key in `text`. */
function needlePosition(text: string, needle: string): Position | undefined {
  const lines = text.split(/\r\n|\r|\n/);
  for (const quoted of [`"${needle}"`, `'${needle}'`, `\`${needle}\``, needle]) {
    for (let i = 0; i < lines.length; i++) {
      const column = lines[i]!.indexOf(quoted);
      if (column >= 0) return { line: i + 1, column: column + 1 };
    }
  }
  return undefined;
}

/** Builds the single finding for a config that ESLint could not use. */
export async function configErrorFinding(error: unknown, context: ConfigErrorContext): Promise<Finding> {
  const text = await readFile(context.configFile, 'utf8').catch(() => undefined);
  const eslintMessage = oneLine(errorMessage(error));
  const { hint, needle } = diagnose(error, eslintMessage);
  let position = stackPosition(error, context.configFile);
  if (!position && text !== undefined && error instanceof SyntaxError) position = await syntaxErrorPosition(text, context.configFile);
  if (!position && text !== undefined && needle) position = needlePosition(text, needle);
  position ??= { line: 1, column: 1 };
  const file = relative(context.root, context.configFile).split(sep).join('/');
  const origin = context.origin ? ` (${context.origin})` : '';
  const draft = {
    ruleId: CONFIG_ERROR_RULE_ID,
    agent: context.agent,
    severity: 'error' as const,
    message: `ESLint could not use the config ${file}${origin}: ${eslintMessage}. ${hint} Until then, files under this config get no style findings.`,
    file,
    range: { start: position, end: position },
    help: hint,
    helpUrl: 'https://eslint.org/docs/latest/use/configure/configuration-files',
    tags: ['style', 'config'],
  };
  const lines = text?.split(/\r\n|\r|\n/) ?? [];
  return assignFingerprints([draft], (line) => lines[line - 1] ?? '')[0]!;
}
