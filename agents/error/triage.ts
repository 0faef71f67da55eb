/**
 * Triage: from a failure's output to where, why and what to do. The log analyzer groups the errors
 * of a log; for each group (most telling first) the stack tracer parses its trace, maps it through
 * source maps and picks the first frame in the project's own code; when there is no usable trace,
 * the tool's own location (tsc, ESLint, pytest) is used. The fix suggester adds knowledge-base
 * suggestions at that line and, with an LLM, a patch checked to apply.
 *
 * Used by `orchestra triage`, the editor (failed tasks and terminal commands), the log watcher and
 * the GitHub App (failed workflow runs).
 */
import { readFile as fsReadFile, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { BaseChatModel } from '@langchain/core/language_models/chat_models';
import { CancelledError } from '../../shared/errors/errors.js';
import { suggestFixes, suggestPatch } from './fix/index.js';
import { analyzeLog } from './logs/index.js';
import { codeFrame, locate, parseStackTraces } from './stack/index.js';
import type { ErrorGroup, FaultLocation, FixSuggestion, LogError, ParsedTrace, TriageItem, TriageReport } from './types.js';

export interface TriageOptions {
  /** Project root the frames are resolved against. */
  root: string;
  /** Reads a file by absolute path (undefined when absent). Default: the file system, confined to `root`. */
  readFile?: (absolutePath: string) => Promise<string | undefined>;
  /** Optional LLM for patches. */
  model?: BaseChatModel;
  /** Error groups to triage (default 10). */
  maxItems?: number;
  signal?: AbortSignal;
}

const MAX_SOURCE_BYTES = 2 * 1024 * 1024;

/** Reads files under `root` only; anything outside it, missing, or too large reads as absent. */
export function confinedReader(root: string): (absolutePath: string) => Promise<string | undefined> {
  const base = resolve(root);
  return async (absolutePath) => {
    const path = resolve(base, absolutePath);
    const rel = relative(base, path);
    if (rel === '' || rel.startsWith(`..${sep}`) || rel === '..' || isAbsolute(rel)) return undefined;
    try {
      const info = await stat(path);
      if (!info.isFile() || info.size > MAX_SOURCE_BYTES) return undefined;
      return await fsReadFile(path, 'utf8');
    } catch {
      return undefined;
    }
  };
}

/**
 * How telling an error is, lower first: a crash or failing test with a trace beats a tool's
 * located error, which beats the runner's summary ("npm ERR! Test failed", "exit code 1").
 */
function rank(group: ErrorGroup): number {
  const error = group.first;
  const consequence = /^(npm-error|exit-code|process-exit|summary)$/.test(error.kind) || /Process completed with exit code|npm (ERR!|error) (code|Test failed|Lifecycle|command failed)/i.test(error.message);
  if (consequence) return 3;
  if (error.stack) return 0;
  if (error.location) return 1;
  return 2;
}

/** Orders groups most telling first, then by where they appeared in the log. */
export function orderGroups(groups: readonly ErrorGroup[]): ErrorGroup[] {
  return [...groups].sort((a, b) => rank(a) - rank(b) || a.firstSeen.logLine - b.firstSeen.logLine);
}

function toProjectPath(root: string, file: string): string | undefined {
  const cleaned = file.replace(/^file:\/\//, '');
  const absolute = resolve(root, cleaned);
  const rel = relative(resolve(root), absolute);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return rel.split(sep).join('/');
}

/** A tool-stated location (tsc, ESLint, pytest), when it names a file under root. */
async function toolFault(error: LogError, root: string, read: (p: string) => Promise<string | undefined>): Promise<FaultLocation | undefined> {
  const location = error.location;
  if (!location) return undefined;
  const file = toProjectPath(root, location.file);
  if (!file) return undefined;
  const source = await read(resolve(root, file));
  if (source === undefined) return undefined;
  return { file, line: location.line, column: location.column, codeFrame: codeFrame(source, location.line, location.column), via: 'tool' };
}

function errorTypeOf(error: LogError, trace: ParsedTrace | undefined): string | undefined {
  if (trace?.errorType) return trace.errorType;
  return /^([A-Z][\w.]*(?:Error|Exception))\b/.exec(error.message)?.[1];
}

function codeLineOf(fault: FaultLocation | undefined, source: string | undefined): string | undefined {
  if (!fault || source === undefined) return undefined;
  return source.split(/\r?\n/)[fault.line - 1];
}

/** Where a group's error happened: its traces located (source maps, own code), else the tool's own location. */
export async function traceGroup(group: ErrorGroup, options: { root: string; readFile: (p: string) => Promise<string | undefined> }): Promise<Pick<TriageItem, 'trace' | 'fault' | 'candidates'>> {
  const error = group.first;
  const read = options.readFile;
  const traces = error.stack ? parseStackTraces(error.stack) : [];
  let trace = traces[0];
  let fault: FaultLocation | undefined;
  let candidates: FaultLocation[] = [];
  for (const candidate of traces) {
    const located = await locate(candidate, { root: options.root, readFile: read });
    if (located.fault) {
      trace = located.trace;
      fault = located.fault;
      candidates = located.candidates;
      break;
    }
    if (candidate === trace) trace = located.trace;
  }
  const stated = await toolFault(error, options.root, read);
  if (!fault && stated) fault = stated;
  if (stated && !candidates.some((c) => c.file === stated.file && c.line === stated.line)) candidates = fault === stated ? [stated, ...candidates] : [...candidates, stated];
  if (fault && !candidates.some((c) => c.file === fault.file && c.line === fault.line)) candidates = [fault, ...candidates];
  return { trace, fault, candidates };
}

/** What to do about a located error: knowledge-base suggestions, and with a model a patch checked to apply. */
export async function suggestForGroup(
  group: ErrorGroup,
  located: Pick<TriageItem, 'trace' | 'fault'>,
  options: { root: string; readFile: (p: string) => Promise<string | undefined>; model?: BaseChatModel; signal?: AbortSignal },
): Promise<FixSuggestion[]> {
  const error = group.first;
  const { fault, trace } = located;
  const source = fault ? await options.readFile(resolve(options.root, fault.file)) : undefined;
  const suggestions: FixSuggestion[] = suggestFixes({
    // The context carries what the message line does not: jest's Expected/Received, assert's actual/expected.
    error: { message: error.context ? `${error.message}\n${error.context}` : error.message, errorType: errorTypeOf(error, trace), kind: error.kind, format: error.format },
    fault,
    codeLine: codeLineOf(fault, source),
  });
  if (options.model && fault) {
    const patched = await suggestPatch({ model: options.model, root: options.root, message: error.message, fault, testExcerpt: error.context, signal: options.signal });
    if (patched.suggestion) suggestions.push(patched.suggestion);
  }
  return suggestions;
}

async function triageGroup(group: ErrorGroup, options: TriageOptions, read: (p: string) => Promise<string | undefined>): Promise<TriageItem> {
  const located = await traceGroup(group, { root: options.root, readFile: read });
  const suggestions = await suggestForGroup(group, located, { root: options.root, readFile: read, model: options.model, signal: options.signal });
  return { group, ...located, suggestions };
}

/** Triage a failure's output: a string, bytes, or a stream of chunks (read once, in bounded memory). */
export async function triage(input: string | Uint8Array | AsyncIterable<string | Uint8Array>, options: TriageOptions): Promise<TriageReport> {
  const read = options.readFile ?? confinedReader(options.root);
  const { groups, ...analysis } = await analyzeLog(input);
  const items: TriageItem[] = [];
  for (const group of orderGroups(groups).slice(0, options.maxItems ?? 10)) {
    if (options.signal?.aborted) throw new CancelledError('Triage was cancelled', { cause: options.signal.reason });
    items.push(await triageGroup(group, options, read));
  }
  return { items, analysis };
}

function where(item: TriageItem): string {
  const { fault } = item;
  if (!fault) return 'no frame in the project’s own code';
  return `${fault.file}:${fault.line}${fault.column ? `:${fault.column}` : ''}${fault.function ? ` (${fault.function})` : ''}`;
}

/** The report as terminal text. */
export function renderTriageText(report: TriageReport, options: { maxItems?: number } = {}): string {
  if (report.items.length === 0) return `No errors found (${report.analysis.stats.lines} lines read).\n`;
  const out: string[] = [];
  report.items.slice(0, options.maxItems ?? report.items.length).forEach((item, index) => {
    const { first, count } = item.group;
    out.push(`${index + 1}. ${first.message}${count > 1 ? `  (×${count})` : ''}`);
    const origin = [first.format !== 'unknown' ? first.format : undefined, first.step ? `step "${first.step}"` : undefined, first.test ? `test "${first.test}"` : undefined, `log line ${first.logLine}`].filter(Boolean).join(', ');
    out.push(`   from ${origin}`);
    out.push(`   at ${where(item)}`);
    if (item.fault?.codeFrame) out.push(item.fault.codeFrame.replace(/^/gm, '   '));
    for (const suggestion of item.suggestions) {
      out.push(`   → ${suggestion.title}: ${suggestion.detail}`);
      if (suggestion.patch) out.push(suggestion.patch.replace(/^/gm, '     '));
    }
    out.push('');
  });
  if (report.analysis.spikes.length > 0) {
    out.push('Rate spikes:');
    for (const spike of report.analysis.spikes) out.push(`  ${spike.fingerprint} ${spike.count} in ${spike.window} (usual ${spike.baseline})`);
  }
  return `${out.join('\n')}\n`;
}

function fence(text: string, lang = ''): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${lang}\n${text}\n${ticks}`;
}

function escapeInline(text: string): string {
  return text.replace(/[\\`*_{}[\]<>()#+!|~]/g, (c) => `\\${c}`).replace(/@/g, '@\u200b');
}

/** The report as GitHub-flavoured Markdown (a PR comment, the chat). */
export function renderTriageMarkdown(report: TriageReport, options: { maxItems?: number; linkFile?: (file: string, line: number) => string } = {}): string {
  if (report.items.length === 0) return `No errors found in ${report.analysis.stats.lines} lines of output.\n`;
  const out: string[] = [];
  for (const item of report.items.slice(0, options.maxItems ?? 5)) {
    const { first, count } = item.group;
    out.push(`#### ${escapeInline(first.message.slice(0, 300))}${count > 1 ? ` (×${count})` : ''}`);
    const origin = [first.step ? `step **${escapeInline(first.step)}**` : undefined, first.test ? `test **${escapeInline(first.test)}**` : undefined].filter(Boolean).join(', ');
    if (origin) out.push(`In ${origin}.`);
    if (item.fault) {
      const label = `${item.fault.file}:${item.fault.line}`;
      const link = options.linkFile?.(item.fault.file, item.fault.line);
      out.push(`At ${link ? `[\`${label}\`](${link})` : `\`${label}\``}${item.fault.function ? ` in \`${item.fault.function}\`` : ''}:`);
      if (item.fault.codeFrame) out.push(fence(item.fault.codeFrame));
    } else {
      out.push('No frame in the repository’s own code.');
    }
    for (const suggestion of item.suggestions) {
      out.push(`- **${escapeInline(suggestion.title)}**: ${suggestion.detail}`);
      if (suggestion.patch) out.push(fence(suggestion.patch, 'diff'));
    }
    out.push('');
  }
  if (report.items.length > (options.maxItems ?? 5)) out.push(`…and ${report.items.length - (options.maxItems ?? 5)} more error groups.`);
  return `${out.join('\n')}\n`;
}
