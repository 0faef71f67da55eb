/**
 * Parses and validates the text of an Orchestra config file, whatever its origin: a local file
 * (load-config.ts) or content the GitHub App fetched through the API. JSON or YAML by file name.
 * Every problem is reported at once, each with `file:line:col`, the key path, what is expected and
 * what was found.
 */
import { LineCounter, isMap, isScalar, isSeq, parseDocument, visit, type Document } from 'yaml';
import type { z } from 'zod';
import { errorMessage, InvalidInputError } from '../errors/errors.js';
import { configSchema, type OrchestraConfig } from './config-schema.js';
import { formatKeyPath, issuesFromZod, type ConfigIssue } from './config-issues.js';
import { findJsonSyntaxError } from './json-syntax-error.js';
import { scanConfigTree } from './scan-config-tree.js';
import { textNestingDepth } from './text-nesting-depth.js';

/** Config files are a few KB; a larger one is a mistake or an attack. */
export const DEFAULT_MAX_CONFIG_BYTES = 256 * 1024;

/** Deepest nesting a text may have before it is parsed as YAML (see text-nesting-depth.ts). */
const MAX_TEXT_DEPTH = 64;

/** YAML aliases allowed when expanding a document; beyond it is a "billion laughs" bomb. */
const MAX_ALIAS_COUNT = 100;

/** Problems listed in one error message; the rest are counted. */
const MAX_LISTED = 30;

/** Problems located and returned; a hostile file may have thousands. */
const MAX_RETURNED = 200;

/** Options of {@link parseConfig} and {@link validateConfig}. */
export interface ParseConfigOptions {
  /** Largest accepted text in bytes (UTF-8). Default {@link DEFAULT_MAX_CONFIG_BYTES}. */
  maxBytes?: number;
}

/** Outcome of {@link validateConfig}: the config, or every problem found (for editor diagnostics). */
export type ConfigValidation =
  | { ok: true; config: OrchestraConfig }
  | { ok: false; issues: ConfigIssue[]; message: string; cause?: z.ZodError };

/** The format a config file name implies. */
export function configFormat(fileName: string): 'json' | 'yaml' {
  const lower = fileName.toLowerCase();
  if (lower.endsWith('.json')) return 'json';
  if (lower.endsWith('.yaml') || lower.endsWith('.yml')) return 'yaml';
  throw new InvalidInputError(
    `Cannot tell the format of config file "${fileName}": its name must end in .json, .yaml or .yml.`,
    { file: fileName },
  );
}

/**
 * Parses and validates config text, returning the config with defaults filled in.
 * @param fileName Shown in messages; its extension selects JSON or YAML.
 * @throws InvalidInputError naming the file and every problem (syntax errors with line:col, then
 *   each invalid key with what is expected and what was found).
 */
export function parseConfig(text: string, fileName: string, options: ParseConfigOptions = {}): OrchestraConfig {
  const result = validateConfig(text, fileName, options);
  if (result.ok) return result.config;
  const first = result.issues[0];
  throw new InvalidInputError(result.message, { file: fileName, ...(first?.key ? { key: first.key } : {}) }, { cause: result.cause });
}

/** Like {@link parseConfig} but returns the problems instead of throwing for invalid content. */
export function validateConfig(text: string, fileName: string, options: ParseConfigOptions = {}): ConfigValidation {
  const format = configFormat(fileName);
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_CONFIG_BYTES;
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > maxBytes) {
    const issue = { path: [], key: formatKeyPath([]), message: `the file is ${bytes} bytes; config files are limited to ${maxBytes} bytes` };
    return failure(fileName, [issue]);
  }
  const source = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const parsed = format === 'json' ? parseJson(source) : parseYaml(source);
  if ('issues' in parsed) return failure(fileName, parsed.issues.slice(0, MAX_RETURNED), undefined, parsed.issues.length);
  const data = parsed.data ?? {};
  if (typeof data !== 'object' || Array.isArray(data)) {
    const found = Array.isArray(data) ? 'a list' : `${typeof data} ${JSON.stringify(data)}`;
    return failure(fileName, [{ path: [], key: formatKeyPath([]), message: `expected a mapping of settings (e.g. "review:"), found ${found}` }]);
  }

  const issues = scanConfigTree(data);
  const result = configSchema.safeParse(data);
  if (result.success && issues.length === 0) return { ok: true, config: result.data };
  if (!result.success) {
    const seen = new Set(issues.map((i) => i.key));
    for (const issue of issuesFromZod(result.error, data, configSchema)) {
      if (!seen.has(issue.key)) issues.push(issue);
    }
  }
  const positioned = locateIssues(source, issues.slice(0, MAX_RETURNED), parsed.document);
  return failure(fileName, positioned, result.success ? undefined : result.error, issues.length);
}

type Parsed = { data: unknown; document?: Document } | { issues: ConfigIssue[] };

function parseJson(text: string): Parsed {
  if (text.trim() === '') return { data: {} };
  try {
    return { data: JSON.parse(text) as unknown };
  } catch {
    const error = findJsonSyntaxError(text);
    const { line, column } = lineColumn(text, error?.offset ?? 0);
    const message = error ? `invalid JSON: expected ${error.expected}, found ${error.found}` : 'invalid JSON';
    return { issues: [{ path: [], key: formatKeyPath([]), message, line, column }] };
  }
}

function parseYaml(text: string): Parsed {
  if (textNestingDepth(text) > MAX_TEXT_DEPTH) {
    return { issues: [{ path: [], key: formatKeyPath([]), message: `the file nests more than ${MAX_TEXT_DEPTH} levels deep; Orchestra config is at most a few levels deep` }] };
  }
  const lineCounter = new LineCounter();
  let document: Document;
  try {
    document = parseDocument(text, { lineCounter, prettyErrors: true, uniqueKeys: false, version: '1.2' });
  } catch (error) {
    return { issues: [{ path: [], key: formatKeyPath([]), message: `YAML could not be parsed: ${errorMessage(error)}` }] };
  }
  const problems = [...document.errors, ...document.warnings];
  if (problems.length > 0) {
    return {
      issues: byPosition(problems.map((problem) => ({
        path: [],
        key: formatKeyPath([]),
        message: `YAML ${problem.name === 'YAMLWarning' ? 'problem' : 'syntax error'}: ${firstLine(problem.message)}`,
        ...(problem.linePos ? { line: problem.linePos[0].line, column: problem.linePos[0].col } : {}),
      }))),
    };
  }
  const keyProblem = findKeyProblem(document);
  if (keyProblem !== undefined) {
    return { issues: [{ path: [], key: formatKeyPath([]), message: keyProblem.message, ...lineColumn(text, keyProblem.offset) }] };
  }
  try {
    return { data: document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) as unknown, document };
  } catch (error) {
    const message =
      error instanceof ReferenceError && /alias/i.test(error.message)
        ? `YAML uses aliases (*name) more than ${MAX_ALIAS_COUNT} times; this looks like an alias bomb (billion laughs). Write the values out instead`
        : `YAML could not be converted: ${error instanceof Error ? error.message : String(error)}`;
    return { issues: [{ path: [], key: formatKeyPath([]), message }] };
  }
}

/**
 * The first key problem of a document: a key that is not a scalar (`? [a, b]`, `*alias :`) or a
 * duplicate key. Done here in one linear pass because the parser's own `uniqueKeys` check
 * compares every pair of keys (quadratic: seconds for a hostile 250 KB file).
 */
function findKeyProblem(document: Document): { offset: number; message: string } | undefined {
  let problem: { offset: number; message: string } | undefined;
  visit(document, {
    Map(_, map) {
      const seen = new Set<string>();
      for (const pair of map.items) {
        if (pair.key !== null && !isScalar(pair.key)) {
          problem = { offset: rangeStart(pair.key) ?? 0, message: 'a key must be a plain name, not a list, mapping or alias' };
          return visit.BREAK;
        }
        const name = String(pair.key?.value ?? null);
        if (seen.has(name)) {
          problem = { offset: rangeStart(pair.key) ?? 0, message: `the key "${name.slice(0, 60)}" appears twice in the same mapping` };
          return visit.BREAK;
        }
        seen.add(name);
      }
      return undefined;
    },
  });
  return problem;
}

/** The first line of a yaml error message, without its own " at line X, column Y" suffix. */
function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?\s*$/, '');
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

/**
 * Adds line:col to issues by finding their node in the YAML document (JSON is YAML too, so a JSON
 * file is re-read as YAML for positions only), then sorts them in document order.
 */
function locateIssues(source: string, issues: ConfigIssue[], document?: Document): ConfigIssue[] {
  if (!document && textNestingDepth(source) > MAX_TEXT_DEPTH) return issues;
  let doc: Document;
  try {
    doc = document ?? parseDocument(source, { uniqueKeys: false });
  } catch {
    return issues;
  }
  if (doc.errors.length > 0) return issues;
  const offsetOf = (path: readonly (string | number)[], atKey: boolean): number | undefined => {
    let node: unknown = doc.contents;
    let keyNode: unknown;
    let best: number | undefined = rangeStart(node);
    for (const segment of path) {
      keyNode = undefined;
      if (isMap(node)) {
        const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(segment));
        if (!pair) break;
        keyNode = pair.key;
        node = pair.value;
      } else if (isSeq(node) && typeof segment === 'number') {
        node = node.items[segment];
      } else break;
      best = rangeStart(atKey && keyNode ? keyNode : node) ?? rangeStart(keyNode) ?? best;
    }
    return best;
  };
  const located = issues.map((issue) => {
    if (issue.line !== undefined) return issue;
    const offset = offsetOf(issue.path, issue.atKey === true);
    return offset === undefined ? issue : { ...issue, ...lineColumn(source, offset) };
  });
  return byPosition(located);
}

/** Sorts issues in document order (issues without a position first). */
function byPosition(issues: ConfigIssue[]): ConfigIssue[] {
  return issues.sort((a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0));
}

function rangeStart(node: unknown): number | undefined {
  const range = (node as { range?: [number, number, number] } | null | undefined)?.range;
  return range?.[0];
}

function failure(fileName: string, issues: ConfigIssue[], cause?: z.ZodError, total = issues.length): ConfigValidation {
  const count = total === 1 ? '1 problem' : `${total} problems`;
  const lines = issues.slice(0, MAX_LISTED).map((issue) => {
    const where = issue.line !== undefined ? `${fileName}:${issue.line}:${issue.column ?? 1}` : fileName;
    return `  ${where}${issue.key ? ` ${issue.key}` : ''}: ${issue.message}`;
  });
  if (total > lines.length) lines.push(`  ... and ${total - lines.length} more`);
  const message = `Invalid Orchestra config ${fileName} (${count}):\n${lines.join('\n')}`;
  return { ok: false, issues, message, ...(cause ? { cause } : {}) };
}
